package halo.daemon;

import halo.config.ConfigWriter;
import halo.config.KeepalivedConfig;
import halo.lvs.DataPlaneKind;
import halo.lvs.DataPlaneSupport;
import halo.config.LoadResult;
import halo.config.source.Diagnostic;
import halo.observe.ListenAddress;
import halo.observe.MetricsServer;
import halo.os.HostOs;
import halo.os.NativeException;
import halo.os.NetlinkMonitor;
import halo.os.PacketSocket;
import halo.os.Poller;
import halo.os.SystemdNotify;
import halo.vrrp.HostSetup;
import halo.vrrp.VrrpHost;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The Halo daemon on a real Linux host: starts the sides keepalived would start, runs them until SIGTERM/SIGINT and
 * stops them. The VRRP side is one protocol thread ({@link EventLoop}) driving a {@link VrrpHost} through
 * {@link LinuxHostPort}; the checker side ({@link CheckerSide}: virtual-server table and health checkers) runs beside
 * it on its own thread, alone with {@code -C}; SIGHUP is a {@link ConfigReload}.
 */
public final class Daemon {

    /** What {@code halo run} was asked to do. */
    public record Options(Path configFile, String configId, Path controlSocket, Path pidFile, Path vrrpPidFile,
                          boolean logDetail, boolean dontReleaseVrrp, boolean runVrrp, boolean runCheckers,
                          Path checkersPidFile, boolean dontReleaseIpvs, boolean dumpConf, String lvsDataplane,
                          String metricsListen) {
        /** Both sides, as keepalived without -P or -C. */
        public Options(Path configFile, String configId, Path controlSocket, Path pidFile, Path vrrpPidFile,
                       boolean logDetail, boolean dontReleaseVrrp) {
            this(configFile, configId, controlSocket, pidFile, vrrpPidFile, logDetail, dontReleaseVrrp, true, true, null,
                    false, false, null, null);
        }
    }

    /**
     * The data plane that carries CONFIG's virtual servers: {@code --lvs-dataplane} (COMMAND_LINE: auto or a plane's
     * name, null when not given) wins over the file's lvs_dataplane; auto chooses as {@link DataPlaneKind#choose}.
     */
    public static DataPlaneKind dataPlane(String commandLine, KeepalivedConfig config) {
        if (commandLine == null) return DataPlaneKind.choose(config.global().lvsDataplane());
        if (commandLine.equals("auto")) return DataPlaneKind.choose(null);
        return DataPlaneKind.byConfigName(commandLine).orElseThrow(
                () -> new IllegalArgumentException("unknown data plane " + commandLine));
    }

    /** keepalived's exit statuses: 0 fine; 1 could not start; 3 configuration cannot run. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_STARTUP_FAILED = 1;
    public static final int EXIT_CONFIG = 3;

    private final Options options;
    private final DaemonLog log;
    private final ScriptRunner scripts = new ScriptRunner();
    /** systemd's Type=notify and watchdog (nothing when not started by systemd). */
    private final SystemdNotify notify = SystemdNotify.fromEnvironment();
    private final EventLoop loop = new EventLoop(notify);
    private final RunningState state = new RunningState();
    private PidFiles pidFiles;
    private ConfigReload reload;

    private ControlServer control;
    private ControlRequests controlRequests;
    /** The metrics listener and the address it was asked for (null: none); guarded by metricsLock. */
    private final Object metricsLock = new Object();
    private MetricsServer metrics;
    private InetSocketAddress metricsAddress;
    private LinuxHostNetwork network;
    private NetlinkMonitor monitor;
    private PacketSocket packets;
    private Poller poller;
    private VrrpSockets sockets;
    private VipFirewall firewall;

    public Daemon(Options options, DaemonLog log) {
        this.options = options;
        this.log = log;
    }

    /** Runs until SIGTERM/SIGINT (or {@link #requestStop()}); returns the exit status. */
    public int run() {
        log.info("Starting Halo " + halo.Version.VERSION + " (keepalived-compatible)");
        LoadResult loaded = ConfigReload.load(options.configFile(), options.configId());
        for (Diagnostic d : loaded.diagnostics()) {
            log.info(ConfigReload.keepalivedWording(d));
        }
        if (loaded.config() == null || loaded.hasFatal()) {
            log.info("Stopped - configuration cannot run");
            return EXIT_CONFIG;
        }
        // as keepalived: the pid files of the sides asked for (-P, -C) must not name a live daemon
        if (PidFiles.running(log, options.pidFile(), options.runVrrp() ? options.vrrpPidFile() : null,
                options.runCheckers() ? options.checkersPidFile() : null) != null) {
            log.info("daemon is already running");
            return EXIT_OK;
        }
        state.config = loaded.config();
        if (options.dumpConf()) {
            // keepalived -d: the configuration as the daemon understood it, into the log
            ConfigWriter.write(state.config).lines().filter(l -> !l.isBlank()).forEach(log::info);
        }
        // keepalived's parent runs the startup script before it starts its children, and waits for it
        StartStopScripts.startup(state.config, scripts, log, options.logDetail());
        try {
            return start();
        } finally {
            // after both sides have stopped, as keepalived's parent once its children are gone
            StartStopScripts.shutdown(state.config, scripts, log, options.logDetail());
        }
    }

