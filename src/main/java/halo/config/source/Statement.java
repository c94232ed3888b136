package halo.config.source;

import java.util.List;

/**
 * One configuration statement after includes, conditionals, parameters and generators are resolved:
 * its words (the keyword first; cut as keepalived cuts every line: double quotes removed, see {@link Words#split})
 * and, when it opens a block, the statements inside.
 *
 * <p>The tree is syntactic: a block belongs to the statement on the line before its {@code {}. keepalived decides
 * blocks by keyword: for a keyword that takes no block it says {@code Unexpected '{' - ignoring}, reads the block's
 * lines at the current level, and that block's {@code }} closes the enclosing block. The model applies that rule.
 *
 * @param location where the keyword stands
 * @param words    the keyword and its arguments; never empty
 * @param block    the statements between the braces that follow, or {@code null} when the statement opens no block
 * @param text     the line as keepalived hands it to keyword handlers (comments removed, parameters substituted,
 *                 quotes and backslashes intact): script keywords re-read it with {@link Words#splitQuotedEscaped}
 */
public record Statement(SourceLocation location, List<String> words, List<Statement> block, String text) {
    public Statement {
        words = List.copyOf(words);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("a statement has at least a keyword");
        }
        block = block == null ? null : List.copyOf(block);
        if (text == null) {
            text = Words.join(words);
        }
    }

    /** A statement whose text is its words joined (as written by hand or by dump-conf). */
    public Statement(SourceLocation location, List<String> words, List<Statement> block) {
        this(location, words, block, null);
    }

    public String keyword() {
        return words.getFirst();
    }

    public List<String> args() {
        return words.subList(1, words.size());
    }

    public boolean hasBlock() {
        return block != null;
    }
}
