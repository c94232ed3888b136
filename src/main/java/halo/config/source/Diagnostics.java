package halo.config.source;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Collects diagnostics in order, once each (keepalived re-checks some lines and would repeat itself). */
final class Diagnostics {
    private final List<Diagnostic> list = new ArrayList<>();
    private final Set<List<Object>> seen = new HashSet<>();

    void add(Diagnostic.Severity severity, SourceLocation location, String token, String message) {
        List<Object> key = java.util.Arrays.asList(severity, location, token, message);
        if (seen.add(key)) {
            list.add(new Diagnostic(severity, location, token, message));
        }
    }

    void fatal(SourceLocation location, String token, String message) {
        add(Diagnostic.Severity.FATAL, location, token, message);
    }

    void warning(SourceLocation location, String token, String message) {
        add(Diagnostic.Severity.WARNING, location, token, message);
    }

    void info(SourceLocation location, String token, String message) {
        add(Diagnostic.Severity.INFO, location, token, message);
    }

    List<Diagnostic> list() {
        return List.copyOf(list);
    }
}
