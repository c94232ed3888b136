package halo.cli;

import halo.config.ConfigLoader;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.config.source.Diagnostic;
import halo.daemon.ControlServer;
import halo.lvs.IpvsSnapshot;
import halo.lvs.IpvsadmView;
import halo.lvs.SnapshotSource;
import halo.lvs.SnapshotText;
import halo.lvs.VirtualServerTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code halo lvs}: the load balancer's table in ipvsadm's layout ({@code -L -n}, {@code --stats}, {@code --rate},
 * {@code --thresholds}, {@code --persistent-conn}, {@code -S -n}). The table comes from the running daemon, or with
 * {@code -f FILE} from the configuration as the daemon would install it at startup (real servers up unless alpha).
 */
@Command(name = "lvs",
        description = {"Show the load balancer's virtual-server table as ipvsadm does.",
                "With -f FILE, show the table a daemon would build from that keepalived.conf at startup."},
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.class,
        sortOptions = false)
public final class LvsCommand implements Callable<Integer> {

    /** Where the daemon listens unless told otherwise (the daemon's control socket). */
    public static final Path DEFAULT_CONTROL_SOCKET = ControlServer.DEFAULT_PATH;

    /** The control-socket command the daemon answers with {@link SnapshotText#encode} of its table. */
    public static final String CONTROL_COMMAND = "lvs";

    /** How to reach a running daemon: one {@code lvs} request on its control socket. Replaceable for tests. */
    public static volatile Function<Path, SnapshotSource> daemonClient = LvsCommand::askDaemon;

    @Spec
    CommandSpec spec;

    @Option(names = "--control-socket", paramLabel = "PATH", description = "The daemon's control socket (default ${DEFAULT-VALUE}).")
    Path controlSocket = DEFAULT_CONTROL_SOCKET;

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE",
            description = "Preview the table built from this keepalived.conf instead of asking the daemon.")
    Path configFile;

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID", description = "Config id for @ID lines (default: short host name).")
    String configId;

    @Option(names = {"-L", "-l", "--list"}, description = "List the table (the default).")
    boolean list;

    @Option(names = {"-S", "--save"}, description = "Print the table as ipvsadm rules (ipvsadm -S).")
    boolean save;

    @Option(names = {"-n", "--numeric"}, description = "Numeric addresses and ports (always the case).")
    boolean numeric;

    @Option(names = "--stats", description = "Counters: Conns InPkts OutPkts InBytes OutBytes.")
    boolean stats;

    @Option(names = "--rate", description = "Rates: CPS InPPS OutPPS InBPS OutBPS.")
    boolean rate;

    @Option(names = "--exact", description = "Counters in full, without K/M/G/T.")
    boolean exact;

    @Option(names = "--thresholds", description = "Upper and lower connection thresholds.")
    boolean thresholds;

    @Option(names = "--persistent-conn", description = "Persistent connection counts.")
    boolean persistentConn;

    @Option(names = "--tun-info", description = "Tunnel type, port and checksum of TUN destinations.")
    boolean tunInfo;

    @Option(names = "--nosort", description = "Keep the table's order instead of sorting.")
    boolean noSort;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (list && save) {
            err.println("halo lvs: -L and -S cannot be used together");
            err.flush();
            return 2;
        }
        IpvsSnapshot snapshot;
        try {
            snapshot = source(err).snapshot();
        } catch (IOException e) {
            err.println("halo lvs: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (snapshot == null) {
            err.flush();
            return 1;
        }
        Set<IpvsadmView.Option> options = EnumSet.noneOf(IpvsadmView.Option.class);
        if (stats) options.add(IpvsadmView.Option.STATS);
        if (rate) options.add(IpvsadmView.Option.RATE);
        if (exact) options.add(IpvsadmView.Option.EXACT);
        if (thresholds) options.add(IpvsadmView.Option.THRESHOLDS);
        if (persistentConn) options.add(IpvsadmView.Option.PERSISTENT_CONN);
        if (tunInfo) options.add(IpvsadmView.Option.TUN_INFO);
        if (noSort) options.add(IpvsadmView.Option.NO_SORT);
        out.print(save ? IpvsadmView.save(snapshot, options) : IpvsadmView.list(snapshot, options));
        out.flush();
        err.flush();
        return 0;
    }

    static SnapshotSource askDaemon(Path socket) {
        return () -> {
            String answer;
            try {
                answer = ControlServer.ask(socket, CONTROL_COMMAND);
            } catch (IOException e) {
                throw new IOException("cannot reach the Halo daemon at " + socket + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        + " (is it running? -f FILE previews a configuration)", e);
            }
            if (answer.startsWith("error:")) {
                throw new IOException("the daemon at " + socket + " answered: " + answer.strip());
            }
            try {
                return SnapshotText.decode(answer);
            } catch (IllegalArgumentException e) {
                throw new IOException("the daemon at " + socket + " sent no table: " + e.getMessage(), e);
            }
        };
    }

    private SnapshotSource source(PrintWriter err) {
        if (configFile == null) {
            return daemonClient.apply(controlSocket);
        }
        return () -> preview(configFile, configId == null ? DumpConfCommand.shortHostName() : configId, err);
    }

    /** The table as the daemon would install it at startup from this file; diagnostics go to stderr. */
    static IpvsSnapshot preview(Path file, String configId, PrintWriter err) {
        LoadResult result = ConfigLoader.load(file, new LoadOptions(configId, false));
        for (Diagnostic d : result.diagnostics()) {
            if (d.severity() != Diagnostic.Severity.INFO) err.println(d);
        }
        if (result.config() == null) {
            err.println("halo lvs: " + file + ": the configuration cannot be used");
            return null;
        }
        VirtualServerTable table = VirtualServerTable.fromConfig(result.config());
        table.start();
        return table.snapshot();
    }
}