    private int start() {
        // keepalived starts the checker process only when there are virtual servers (or -C asks for it alone), and
        // the VRRP process unless -C: the checker side alone needs no raw socket.
        boolean checkers = options.runCheckers() && (!options.runVrrp() || !state.config.virtualServers().isEmpty());
        boolean vrrp = options.runVrrp() && (!state.config.vrrpInstances().isEmpty() || !checkers);
        if (checkers) {
            state.dataPlane = dataPlane(options.lvsDataplane(), state.config);
            state.dataPlaneFromCommandLine = options.lvsDataplane();
            List<String> refused = DataPlaneSupport.refusals(state.config, state.dataPlane);
            if (!refused.isEmpty()) {
                refused.forEach(log::info);
                log.info("Stopped - configuration cannot run");
                return EXIT_CONFIG;
            }
        }
        // the pid files of the sides that run, as keepalived writes one per process it starts
        pidFiles = new PidFiles(options.pidFile(), vrrp ? options.vrrpPidFile() : null,
                checkers ? options.checkersPidFile() : null);
        reload = new ConfigReload(options.configFile(), options.configId(), options.logDetail(), vrrp, checkers, state,
                loop, scripts, log, notify);
        if (!vrrp) {
            try {
                pidFiles.write();
                reload.openFifos();
                return runCheckersOnly();
            } catch (IOException | RuntimeException e) {
                log.info("Stopped - " + e.getMessage());
                return EXIT_STARTUP_FAILED;
            } finally {
                closeAll();
                pidFiles.delete();
            }
        }
        if (!HostOs.isAvailable()) {
            log.info("Halo cannot use the host: " + HostOs.unavailabilityCause().getMessage());
            return EXIT_STARTUP_FAILED;
        }
        String missing = HostOs.missingVrrpCapabilities();
        if (missing != null) {
            log.info(missing);
            return EXIT_STARTUP_FAILED;
        }
        try {
            pidFiles.write();
            reload.openFifos();
            if (checkers) {
                startCheckerSide(false);
            }
            return runVrrp();
        } catch (IOException e) {
            log.info("Stopped - " + e.getMessage());
            return EXIT_STARTUP_FAILED;
        } finally {
            closeAll();
            pidFiles.delete();
        }
    }

    public void requestStop() {
        loop.requestStop();
    }

    private void startCheckerSide(boolean followAddresses) throws IOException {
        log.info("LVS data plane: " + state.dataPlane + (options.lvsDataplane() == null
                && state.config.global().lvsDataplane() == null ? " (auto)" : ""));
        state.checkerSide = new CheckerSide(state.config, log, scripts, state.dataPlane, !options.dontReleaseIpvs(),
                line -> state.fifos.lvsLine(line));
        try {
            state.checkerSide.start(followAddresses);
        } catch (RuntimeException e) {
            throw new IOException("the checker side cannot start: " + e.getMessage(), e);
        }
    }

    private void installSignals() {
        DaemonSignals.install(log, loop::requestStop, loop::requestReload, new DaemonSignals.Dumps() {
            @Override
            public void data() {
                dump("Printing VRRP data", KeepalivedDumps.DATA,
                        () -> KeepalivedDumps.data(state.host, state.config, state.lastTransitions));
            }

            @Override
            public void stats() {
                dump("Printing VRRP stats", KeepalivedDumps.STATS, () -> KeepalivedDumps.stats(state.host));
            }

            @Override
            public void statsAndClear() {
                // written and cleared in one go on the protocol thread: no count falls between the file and the zero
                dump("Printing and clearing VRRP stats", KeepalivedDumps.STATS, () -> {
                    String text = KeepalivedDumps.stats(state.host);
                    state.host.clearStatistics();
                    return text;
                });
            }

            @Override
            public void json() {
                dump("Printing VRRP as json", KeepalivedDumps.JSON,
                        () -> KeepalivedDumps.json(state.host, state.config, state.lastTransitions));
            }
        });
    }

    /** {@code keepalived --signum=NAME}: the signal number, -1 for a name keepalived does not know. */
    public static int signum(String name) {
        return DaemonSignals.signum(name);
    }

