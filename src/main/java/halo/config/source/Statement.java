package halo.config.source;

import java.util.List;

/**
 * One configuration statement after includes, conditionals, parameters and generators are resolved:
 * its words (the keyword first, quotes removed and escapes applied) and, when it opens a block, the statements inside.
 *
 * @param location where the keyword stands
 * @param words    the keyword and its arguments; never empty
 * @param block    the statements between the braces that follow, or {@code null} when the statement opens no block
 */
public record Statement(SourceLocation location, List<String> words, List<Statement> block) {
    public Statement {
        words = List.copyOf(words);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("a statement has at least a keyword");
        }
        block = block == null ? null : List.copyOf(block);
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
