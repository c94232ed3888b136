package halo.cli;

import halo.config.ConfigLoader;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.daemon.Daemon;
import halo.daemon.DaemonLog;
import halo.daemon.Syslog;
import halo.lvs.DataPlaneKind;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code halo run}: the daemon, with keepalived's flags (so {@code halo -n -l -f FILE} works as keepalived's). */
@Command(name = "run", description = "Run the Halo daemon (VRRP and the health checkers with their virtual-server table).")
public final class RunCommand implements Callable<Integer> {

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path file = Path.of("/etc/keepalived/keepalived.conf");

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID", description = "Config id for @ID lines (default: short host name).")
    String configId;

    @Option(names = {"-n", "--dont-fork"}, description = "Stay in the foreground (Halo never forks; accepted for keepalived compatibility).")
    boolean dontFork;

    @Option(names = {"-l", "--log-console"}, description = "Log to the console.")
    boolean logConsole;

    @Option(names = {"-D", "--log-detail"}, description = "Detailed log messages.")
    boolean logDetail;

    @Option(names = {"-S", "--log-facility"}, paramLabel = "0-7", description = "Syslog facility local0..local7.")
    Integer logFacility;

    @Option(names = {"-G", "--no-syslog"}, description = "Do not log to syslog.")
    boolean noSyslog;

    @Option(names = {"-P", "--vrrp"}, description = "Only run the VRRP side.")
    boolean vrrpOnly;

    @Option(names = {"-C", "--check"}, description = "Only run the health-checker side.")
    boolean checkOnly;

    @Option(names = {"-p", "--pid"}, paramLabel = "FILE", description = "Pid file of the daemon.")
    Path pidFile;

    @Option(names = {"-r", "--vrrp_pid"}, paramLabel = "FILE", description = "Pid file of the VRRP side.")
    Path vrrpPidFile;

    @Option(names = {"-c", "--checkers_pid"}, paramLabel = "FILE", description = "Pid file of the checker side.")
    Path checkersPidFile;

    @Option(names = {"-V", "--dont-release-vrrp"}, description = "Leave VIPs and routes in place at shutdown.")
    boolean dontReleaseVrrp;

    @Option(names = {"-I", "--dont-release-ipvs"}, description = "Leave the virtual-server table in place at shutdown.")
    boolean dontReleaseIpvs;

    @Option(names = {"-R", "--dont-respawn"}, description = "Accepted for keepalived compatibility (Halo is one process).")
    boolean dontRespawn;

    @Option(names = {"-d", "--dump-conf"}, description = "Dump the configuration to the log at startup.")
    boolean dumpConf;

    @Option(names = "--lvs-dataplane", paramLabel = "NAME",
            description = "The data plane for the virtual servers: auto, proxy, nftables or ipvs (wins over"
                    + " global_defs' lvs_dataplane; auto: IPVS where the kernel has it, else the userspace proxy).")
    String lvsDataplane;

    @Option(names = "--strict", description = "Refuse to start when the configuration has a keyword Halo accepts but"
            + " does not use, or an unknown keyword (halo check --strict's verdict).")
    boolean strict;

    @Option(names = "--metrics-listen", paramLabel = "ADDRESS:PORT",
            description = "Serve Prometheus metrics at http://ADDRESS:PORT/metrics and the status JSON at"
                    + " /status.json (wins over global_defs' metrics_listen; IPv6 as [ADDRESS]:PORT).")
    String metricsListen;

    @Option(names = "--log-format", paramLabel = "text|json",
            description = "text: keepalived's lines (default); json: one JSON object a line (time, level, instance,"
                    + " event, fields) for log collectors.")
    String logFormat = "text";

    @Option(names = "--signum", paramLabel = "SIGFUNC",
            description = "Print the signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR or JSON and exit"
                    + " (keepalived's --signum).")
    String signum;

    /** Set by keepalived's command line ({@code halo -n ...}, {@link Main#fromKeepalivedFlags}): keepalived's defaults. */
    @Option(names = "--keepalived-pid-files", hidden = true,
            description = "Pid files not given with -p/-r/-c at keepalived's paths (/run/keepalived.pid, /run/vrrp.pid, /run/checkers.pid).")
    boolean keepalivedPidFiles;

    @Option(names = {"--control-socket"}, paramLabel = "PATH", description = "The daemon's control socket (default: ${DEFAULT-VALUE}).")
    Path controlSocket = Path.of("/run/halo/halo.sock");

    @Override
    public Integer call() {
        if (signum != null) {
            int number = Daemon.signum(signum);
            if (number < 0) {
                System.err.println("Unknown sigfunc " + signum);
                return 1;
            }
            System.out.println(number);
            return 0;
        }
        if (lvsDataplane != null && !lvsDataplane.equals("auto")
                && DataPlaneKind.byConfigName(lvsDataplane).isEmpty()) {
            System.err.println("halo run: --lvs-dataplane " + lvsDataplane + ": expected auto, proxy, nftables or ipvs");
            return 2;
        }
        if (strict) {
            // the same reading as halo check --strict: anything Halo would ignore stops the start
            LoadResult checked = ConfigLoader.load(file, new LoadOptions(configId != null ? configId
                    : DumpConfCommand.shortHostName(), true));
            if (checked.hasFatal()) {
                checked.diagnostics().stream().filter(d -> d.severity().cannotRun()).forEach(System.err::println);
                System.err.println("halo run --strict: " + file + " has keywords Halo would not act on - not starting");
                return LoadResult.CANNOT_RUN;
            }
        }

        if (metricsListen != null) {
            try {
                halo.observe.ListenAddress.parse(metricsListen);
            } catch (IllegalArgumentException e) {
                System.err.println("halo run: --metrics-listen " + e.getMessage());
                return 2;
            }
        }
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            System.err.println("halo run: --log-format " + logFormat + ": expected text or json");
            return 2;
        }
        boolean toConsole = logConsole || noSyslog || !java.nio.file.Files.exists(Path.of("/dev/log"));
        Syslog syslog = toConsole ? null : Syslog.open(logFacility == null ? -1 : logFacility);
        DaemonLog log = new DaemonLog(java.time.Clock.systemDefaultZone(), syslog == null ? System.err : null, syslog, logDetail,
                logFormat.equals("json"));
        String id = configId != null ? configId : DumpConfCommand.shortHostName();
        if (keepalivedPidFiles) {
            // keepalived 2.2.7's defaults (Debian's build), so that its unit (PIDFile=/run/keepalived.pid) runs Halo
            pidFile = pidFile != null ? pidFile : Path.of("/run/keepalived.pid");
            vrrpPidFile = vrrpPidFile != null ? vrrpPidFile : Path.of("/run/vrrp.pid");
            checkersPidFile = checkersPidFile != null ? checkersPidFile : Path.of("/run/checkers.pid");
        }
        Daemon daemon = new Daemon(new Daemon.Options(file, id, controlSocket, pidFile, vrrpPidFile, logDetail, dontReleaseVrrp,
                vrrpOnly || !checkOnly, checkOnly || !vrrpOnly, checkersPidFile, dontReleaseIpvs, dumpConf, lvsDataplane, metricsListen), log);
        return daemon.run();
    }
}
