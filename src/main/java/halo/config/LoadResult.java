package halo.config;

import halo.config.source.Diagnostic;
import java.util.List;

/**
 * @param config      the model, or {@code null} when a FATAL diagnostic means keepalived could not run it
 * @param diagnostics every message, in file order (reader's first)
 */
public record LoadResult(KeepalivedConfig config, List<Diagnostic> diagnostics) {
    public LoadResult {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasFatal() {
        return diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.FATAL);
    }

    public boolean hasWarnings() {
        return diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.WARNING);
    }

    /** keepalived --config-test's exit status: 0 valid, 3 cannot run, 4 runs after corrections. */
    public int exitStatus() {
        return hasFatal() || config == null ? 3 : hasWarnings() ? 4 : 0;
    }
}
