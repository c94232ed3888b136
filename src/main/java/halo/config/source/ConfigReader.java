package halo.config.source;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads keepalived.conf text into statements, as keepalived 2.2's lib/parser.c reads it: comments, quotes,
 * {@code include} (globs, braces, variants {@code includer/m/w/b/a}, {@code include_check}), {@code @ID}
 * conditionals, {@code $NAME} parameters (multi-line, recursive, predefined {@code ${_PWD} ${_INSTANCE}
 * ${_RANDOM} ${_ENV VAR} ${_HASH} ${_BANG}}), {@code ~SEQ/~SEQx/~LST} generators, braces anywhere on a line.
 * See {@link LineReader} for the line rules and {@link Statement} for the tree.
 *
 * <p>Never throws for bad input: problems come back as diagnostics (file:line, token, keepalived's words where it
 * has them). Severities follow keepalived: FATAL where keepalived cannot run the configuration (the main file
 * missing, an include variant or {@code include_check} whose check fails, a bound exceeded), WARNING where it
 * reports and goes on (braces, quotes, a plain {@code include} of a missing file, an include loop, bad ~SEQ/~LST),
 * INFO where it says nothing (a glob matching no file).
 *
 * <p>Every expansion is bounded, so that no input hangs: generated lines and characters
 * ({@link Options#maxExpandedLines()}, 32 characters per line on average), lines of 4096 characters, 100
 * substitutions per line and substitution work proportional to the output, include depth 64, 10,000 files, glob
 * patterns of 4096 characters and 4096 brace alternatives, block nesting 1000.
 */
public final class ConfigReader {

    /** Generated lines (~SEQ, ~LST, multi-line parameters) allowed by default: about 100 MB of statements. */
    public static final int DEFAULT_MAX_EXPANDED_LINES = 500_000;

    /**
     * @param configId         the id that {@code @ID} lines are matched against and {@code ${_INSTANCE}} gives
     *                         (keepalived's -i); {@code null}: the host name up to its first dot, as keepalived
     * @param environment      what {@code ${_ENV VAR}} reads
     * @param randomSeed       seeds {@code ${_RANDOM}}
     * @param maxExpandedLines generated lines allowed before reading stops with a FATAL diagnostic
     */
    public record Options(String configId, Map<String, String> environment, long randomSeed, long maxExpandedLines) {
        public Options {
            environment = environment == null ? Map.of() : environment;
        }

        /** The process environment, a time-based seed (as keepalived without random_seed), the default bound. */
        public Options(String configId) {
            this(configId, System.getenv(), System.nanoTime(), DEFAULT_MAX_EXPANDED_LINES);
        }

        /** keepalived's default config id: the node name up to the first dot. */
        public static String defaultConfigId() {
            String name = null;
            try {
                name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
            } catch (IOException | SecurityException e) {
                try {
                    name = InetAddress.getLocalHost().getHostName();
                } catch (IOException | SecurityException e2) {
                    name = "";
                }
            }
            int dot = name.indexOf('.');
            return dot < 0 ? name : name.substring(0, dot);
        }
    }

    /** The statements read (empty when the file could not be read) and what was found wrong, in reading order. */
    public record Result(List<Statement> statements, List<Diagnostic> diagnostics) {
        public Result {
            statements = List.copyOf(statements);
            diagnostics = List.copyOf(diagnostics);
        }

        /** True when a diagnostic says the configuration cannot run. */
        public boolean hasFatal() {
            return diagnostics.stream().anyMatch(d -> d.severity().cannotRun());
        }
    }

    private ConfigReader() {}

    /** Reads {@code file} (a path, or a glob as keepalived's -f allows) and everything it includes. */
    public static Result read(Path file, Options options) {
        return read(file, options, null);
    }

    /**
     * As {@link #read(Path, Options)}, and hands each top-level statement to {@code topLevel} as soon as it is
     * complete (in file order, before reading goes on), so that a consumer can work on it while the rest is read.
     */
    public static Result read(Path file, Options options, Consumer<Statement> topLevel) {
        Diagnostics diagnostics = new Diagnostics();
        LineReader reader = newReader(diagnostics, options);
        if (!reader.openMain(file)) {
            return new Result(List.of(), diagnostics.list());
        }
        return readAll(reader, diagnostics, topLevel);
    }

    /**
     * Reads configuration text as if it were the file {@code name}: includes are relative to name's directory,
     * locations name it.
     */
    public static Result read(String text, Path name, Options options) {
        return read(text, name, options, true);
    }

    static Result read(String text, Path name, Options options, boolean fastPath) {
        Diagnostics diagnostics = new Diagnostics();
        LineReader reader = newReader(diagnostics, options);
        reader.fastPath = fastPath;
        reader.openText(name, text);
        return readAll(reader, diagnostics, null);
    }

    private static LineReader newReader(Diagnostics diagnostics, Options options) {
        String configId = options.configId() != null ? options.configId() : Options.defaultConfigId();
        return new LineReader(diagnostics, configId, options.environment(), options.randomSeed(), options.maxExpandedLines());
    }

    private static Result readAll(LineReader reader, Diagnostics diagnostics, Consumer<Statement> topLevel) {
        TreeBuilder tree = new TreeBuilder(diagnostics, reader, topLevel);
        String line;
        while ((line = reader.next()) != null) {
            List<String> words = reader.words();
            if (words != null) {
                tree.line(line, words, reader.location());
            } else {
                tree.line(line, reader.location());
            }
        }
        List<Statement> statements = tree.finish();
        return new Result(statements, diagnostics.list());
    }
}
