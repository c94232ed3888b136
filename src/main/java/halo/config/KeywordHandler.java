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

    /**
     * A keyword keepalived knows that Halo reads ({@code inner}: checked, kept for dump-conf) but does not act on:
     * each use is reported, "accepted but not used by Halo", so that halo check does not call the configuration
     * valid while part of it does nothing; with --strict it is an error.
     */
    record Unused(KeywordHandler inner) implements KeywordHandler {}
}
