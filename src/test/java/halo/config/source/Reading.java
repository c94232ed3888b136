package halo.config.source;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helpers: read text or files with fixed options, render the tree as indented lines. */
final class Reading {
    static final Map<String, String> ENV = Map.of("HALO_TEST_VAR", "from-env", "EMPTY", "");

    private Reading() {}

    static ConfigReader.Options options(String configId) {
        return new ConfigReader.Options(configId, ENV, 42, 10_000);
    }

    static ConfigReader.Result read(String text) {
        return ConfigReader.read(text, Path.of("test.conf"), options("main"));
    }

    static ConfigReader.Result read(String text, String configId) {
        return ConfigReader.read(text, Path.of("test.conf"), options(configId));
    }

    /** One line per statement: words separated by spaces (a word with blanks in quotes), blocks indented. */
    static List<String> render(List<Statement> statements) {
        List<String> out = new ArrayList<>();
        render(statements, "", out);
        return out;
    }

    static List<String> render(ConfigReader.Result result) {
        return render(result.statements());
    }

    private static void render(List<Statement> statements, String indent, List<String> out) {
        for (Statement s : statements) {
            StringBuilder b = new StringBuilder(indent);
            for (int i = 0; i < s.words().size(); i++) {
                String w = s.words().get(i);
                if (i > 0) b.append(' ');
                if (w.isEmpty() || w.chars().anyMatch(c -> c == ' ' || c == '\t')) b.append('"').append(w).append('"');
                else b.append(w);
            }
            if (s.hasBlock()) {
                out.add(b.append(" {").toString());
                render(s.block(), indent + "  ", out);
                out.add(indent + "}");
            } else {
                out.add(b.toString());
            }
        }
    }

    /** Diagnostics as "line: severity: message" (file left out), for compact assertions. */
    static List<String> diagnostics(ConfigReader.Result result) {
        List<String> out = new ArrayList<>();
        for (Diagnostic d : result.diagnostics()) {
            String where = d.location() == null ? "-" : String.valueOf(d.location().line());
            out.add(where + ": " + d.severity().name().toLowerCase() + ": " + d.message());
        }
        return out;
    }
}
