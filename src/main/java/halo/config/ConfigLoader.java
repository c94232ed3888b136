package halo.config;

import halo.config.source.ConfigReader;
import halo.config.source.Diagnostic;
import halo.config.source.Statement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a keepalived.conf into the typed model, with keepalived's defaults, corrections and diagnostics.
 * Never throws for bad input: problems become diagnostics.
 *
 * <p>Reading the text and interpreting it run on two threads, as a pipeline: each top-level statement is
 * interpreted as soon as the reader has completed it, and while the interpreter waits for the reader it validates
 * the virtual servers already read (see {@link Walker}). The result, diagnostics included and in the same order, is
 * what reading everything and then interpreting it on one thread gives ({@link #loadSequentially}).
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    public static LoadResult load(Path file, LoadOptions options) {
        Walker walker = new Walker(options);
        Thread thread = Thread.ofPlatform().name("halo-config").daemon().start(walker);
        ConfigReader.Result read;
        try {
            read = ConfigReader.read(file, new ConfigReader.Options(options.configId()), walker::add);
        } catch (RuntimeException e) {
            walker.close(true);
            // a bug must not become a stack trace for the user
            return readFailed(file, e);
        } catch (Error e) {
            walker.close(true);
            throw e;
        }
        walker.close(false);
        joinUninterruptibly(thread);
        if (walker.error != null) {
            throw walker.error;
        }
        List<Diagnostic> diagnostics = new ArrayList<>(read.diagnostics());
        if (walker.parser != null) {
            diagnostics.addAll(walker.parser.diagnostics);
        }
        return result(read, diagnostics, walker.failure == null ? walker.config : null, walker.failure);
    }

    /** Reads everything, then interprets it, on the calling thread: what {@link #load} must give. */
    static LoadResult loadSequentially(Path file, LoadOptions options) {
        ConfigReader.Result read;
        try {
            read = ConfigReader.read(file, new ConfigReader.Options(options.configId()));
        } catch (RuntimeException e) {
            return readFailed(file, e);
        }
        List<Diagnostic> diagnostics = new ArrayList<>(read.diagnostics());
        KeepalivedConfig config = null;
        RuntimeException failure = null;
        try {
            ConfigParser parser = new ConfigParser(options, diagnostics);
            parser.parallel = false;
            config = parser.parse(read.statements());
        } catch (RuntimeException e) {
            failure = e;
        }
        return result(read, diagnostics, config, failure);
    }

    private static LoadResult readFailed(Path file, RuntimeException e) {
        return new LoadResult(null, List.of(new Diagnostic(Diagnostic.Severity.FATAL, null, file.toString(),
                "internal error while reading the configuration text of " + file + ": " + e)));
    }

    private static LoadResult result(ConfigReader.Result read, List<Diagnostic> diagnostics, KeepalivedConfig config,
                                     RuntimeException failure) {
        if (failure != null) {
            // a bug of ours must not become a stack trace for the user
            diagnostics.add(new Diagnostic(Diagnostic.Severity.FATAL, null, null,
                    "internal error while interpreting the configuration: " + failure));
            config = null;
        }
        boolean fatal = read.hasFatal() || diagnostics.stream().anyMatch(d -> d.severity().cannotRun());
        return new LoadResult(fatal ? null : config, diagnostics);
    }

    static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The interpreting side of the pipeline: takes the top-level statements the reader hands over, in order, walks
     * each, and completes the model once the reader is done. Statements come in batches, so that the two threads
     * meet a few hundred times for a configuration of 10,000 virtual servers, not once per statement.
     */
    static final class Walker implements Runnable {
        private static final int BATCH = 64;

        private final LoadOptions options;
        /** Made on the walker's thread (its keyword tables take a while), read by the reader's after join. */
        ConfigParser parser;
        private ArrayList<Statement> filling = new ArrayList<>(BATCH);
        private final ArrayList<Statement> handedOver = new ArrayList<>();
        private boolean closed;
        private boolean aborted;

        KeepalivedConfig config;
        RuntimeException failure;
        Error error;

        Walker(LoadOptions options) {
            this.options = options;
        }

        /** Reader side: one more top-level statement. */
        void add(Statement s) {
            filling.add(s);
            if (filling.size() >= BATCH) {
                handOver(false, false);
            }
        }

        /** Reader side: no more statements; {@code abort}: do not complete the model either. */
        void close(boolean abort) {
            handOver(true, abort);
        }

        private synchronized void handOver(boolean close, boolean abort) {
            handedOver.addAll(filling);
            filling.clear();
            closed |= close;
            aborted |= abort;
            notifyAll();
        }

        /** The next statements to walk; while there are none, validates closed virtual servers early. */
        private List<Statement> take() throws InterruptedException {
            // a few even when the reader is not ahead: validation's code is then compiled before the end, when
            // whatever is left is validated at once
            for (int i = 0; i < 4 && warmups < WARMUPS && parser.topLevel.check.completeOneEarly(); i++) {
                warmups++;
            }
            while (!ready() && parser.topLevel.check.completeOneEarly()) {
                // the reader is ahead: do now what the end would do
            }
            return takeOrWait();
        }

        private static final int WARMUPS = 100;
        private int warmups;

        private synchronized boolean ready() {
            return !handedOver.isEmpty() || closed;
        }

        private synchronized List<Statement> takeOrWait() throws InterruptedException {
            while (handedOver.isEmpty() && !closed) {
                wait();
            }
            if (aborted) {
                return null;
            }
            if (handedOver.isEmpty()) {
                return List.of();
            }
            List<Statement> batch = new ArrayList<>(handedOver);
            handedOver.clear();
            return batch;
        }

        @Override
        public void run() {
            try {
                parser = new ConfigParser(options, new ArrayList<>());
                while (true) {
                    List<Statement> batch = take();
                    if (batch == null) {
                        return;
                    }
                    if (batch.isEmpty()) {
                        break;
                    }
                    for (Statement s : batch) {
                        parser.walkTopLevel(s);
                    }
                }
                config = parser.finish();
            } catch (RuntimeException e) {
                failure = e;
            } catch (Error e) {
                error = e;
            } catch (InterruptedException e) {
                // nobody interrupts this thread; if someone did, say so rather than return no model silently
                failure = new IllegalStateException("interrupted while interpreting the configuration");
            }
        }
    }
}
