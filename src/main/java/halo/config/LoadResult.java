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
        return diagnostics.stream().anyMatch(d -> d.severity().cannotRun());
    }

    public boolean hasWarnings() {
        return diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.WARNING);
    }

    /** Exit status of {@code halo check} for a configuration that cannot run: the 2.2.7 binary's. */
    public static final int CANNOT_RUN = 4;
    /** Exit status of {@code halo check} for a configuration that runs after corrections: the 2.2.7 binary's. */
    public static final int RUNS_AFTER_CORRECTIONS = 5;
    /** Exit status when keepalived stops reading at once (a keyword missing its parameter). */
    public static final int STOPPED = 2;

    /**
     * The keepalived 2.2.7 binary's --config-test exit status (lib/scheduler.h, chk_exit_code): 0 valid, 4 cannot
     * run, 5 runs after corrections; and 2 where keepalived stops reading at once (a keyword missing its parameter:
     * lib/parser.c exits with KEEPALIVED_EXIT_CONFIG). Not keepalived(8)'s 3/4/5, which the binary does not return.
     */
    public int exitStatus() {
        if (diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.STOP)) {
            return STOPPED;
        }
        return hasFatal() || config == null ? CANNOT_RUN : hasWarnings() ? RUNS_AFTER_CORRECTIONS : 0;
    }
}
