package halo.config;

import halo.config.source.ConfigReader;
import halo.config.source.Diagnostic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a keepalived.conf into the typed model, with keepalived's defaults, corrections and diagnostics.
 * Never throws for bad input: problems become diagnostics.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    public static LoadResult load(Path file, LoadOptions options) {
        ConfigReader.Result read;
        try {
            read = ConfigReader.read(file, new ConfigReader.Options(options.configId()));
        } catch (RuntimeException e) {
            // a bug must not become a stack trace for the user
            return new LoadResult(null, List.of(new Diagnostic(Diagnostic.Severity.FATAL, null, file.toString(),
                    "internal error while reading the configuration text of " + file + ": " + e)));
        }
        List<Diagnostic> diagnostics = new ArrayList<>(read.diagnostics());
        boolean readerFatal = diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.FATAL);
        KeepalivedConfig config;
        try {
            config = new ConfigParser(options, diagnostics).parse(read.statements());
        } catch (RuntimeException e) {
            // a bug of ours must not become a stack trace for the user
            diagnostics.add(new Diagnostic(Diagnostic.Severity.FATAL, null, null,
                    "internal error while interpreting the configuration: " + e));
            config = null;
        }
        boolean fatal = readerFatal || diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.FATAL);
        return new LoadResult(fatal ? null : config, diagnostics);
    }
}
