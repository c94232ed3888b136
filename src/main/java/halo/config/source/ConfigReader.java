package halo.config.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads keepalived.conf text into statements.
 * PLACEHOLDER: a naive reader (comments, braces, whitespace words) so the model can be built against real files;
 * it is being replaced by the full keepalived language (quotes, escapes, include, @conditionals, $parameters, ~SEQ).
 */
public final class ConfigReader {

    /** @param configId the id that {@code @ID} lines are matched against (keepalived's -i, default short host name) */
    public record Options(String configId) {}

    public record Result(List<Statement> statements, List<Diagnostic> diagnostics) {}

    private ConfigReader() {}

    public static Result read(Path file, Options options) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            diagnostics.add(new Diagnostic(Diagnostic.Severity.FATAL, null, file.toString(), "cannot read configuration file " + file + ": " + e.getMessage()));
            return new Result(List.of(), diagnostics);
        }
        Deque<List<Statement>> open = new ArrayDeque<>();
        Deque<Pending> pendingBlocks = new ArrayDeque<>();
        List<Statement> top = new ArrayList<>();
        List<Statement> current = top;
        Pending last = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceAll("[!#].*", "").replace("{", " { ").replace("}", " } ").trim();
            if (line.isEmpty()) continue;
            List<String> words = new ArrayList<>();
            for (String w : line.split("\\s+")) {
                if (w.equals("{")) {
                    if (!words.isEmpty()) { last = new Pending(new SourceLocation(file, i + 1), List.copyOf(words)); words.clear(); }
                    open.push(current);
                    pendingBlocks.push(last);
                    current = new ArrayList<>();
                    last = null;
                } else if (w.equals("}")) {
                    if (!words.isEmpty()) { current.add(new Statement(new SourceLocation(file, i + 1), words, null)); words.clear(); }
                    if (open.isEmpty()) {
                        diagnostics.add(new Diagnostic(Diagnostic.Severity.WARNING, new SourceLocation(file, i + 1), "}", "unexpected '}'"));
                        continue;
                    }
                    Pending owner = pendingBlocks.pop();
                    List<Statement> inner = current;
                    current = open.pop();
                    if (owner != null) {
                        // the owner was added without a block; replace it with the block form
                        current.removeIf(s -> s.location().equals(owner.location) && s.words().equals(owner.words));
                        current.add(new Statement(owner.location, owner.words, inner));
                    }
                } else {
                    words.add(w);
                }
            }
            if (!words.isEmpty()) {
                Statement s = new Statement(new SourceLocation(file, i + 1), words, null);
                current.add(s);
                last = new Pending(s.location(), s.words());
            }
        }
        if (!open.isEmpty()) {
            diagnostics.add(new Diagnostic(Diagnostic.Severity.FATAL, new SourceLocation(file, lines.size()), null, "missing '}' at end of file"));
        }
        return new Result(top, diagnostics);
    }

    private record Pending(SourceLocation location, List<String> words) {}
}
