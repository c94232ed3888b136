package halo.cli;

import halo.config.ConfigLoader;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.config.source.Diagnostic;
import halo.daemon.ControlServer;
import halo.lvs.IpvsadmCommand;
import halo.lvs.IpvsadmParser;
import halo.lvs.IpvsadmRunner;
import halo.lvs.IpvsadmText;
import halo.lvs.VirtualServerTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code halo lvs}: ipvsadm 1.31's command line against the running daemon's load balancer. The arguments are
 * ipvsadm's, parsed as ipvsadm parses them ({@link IpvsadmParser}: the same messages and exit codes); the command goes
 * to the daemon's control socket ({@link IpvsadmText}), which answers with what ipvsadm would print. Changes
 * (-A -E -D -a -e -d -C -R) last until the next reload, as with ipvsadm and keepalived. Halo's own options, taken out
 * before ipvsadm's parse: {@code --control-socket PATH}; {@code --use-file FILE} (with {@code --config-id ID}) to
 * work on the table a daemon would build from that configuration instead of asking a daemon.
 */
@Command(name = "lvs",
        description = {"ipvsadm 1.31's command line against the daemon's table (halo lvs -h lists it).",
                "Halo's own options:",
                "  --control-socket PATH   the daemon's (default /run/halo/halo.sock)",
                "  --use-file FILE         the table a daemon would build from FILE",
                "  --config-id ID          with --use-file: the id for @ID lines"})
public final class LvsCommand implements Callable<Integer> {

    /** Where the daemon listens unless told otherwise (the daemon's control socket). */
    public static final Path DEFAULT_CONTROL_SOCKET = ControlServer.DEFAULT_PATH;

    /** What ipvsadm's messages call the program (its argv[0]). */
    public static final String PROGRAM = "halo lvs";

    /** One request to a daemon's control socket, answered whole. Replaceable for tests. */
    public interface DaemonClient {
        String ask(Path socket, String request) throws IOException;
    }

