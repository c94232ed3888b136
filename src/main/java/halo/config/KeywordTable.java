package halo.config;

import halo.config.source.Statement;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/** Fills a block's keyword table ({@code keyword -> KeywordHandler}) with handlers typed by the block's builder. */
final class KeywordTable {
    private KeywordTable() {}

    // The handlers are stored as written, not wrapped in a casting lambda: a handler's own accept() casts its
    // builder (erasure), and one call less per statement counts on 260,000 statements.

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <B extends ParseContext> void line(Map<String, KeywordHandler> table, String keyword,
                                              BiConsumer<B, Statement> handler) {
        table.put(keyword, new KeywordHandler.Line((BiConsumer) handler));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <B extends ParseContext> void block(Map<String, KeywordHandler> table, String keyword,
                                               BiFunction<B, Statement, ParseContext> opener) {
        table.put(keyword, new KeywordHandler.Block((BiFunction) opener));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <B extends ParseContext> void valueBlock(Map<String, KeywordHandler> table, String keyword,
                                                    BiConsumer<B, Statement> handler) {
        table.put(keyword, new KeywordHandler.ValueBlock((BiConsumer) handler));
    }

    /**
     * Marks keywords of the table as known but not acted on by Halo ({@link KeywordHandler.Unused}); a keyword not in
     * the table yet is added as one Halo only checks for its place (a line, or a block of any content).
     */
    static void unused(Map<String, KeywordHandler> table, String... keywords) {
        for (String k : keywords) {
            KeywordHandler h = table.get(k);
            if (h == null) {
                h = new KeywordHandler.Line((c, s) -> {});
            }
            if (!(h instanceof KeywordHandler.Unused)) {
                table.put(k, new KeywordHandler.Unused(h));
            }
        }
    }

    /** Marks blocks keepalived knows that Halo does not act on; their content is skipped (a block of values). */
    static void unusedBlocks(Map<String, KeywordHandler> table, String... keywords) {
        for (String k : keywords) {
            KeywordHandler h = table.get(k);
            table.put(k, new KeywordHandler.Unused(h != null ? h : new KeywordHandler.ValueBlock((c, s) -> {})));
        }
    }

    /** Keywords keepalived accepts in a block that Halo keeps verbatim (tuning, SNMP, D-Bus, namespaces...). */
    static <B extends ParseContext & HasRawSettings> void raw(Map<String, KeywordHandler> table, String... keywords) {
        for (String k : keywords) {
            KeywordTable.<B>line(table, k, (b, s) -> b.raw().add(new RawSetting(s.keyword(), s.args())));
        }
    }
}
