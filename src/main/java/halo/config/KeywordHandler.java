package halo.config;

import halo.config.source.Statement;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/** What a keyword does in the block it appears in: the three shapes of keepalived keywords. */
sealed interface KeywordHandler {

    /** A keyword taking arguments on its line only. */
    record Line(BiConsumer<ParseContext, Statement> handler) implements KeywordHandler {}

    /** A keyword opening a block of keywords: returns the block's context, or null to skip the block. */
    record Block(BiFunction<ParseContext, Statement, ParseContext> opener) implements KeywordHandler {}

    /** A keyword followed by a block of values (addresses, names), not keywords. */
    record ValueBlock(BiConsumer<ParseContext, Statement> handler) implements KeywordHandler {}
}