    public static volatile DaemonClient daemonClient = ControlServer::ask;

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return run(args, System.in, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** {@code halo lvs ARGS}: prints what ipvsadm would and returns its exit status. */
    public static int run(List<String> args, InputStream in, PrintWriter out, PrintWriter err) {
        try {
            return new Session(out, err).run(args, in);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static final class Session {
        final PrintWriter out;
        final PrintWriter err;
        Path controlSocket = DEFAULT_CONTROL_SOCKET;
        Path useFile;
        String configId;
        VirtualServerTable preview;

        Session(PrintWriter out, PrintWriter err) {
            this.out = out;
            this.err = err;
        }

        int run(List<String> all, InputStream in) {
            List<String> args = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                String a = all.get(i);
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                if (!List.of("--control-socket", "--use-file", "--config-id").contains(name)) {
                    args.add(a);
                    continue;
                }
                String value;
                if (a.contains("=")) {
                    value = a.substring(a.indexOf('=') + 1);
                } else if (i + 1 < all.size()) {
                    value = all.get(++i);
                } else {
                    err.println(PROGRAM + ": " + name + " needs a value");
                    return 2;
                }
                switch (name) {
                    case "--control-socket" -> controlSocket = Path.of(value);
                    case "--use-file" -> useFile = Path.of(value);
                    default -> configId = value;
                }
            }
            if (args.isEmpty()) args.add("-L"); // ipvsadm alone lists the table
            IpvsadmParser.Result first = IpvsadmParser.parse(PROGRAM, args);
            if (first instanceof IpvsadmParser.Parsed p && p.command().kind() == IpvsadmCommand.Kind.RESTORE) {
                return restore(in);
            }
            return outcome(first).code;
        }

        /** What one parse or command did: the exit status, and whether ipvsadm would exit there (in -R). */
        private record Step(int code, boolean stops) {}

        private Step outcome(IpvsadmParser.Result result) {
            switch (result) {
                case IpvsadmParser.Exit e -> {
                    print(e.out(), e.err());
                    return new Step(e.code(), e.stops());
                }
                case IpvsadmParser.Parsed p -> {
                    IpvsadmText.Answer a = execute(p.command());
                    print(a.out(), a.err());
                    IpvsadmCommand.Kind kind = p.command().kind();
                    // a failed listing exit()s; a refused change returns -1 and -R goes on
                    boolean listing = kind == IpvsadmCommand.Kind.LIST || kind == IpvsadmCommand.Kind.SAVE;
                    return new Step(a.exitCode(), listing && a.exitCode() != 0);
                }
            }
        }

        /**
         * ipvsadm -R (restore_table): each line of standard input is a command line, its "ipvsadm" words left out
         * (config_stream_read: a '#' is a word like any other, so a comment line fails as ipvsadm's does); a line's
         * refused change does not stop the rest, a parse failure does.
         */
        private int restore(InputStream in) {
            String text;
            try {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println(PROGRAM + ": cannot read standard input: " + e.getMessage());
                return 1;
            }
            int result = 0;
            for (String line : text.split("\n")) {
                List<String> words = new ArrayList<>();
                for (String w : line.split("[ \t\r]+")) {
                    if (!w.isEmpty() && !w.equals("ipvsadm")) words.add(w);
                }
                if (words.isEmpty()) continue;
                IpvsadmParser.Result r = IpvsadmParser.parse(PROGRAM, words);
                if (r instanceof IpvsadmParser.Parsed p && p.command().kind() == IpvsadmCommand.Kind.RESTORE) {
                    IpvsadmParser.Exit e = IpvsadmParser.tryHelp(PROGRAM); // avoid an infinite loop, as ipvsadm
                    print(e.out(), e.err());
                    return e.code();
                }
                Step step = outcome(r);
                if (step.stops()) return step.code();
                result = step.code();
            }
            return result;
        }

        private IpvsadmText.Answer execute(IpvsadmCommand command) {
            IpvsadmCommand.Kind kind = command.kind();
            if (kind == IpvsadmCommand.Kind.START_DAEMON || kind == IpvsadmCommand.Kind.STOP_DAEMON) {
                return new IpvsadmText.Answer("", PROGRAM + ": Halo has no connection sync daemon\n", 255);
            }
            if (useFile != null) return previewed(command);
            String answer;
            try {
                answer = daemonClient.ask(controlSocket, IpvsadmText.encode(command).strip());
            } catch (IOException e) {
                return new IpvsadmText.Answer("", PROGRAM + ": cannot reach the Halo daemon at " + controlSocket + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        + " (is it running? --use-file FILE previews a configuration)\n", 1);
            }
            if (answer.startsWith("error:") || answer.startsWith("unknown command")) {
                return new IpvsadmText.Answer("", PROGRAM + ": the daemon at " + controlSocket + " answered: "
                        + answer.strip() + "\n", 1);
            }
            try {
                return IpvsadmText.decodeAnswer(answer);
            } catch (IllegalArgumentException e) {
                return new IpvsadmText.Answer("", PROGRAM + ": the daemon at " + controlSocket + " answered no ipvsadm"
                        + " result: " + e.getMessage() + "\n", 1);
            }
        }

        /** The command against the previewed table; what lives in a data plane is not there. */
        private IpvsadmText.Answer previewed(IpvsadmCommand command) {
            if (preview == null) {
                preview = preview(useFile, configId == null ? DumpConfCommand.shortHostName() : configId, err);
                if (preview == null) return new IpvsadmText.Answer("", "", 1);
            }
            IpvsadmRunner.Outcome o = IpvsadmRunner.run(command, preview.ipvs());
            if (o.dataPlane() != null) {
                return new IpvsadmText.Answer("", PROGRAM + ": a previewed configuration has no data plane"
                        + " (connections, counters, timeouts): ask the running daemon\n", 1);
            }
            return new IpvsadmText.Answer(o.out(), o.err(), o.exitCode());
        }

        private void print(String o, String e) {
            out.print(o);
            out.flush();
            err.print(e);
            err.flush();
        }
    }

    /** The table as the daemon would install it at startup from this file; diagnostics go to stderr. */
    static VirtualServerTable preview(Path file, String configId, PrintWriter err) {
        LoadResult result = ConfigLoader.load(file, new LoadOptions(configId, false));
        for (Diagnostic d : result.diagnostics()) {
            if (d.severity() != Diagnostic.Severity.INFO) err.println(d);
        }
        if (result.config() == null) {
            err.println(PROGRAM + ": " + file + ": the configuration cannot be used");
            return null;
        }
        VirtualServerTable table = VirtualServerTable.fromConfig(result.config());
        table.start();
        return table;
    }
}