    /**
     * A dump signal (on the JVM's signal thread): the text is made on the protocol thread, from what it holds, and
     * written here, with keepalived's log line.
     */
    private void dump(String printing, String file, java.util.function.Supplier<String> render) {
        if (state.host == null) {
            log.info("No VRRP instances: " + file + " is not written (Halo has no checker-side dump)");
            return;
        }
        log.info(printing + " for process(" + ProcessHandle.current().pid() + ") on signal");
        java.util.concurrent.CompletableFuture<String> text = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> {
            try {
                text.complete(render.get());
            } catch (RuntimeException e) {
                text.completeExceptionally(e);
            }
        });
        try {
            KeepalivedDumps.write(file, text.get(5, java.util.concurrent.TimeUnit.SECONDS));
        } catch (Exception e) {
            log.info("Cannot write " + KeepalivedDumps.directory().resolve(file) + ": " + e.getMessage());
        }
    }

    /**
     * {@code -C}, or a configuration with virtual servers and no vrrp_instance (keepalived starts no VRRP process
     * then): the checker side alone, needing no raw socket; this thread only waits for signals and control requests.
     */
    private int runCheckersOnly() throws IOException {
        startCheckerSide(true);
        installSignals();
        startControl();
        log.info("Startup complete");
        notify.ready();
        loop.runIdle(reload::start);
        log.info("Stopping");
        notify.stopping();
        state.checkerSide.stop();
        log.info("Stopped Halo " + halo.Version.VERSION);
        return EXIT_OK;
    }

    /**
     * The control socket, and the metrics listener when --metrics-listen or metrics_listen asks for one. The command
     * line wins; without it the listener follows metrics_listen at each reload (started, stopped or moved).
     */
    private void startControl() throws IOException {
        controlRequests = new ControlRequests(state, loop);
        control = ControlServer.start(options.controlSocket(), controlRequests);
        String listen = options.metricsListen() != null ? options.metricsListen() : state.config.global().metricsListen();
        if (options.metricsListen() == null) {
            reload.onApplied(next -> followMetricsListen(next.global().metricsListen()));
        }
        if (listen == null) return;
        InetSocketAddress address;
        try {
            address = ListenAddress.parse(listen);
        } catch (IllegalArgumentException e) {
            throw new IOException("metrics listener: " + e.getMessage(), e);
        }
        synchronized (metricsLock) {
            startMetrics(address);
        }
    }

    /** Binds the metrics listener at ADDRESS; IOException (in the log's words) when it cannot. */
    private void startMetrics(InetSocketAddress address) throws IOException {
        ControlRequests requests = controlRequests;
        try {
            metrics = MetricsServer.start(address, new MetricsServer.Pages(
                    () -> answered(requests.apply("metrics")), () -> answered(requests.apply("status json"))));
        } catch (IOException e) {
            throw new IOException("cannot listen for metrics on " + url(address) + ": " + e.getMessage(), e);
        }
        metricsAddress = address;
        log.info("Serving metrics on " + url(metrics.address()) + "/metrics");
    }

    /**
     * After a reload (on the reload thread): the listener moves to LISTEN, the new metrics_listen, or stops when there
     * is none. When the new address cannot be bound, the old one serves on (as a reload that fails keeps what runs).
     */
    private void followMetricsListen(String listen) {
        InetSocketAddress wanted;
        try {
            wanted = listen == null ? null : ListenAddress.parse(listen);
        } catch (IllegalArgumentException e) {
            log.info("metrics_listen " + listen + ": " + e.getMessage());
            return;
        }
        synchronized (metricsLock) {
            if (java.util.Objects.equals(wanted, metricsAddress)) {
                return;
            }
            InetSocketAddress was = metricsAddress;
            if (metrics != null) {
                InetSocketAddress bound = metrics.address();
                metrics.close();
                metrics = null;
                metricsAddress = null;
                log.info("Stopped serving metrics on " + url(bound) + "/metrics");
            }
            if (wanted == null) {
                return;
            }
            try {
                startMetrics(wanted);
            } catch (IOException e) {
                log.info(e.getMessage());
                if (was != null) {
                    try {
                        startMetrics(was);
                    } catch (IOException again) {
                        log.info(again.getMessage());
                    }
                }
            }
        }
    }

    private static String url(InetSocketAddress a) {
        String host = halo.net.AddressText.format(a.getAddress());
        return "http://" + (a.getAddress() instanceof java.net.Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** A control answer, or null when it is an error (the HTTP listener answers 503). */
    private static String answered(String answer) {
        return answer.startsWith("error:") ? null : answer;
    }

    private int runVrrp() throws NativeException, IOException {
        network = LinuxHostNetwork.open();
        monitor = NetlinkMonitor.open();
        packets = PacketSocket.open();
        if (ConfigReload.missingInterface(state.config, network, log) != null) {
            log.info("Non-existent interface specified in configuration");
            return EXIT_CONFIG;
        }
        state.connectionSync = ConntrackdSupervisor.startFor(state.config, state.dataPlane, network,
                options.controlSocket(), scripts, log);
        VrrpScripts vrrpScripts = new VrrpScripts(scripts, log);
        Set<String> disabled = vrrpScripts.check(state.config);
        state.trackers = new VrrpTrackers(state.config, log);
        HostSetup setup = HostSetup.fromConfig(state.config, options.logDetail(), disabled, state.trackers.initialise());
        poller = new Poller(64);
        poller.register(monitor);
        loop.wakeWith(poller);
        sockets = new VrrpSockets(poller, network, log);
        // the VMACs first: their sockets and addresses are on them
        state.vmacs = new VmacInterfaces(network, log);
        state.vmacs.createFor(setup.instances());
        state.vmacs.promoteSecondaries(setup.instances());
        for (HostSetup.Instance i : setup.instances()) {
            sockets.open(i);
        }
        VipInstaller vips = new VipInstaller(network, log, () -> options.dontReleaseVrrp() && loop.stopRequested());
        // before the first address: what a crashed run left goes
        VipFirewall.Settings firewallSettings = VipFirewall.Settings.of(state.config, log);
        VipFirewall.sayDefault(state.config, firewallSettings, log);
        firewall = VipFirewall.open(firewallSettings, log);
        vips.firewall(firewall);
        LinuxHostPort port = new LinuxHostPort(network, sockets, packets, vips, vrrpScripts, state, loop, log);
        reload.vrrp(new ConfigReload.VrrpParts(network, sockets, vips, vrrpScripts, port));
        installSignals();
        startControl();

        // keepalived removes residual VIPs at startup, so a crashed master does not keep them.
        for (HostSetup.Instance i : setup.instances()) {
            log.info("(" + i.spec().name() + ") removing VIPs.");
            vips.change(i, false);
        }
        vips.changeStatic(state.config, true);
        ProtocolThreadTuning.schedule(state.config, setup, log);
        ProtocolThreadTuning.prepareTakeover(setup, network);
        state.host = new VrrpHost(setup, port);
        state.host.start(System.nanoTime());
        TrackerFeed.start(state.trackers, state, loop);
        log.info("Startup complete");
        // the VRRP sockets are open and the instances started
        notify.ready();
        ProtocolThreadTuning.releaseStartupPages(log);
        loop.runProtocol(poller, monitor, sockets, state, new NetlinkEvents(network, vips, state, log), reload::start);
        log.info("Stopping");
        notify.stopping();
        port.stopping();
        if (!options.dontReleaseVrrp()) {
            // before the priority-0 adverts: the addresses kept one more interval answer no ARP/ND, so no client
            // learns this node's MAC for an address the new master is about to announce
            firewall.silence(heldAddresses(state.host));
        }
        state.host.shutdown(System.nanoTime());
        vips.releaseLeftAtStop(sockets::awaitAdvert);
        if (!options.dontReleaseVrrp()) {
            vips.changeStatic(state.config, false);
        }
        firewall.close();
        state.vmacs.removeAll();
        if (state.checkerSide != null) {
            state.checkerSide.stop();
        }
        vrrpScripts.waitForStopScripts();
        log.info("Stopped Halo " + halo.Version.VERSION);
        return EXIT_OK;
    }

    /** The virtual addresses of the instances that hold them now (MASTERs). */
    private static List<java.net.InetAddress> heldAddresses(halo.vrrp.VrrpHost host) {
        List<java.net.InetAddress> out = new java.util.ArrayList<>();
        for (halo.vrrp.VrrpHost.Slot s : host.slots()) {
            if (s.machine.virtualAddressesSet() && s.setup.config() != null) {
                s.setup.config().virtualAddresses().forEach(v -> out.add(v.address().address()));
            }
        }
        return out;
    }

    private void closeAll() {
        if (firewall != null) {
            firewall.close();
        }
        try {
            synchronized (metricsLock) {
                if (metrics != null) {
                    metrics.close();
                    metrics = null;
                }
            }
            if (control != null) {
                control.close();
            }
            if (state.checkerSide != null) {
                state.checkerSide.close();
            }
            if (state.trackers != null) {
                state.trackers.close();
            }
            if (state.connectionSync != null) {
                state.connectionSync.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        if (state.vmacs != null) {
            state.vmacs.removeAll(); // nothing left when the start failed after making them
        }
        // after both sides have written their last lines (STOP, the checkers' DOWN)
        state.fifos.close();
        if (sockets != null) {
            sockets.close();
        }
        if (poller != null) {
            poller.close();
        }
        if (monitor != null) {
            monitor.close();
        }
        if (packets != null) {
            packets.close();
        }
        if (network != null) {
            network.close();
        }
        notify.close();
    }
}
