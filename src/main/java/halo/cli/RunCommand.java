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

    @Option(names = {"-S", "--log-facility"}, paramLabel = "FACILITY",
            description = "Syslog facility: 0-7 or local0-local7 (LOG_LOCALn), user, or daemon (the default).")
    String logFacility;

    // keepalived's other flags: each acts as keepalived's or, where it has no meaning for Halo, is accepted with a
    // warning (keepalived's command line in a unit or a script must not stop Halo from starting)
    @Option(names = {"-B", "--no_bfd"}, description = "Don't run BFD (Halo runs no BFD process: nothing to do).")
    boolean noBfd;

    @Option(names = {"-b", "--bfd_pid"}, paramLabel = "FILE", description = "Pid file of the BFD process (Halo runs none: not written).")
    Path bfdPidFile;

    @Option(names = "--all", description = "Run every side even without its configuration (accepted, with a warning).")
    boolean all;

    @Option(names = {"-g", "--log-file"}, arity = "0..1", paramLabel = "FILE", fallbackValue = "keepalived.log",
            description = "Log to a file (accepted, with a warning: Halo logs to syslog or the console).")
    String logFile;

    @Option(names = "--flush-log-file", description = "Flush the log file after each line (accepted with -g's warning).")
    boolean flushLogFile;

    @Option(names = {"-e", "--all-config"}, description = "Every configuration file must exist (include_check for every include; accepted, with a warning).")
    boolean allConfig;

    @Option(names = {"-u", "--umask"}, paramLabel = "MASK", description = "umask for file creation (accepted, with a warning).")
    String umask;

    @Option(names = {"-X", "--release-vips"}, description = "Drop VIPs on a transition from a signal (accepted, with a warning).")
    boolean releaseVips;

    @Option(names = {"-a", "--address-monitoring"}, description = "Log every address change netlink reports (accepted, with a warning).")
    boolean addressMonitoring;

    @Option(names = {"-x", "--snmp"}, description = "Enable SNMP (accepted, with a warning: Halo has no SNMP agent).")
    boolean snmp;

    @Option(names = {"-A", "--snmp-agent-socket"}, paramLabel = "FILE", description = "SNMP master agent socket (accepted with -x's warning).")
    String snmpAgentSocket;

    @Option(names = {"-s", "--namespace"}, paramLabel = "NAME", description = "Run in network namespace NAME (accepted, with a warning).")
    String namespace;

    @Option(names = {"-m", "--core-dump"}, description = "Core dump on an abnormal end (accepted, with a warning).")
    boolean coreDump;

    @Option(names = {"-M", "--core-dump-pattern"}, arity = "0..1", paramLabel = "PATN", fallbackValue = "core",
            description = "Also set kernel.core_pattern (accepted, with -m's warning).")
    String coreDumpPattern;

    @Option(names = "--debug", arity = "0..1", paramLabel = "OPTIONS", fallbackValue = "",
            description = "keepalived's debug options (accepted, with a warning).")
    String debug;

    @Option(names = {"--no-mem-check", "--perf"}, arity = "0..1", fallbackValue = "", paramLabel = "ARG",
            description = "keepalived's build-time debugging options (accepted, with a warning).")
    String keepalivedDebugging;

    @Option(names = {"-L", "--mem-check-log"}, description = "keepalived's memory-check log (accepted, with a warning).")
    boolean memCheckLog;

    @Option(names = "--config-fd", paramLabel = "FD", description = "keepalived-internal (accepted, with a warning).")
    String configFd;

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

    static final int INVALID_FACILITY = -2;

    /** keepalived's -S: 0-7 or local0-local7 (localN), daemon (-1), user ({@link Syslog#USER}); else invalid. */
    static int facility(String s) {
        String n = s.startsWith("local") ? s.substring(5) : s;
        if (n.matches("[0-7]")) return n.charAt(0) - '0';
        return switch (s) {
            case "daemon" -> -1;
            case "user" -> Syslog.USER;
            default -> INVALID_FACILITY;
        };
    }

    /** One warning per keepalived flag given that Halo accepts without acting on it. */
    java.util.List<String> keepalivedFlagWarnings() {
        java.util.List<String> out = new java.util.ArrayList<>();
        java.util.function.BiConsumer<Boolean, String> warn = (given, text) -> {
            if (given) out.add("halo: " + text + " - ignored");
        };
        warn.accept(all, "--all (Halo starts a side only when the configuration has work for it)");
        warn.accept(logFile != null || flushLogFile, "-g/--log-file (Halo logs to syslog, or to the console with -l)");
        warn.accept(allConfig, "-e/--all-config (use include_check in global_defs)");
        warn.accept(umask != null, "-u/--umask " + umask + " (Halo keeps the umask it was started with)");
        warn.accept(releaseVips, "-X/--release-vips (not supported by Halo)");
        warn.accept(addressMonitoring, "-a/--address-monitoring (not supported by Halo)");
        warn.accept(snmp || snmpAgentSocket != null, "-x/--snmp (Halo has no SNMP agent)");
        warn.accept(namespace != null, "-s/--namespace " + namespace + " (not supported by Halo: start it in the namespace, ip netns exec)");
        warn.accept(coreDump || coreDumpPattern != null, "-m/--core-dump (the JVM writes its own crash reports)");
        warn.accept(debug != null || keepalivedDebugging != null || memCheckLog || configFd != null,
                "keepalived's debugging options (--debug, --perf, --no-mem-check, -L, --config-fd)");
        return out;
    }

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
        for (String w : keepalivedFlagWarnings()) {
            System.err.println(w);
        }
        int facility = -1;
        if (logFacility != null) {
            facility = facility(logFacility);
            if (facility == INVALID_FACILITY) {
                System.err.println("Invalid log facility '" + logFacility + "'"); // keepalived's words; it goes on
                facility = -1;
            }
        }
        boolean toConsole = logConsole || noSyslog || !java.nio.file.Files.exists(Path.of("/dev/log"));
        Syslog syslog = toConsole ? null : Syslog.open(facility);
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
