package halo.daemon;

import halo.check.RunningChecker;
import halo.check.CheckerEngine;
import halo.check.CheckerListener;
import halo.check.ConfigCheckers;
import halo.config.KeepalivedConfig;
import halo.config.RealServer;
import halo.config.ScriptCommand;
import halo.config.VirtualServer;
import halo.lvs.Action;
import halo.lvs.CheckerId;
import halo.lvs.DataPlane;
import halo.lvs.DataPlaneKind;
import halo.lvs.SnapshotText;
import halo.lvs.VirtualServerTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * The daemon's checker side (keepalived's checker process): the virtual-server table built from the configuration,
 * a {@link CheckerEngine} running every real server's checkers, and the table's actions carried out (log lines,
 * notify_up/notify_down and quorum_up/quorum_down scripts, LVS FIFO lines, checkers suspended for ha_suspend).
 * <p>
 * The table is single-threaded: every call to it runs on this side's own thread ("halo-checkers"); checker events,
 * address changes and control requests are handed to that thread. The table's changes go to the {@link DataPlane}
 * through a {@link DataPlaneSync} (one batch per event); {@code halo lvs -L -n} shows the table with the plane's
 * counters through the control command {@code lvs}.
 */
public final class CheckerSide implements AutoCloseable {

    private static final Duration ADDRESS_POLL = Duration.ofSeconds(1);
    /** How often a data plane left behind by a failure is resynced. */
    private static final Duration RESYNC_RETRY = Duration.ofSeconds(1);

    private KeepalivedConfig config;
    private final DaemonLog log;
    private final ScriptRunner scripts;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("halo-checkers").factory());
    private final Map<CheckerId, RunningChecker> checkers = new HashMap<>();
    private final Set<String> disabledScripts = new HashSet<>();
    private final Set<InetAddress> localAddresses = new HashSet<>();
    /** Where the table's FIFO lines go (notify_fifo and lvs_notify_fifo, held by the daemon). */
    private final java.util.function.Consumer<String> fifoLines;
    private final List<CompletableFuture<ScriptRunner.Result>> stopScripts = Collections.synchronizedList(new ArrayList<>());
    private final java.util.logging.Logger checkLogger = java.util.logging.Logger.getLogger("halo.check");
    /** The data planes' lines (the proxy's "listening", "removed"), into the daemon's log as the checkers' are. */
    private final java.util.logging.Logger planeLogger = java.util.logging.Logger.getLogger("halo.lvs");
    private VirtualServerTable table;
    private final DataPlaneKind planeKind;
    private DataPlaneSync sync;
    /** lvs_sync_daemon on the IPVS plane, or null. */
    private halo.lvs.ipvs.SyncDaemonFollower syncDaemon;
    private CheckerEngine engine;
    private boolean stopped;

    private final boolean releaseAtStop;

    /**
     * @param plane         the data plane the table's changes go to; this side opens it at start, closes it at stop
     * @param releaseAtStop false for keepalived's {@code -I} (--dont-release-ipvs): the table is left as it is
     * @param fifoLines     where the FIFO lines go (the daemon's {@link NotifyFifos#lvsLine})
     */
    public CheckerSide(KeepalivedConfig config, DaemonLog log, ScriptRunner scripts, DataPlaneKind plane,
                       boolean releaseAtStop, java.util.function.Consumer<String> fifoLines) {
        this.config = config;
        this.log = log;
        this.scripts = scripts;
        this.releaseAtStop = releaseAtStop;
        this.fifoLines = fifoLines;
        this.planeKind = plane;
    }

    /**
     * Builds the table, reports the addresses already local (ha_suspend), installs the services and starts the
     * checkers. With {@code followAddresses} this side polls the host's addresses itself (when the VRRP side is not
     * running in this process to report its virtual addresses).
     */
    public void start(boolean followAddresses) throws IOException {
        bridgeCheckerLog();
        call(() -> {
            checkScripts();
            table = VirtualServerTable.fromConfig(config);
            sync = new DataPlaneSync(DataPlanes.open(planeKind, key -> table.proxySettings(key)), table::snapshot, log);
            applyLvsTimeouts();
            syncDaemon = halo.lvs.ipvs.SyncDaemonFollower.of(config, sync.plane(), log::info).orElse(null);
            if (syncDaemon != null) syncDaemon.start();
            for (InetAddress a : hostAddresses()) {
                localAddresses.add(a);
                table.addressAdded(a); // before start(): keepalived's initial netlink dump, nothing to carry out
            }
            ConfigCheckers.Built built = ConfigCheckers.build(config, CheckerId::new);
            if (!built.errors().isEmpty()) {
                // keepalived's checker process stops when its SSL context cannot be made
                built.errors().forEach(log::info);
                throw new IllegalStateException("SSL initialisation failed");
            }
            engine = new CheckerEngine(new Listener());
            built.warnings().forEach(log::info);
            built.skipped().forEach(s -> log.info("Checker " + s.key() + " not started: " + s.reason()));
            List<Action> actions = table.start();
            Set<CheckerId> suspended = new HashSet<>();
            for (CheckerId id : table.checkers()) {
                if (!table.checkerEnabled(id)) suspended.add(id);
            }
            for (var spec : built.specs()) {
                RunningChecker c = engine.add(spec);
                checkers.put((CheckerId) spec.key(), c);
                if (suspended.contains((CheckerId) spec.key())) engine.setEnabled(c, false);
            }
            perform(actions);
            return null;
        });
        thread.scheduleWithFixedDelay(() -> {
            if (!stopped) sync.retry();
        }, RESYNC_RETRY.toMillis(), RESYNC_RETRY.toMillis(),
                TimeUnit.MILLISECONDS);
        if (followAddresses && config.virtualServers().stream().anyMatch(VirtualServer::haSuspend)) {
            thread.scheduleWithFixedDelay(this::pollAddresses, ADDRESS_POLL.toMillis(), ADDRESS_POLL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * SIGHUP: the table reloads as keepalived's checker process does (virtual servers matched by address, real servers
     * by address and port keep their state; gone ones leave with their notifiers; new ones start as at startup), and
     * the checkers follow: a checker of a kept real server, of the same type at the same place, carries its verdict
     * over (migrate_checkers); the others stop, new ones start.
     */
    public void reload(KeepalivedConfig newConfig) {
        call(() -> {
            if (stopped) return null;
            ConfigCheckers.Built built = ConfigCheckers.build(newConfig, CheckerId::new);
            if (!built.errors().isEmpty()) {
                // keepalived's checker process would stop here; Halo keeps its checkers running as they are
                built.errors().forEach(log::info);
                log.info("Reload failed - keeping the running checkers");
                return null;
            }
            KeepalivedConfig old = config;
            config = newConfig;
            disabledScripts.clear();
            checkScripts();
            List<String> oldNames = virtualServerNames(old);
            List<Action> actions = table.reload(newConfig);
            CheckerMatch match = new CheckerMatch(old, newConfig, oldNames, virtualServerNames(newConfig));
            built.warnings().forEach(log::info);
            built.skipped().forEach(s -> log.info("Checker " + s.key() + " not started: " + s.reason()));
            Map<CheckerId, RunningChecker> before = new HashMap<>(checkers);
            checkers.clear();
            for (var spec : built.specs()) {
                CheckerId id = (CheckerId) spec.key();
                CheckerId was = match.previous(id);
                RunningChecker previous = was == null ? null : before.remove(was);
                RunningChecker c = engine.add(spec, previous);
                checkers.put(id, c);
                if (!table.checkerEnabled(id)) engine.setEnabled(c, false);
            }
            before.values().forEach(engine::remove);
            perform(actions);
            // what the plane holds is what the new configuration says, whatever ran before it (ipvsadm's changes)
            sync.resync(" after reload");
            applyLvsTimeouts();
            return null;
        });
    }

    /** The table's names of CONFIG's virtual servers, by index (the table holds CONFIG now). */
    private List<String> virtualServerNames(KeepalivedConfig config) {
        List<String> names = new ArrayList<>();
        for (int v = 0; v < config.virtualServers().size(); v++) {
            names.add(table.virtualServerName(v));
        }
        return names;
    }

    /** {@code lvs} on the control socket: the table with the plane's counters, as {@link SnapshotText}. */
    public String snapshotText() {
        return call(() -> SnapshotText.encode(sync.plane().counters().mergeInto(table.snapshot())));
    }

    /** For {@code halo status}: the data plane that runs, the last generation sent to it, whether it holds it all. */
    public DataPlaneStatus dataPlaneStatus() {
        return call(() -> new DataPlaneStatus(sync.plane().kind(), sync.generation(), sync.plane().generation(),
                sync.inSync()));
    }

    public record DataPlaneStatus(DataPlaneKind kind, long generation, long appliedGeneration, boolean inSync) {}

    /** For metrics and dumps: the table with the plane's counters, each real server's state, each checker's results. */
    public record Observed(DataPlaneStatus plane, halo.lvs.IpvsSnapshot table, List<RealServerState> realServers,
                           List<CheckerState> checkers) {}

    /** A configured real server: keepalived's names for it and its virtual server, and whether it is alive. */
    public record RealServerState(String virtualServer, String realServer, boolean alive) {}

    /** A checker of a real server (INDEX among that server's checkers), its verdict and its probes so far. */
    public record CheckerState(String virtualServer, String realServer, String type, int index, boolean up,
                               boolean enabled, RunningChecker.Results results) {}

    public Observed observed() {
        return call(() -> {
            List<RealServerState> servers = new ArrayList<>();
            for (int v = 0; v < config.virtualServers().size(); v++) {
                for (int r = 0; r < config.virtualServers().get(v).realServers().size(); r++) {
                    halo.lvs.RealServerId id = new halo.lvs.RealServerId(v, r);
                    try {
                        servers.add(new RealServerState(table.virtualServerName(v), table.realServerName(id),
                                table.alive(id)));
                    } catch (IllegalArgumentException e) {
                        // a virtual server the table ignores (no real servers)
                    }
                }
            }
            List<CheckerState> checks = new ArrayList<>();
            for (CheckerId id : table.checkers()) {
                RunningChecker c = checkers.get(id);
                if (c == null) continue;
                checks.add(new CheckerState(table.virtualServerName(id.virtualServer()),
                        table.realServerName(id.realServerId()), c.type().name(), id.checker(), c.isUp(),
                        table.checkerEnabled(id), c.results()));
            }
            DataPlaneStatus plane = new DataPlaneStatus(sync.plane().kind(), sync.generation(),
                    sync.plane().generation(), sync.inSync());
            return new Observed(plane, sync.plane().counters().mergeInto(table.snapshot()), servers, checks);
        });
    }

    /**
     * {@code ipvsadm ...} on the control socket ({@link halo.lvs.IpvsadmText}): the command runs against the table on
     * this side's thread, as the kernel would answer it, and its changes are carried out; the answer is what ipvsadm
     * would print. Changes last until the next reload. Counters, timeouts and connections (-Z, --set, -L --timeout,
     * -L -c) are the data plane's.
     */
    public String ipvsadm(String request) {
        halo.lvs.IpvsadmCommand command;
        try {
            command = halo.lvs.IpvsadmText.decode(request);
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage() + "\n";
        }
        halo.lvs.IpvsadmText.Answer answer = call(() -> {
            if (stopped) throw new IllegalStateException("the checker side has stopped");
            DataPlane plane = sync.plane();
            String refused = halo.lvs.DataPlaneSupport.refusal(command, plane.kind());
            if (refused != null) {
                return new halo.lvs.IpvsadmText.Answer("", refused + "\n", 255);
            }
            halo.lvs.IpvsadmRunner.Outcome o = halo.lvs.IpvsadmRunner.run(command, table.ipvs(),
                    () -> plane.counters().mergeInto(table.snapshot()));
            perform(List.copyOf(o.changes()));
            if (o.dataPlane() == null) {
                return new halo.lvs.IpvsadmText.Answer(o.out(), o.err(), o.exitCode());
            }
            // counters, timeouts and connections are the data plane's
            return switch (o.dataPlane()) {
                case halo.lvs.IpvsadmRunner.DataPlaneRequest.Zero z -> {
                    plane.zeroCounters(z.service());
                    yield new halo.lvs.IpvsadmText.Answer(o.out(), o.err(), o.exitCode());
                }
                case halo.lvs.IpvsadmRunner.DataPlaneRequest.SetTimeouts t -> {
                    plane.timeouts(t.timeouts());
                    yield new halo.lvs.IpvsadmText.Answer(o.out(), o.err(), o.exitCode());
                }
                case halo.lvs.IpvsadmRunner.DataPlaneRequest.ListTimeouts l -> new halo.lvs.IpvsadmText.Answer(
                        halo.lvs.IpvsadmRunner.timeoutsText(plane.timeouts()), "", 0);
                case halo.lvs.IpvsadmRunner.DataPlaneRequest.ListConnections c -> new halo.lvs.IpvsadmText.Answer(
                        plane.connectionListing(c.numeric(),
                                c.format().contains(halo.lvs.IpvsadmView.Option.PERSISTENT_CONN)), "", 0);
            };
        });
        return halo.lvs.IpvsadmText.encodeAnswer(answer);
    }

    /** A local address appeared (a VIP set by the VRRP side, or netlink): ha_suspend checkers on it resume. */
    public void addressAdded(InetAddress address) {
        thread.execute(() -> {
            if (!stopped && localAddresses.add(address)) perform(table.addressAdded(address));
        });
    }

    /** VRRP instance INSTANCE set (MASTER true) or removed its virtual addresses: lvs_sync_daemon follows it. */
    public void vrrpAddresses(String instance, boolean master) {
        thread.execute(() -> {
            if (!stopped && syncDaemon != null) syncDaemon.instanceState(instance, master);
        });
    }

    /** A local address went away: ha_suspend checkers on it suspend, unless a copy is still on another interface. */
    public void addressRemoved(InetAddress address) {
        thread.execute(() -> {
            if (!stopped && !hostAddresses().contains(address) && localAddresses.remove(address)) {
                perform(table.addressRemoved(address));
            }
        });
    }

    /**
     * Shutdown: checkers stop, then the table is cleared as keepalived does (omega: notify_down, quorum_down and the
     * FIFO's DOWN lines), unless {@code -I} leaves it; the shutdown scripts get up to a second.
     */
    public void stop() {
        try {
            call(() -> {
                if (stopped) return null;
                stopped = true;
                if (engine != null) engine.close();
                if (table != null && releaseAtStop) perform(table.shutdown());
                if (sync != null) sync.plane().close();
                return null;
            });
        } catch (RuntimeException e) {
            log.info("Checker side did not stop cleanly: " + e.getMessage());
        }
        ScriptPolicy.waitForStopScripts(List.copyOf(stopScripts));
    }

    @Override
    public void close() {
        stop();
        thread.shutdownNow();
        checkLogger.setUseParentHandlers(true);
        planeLogger.setUseParentHandlers(true);
    }

    // --- on the checker-side thread ---

    private final class Listener implements CheckerListener {
        @Override
        public void stateChanged(RunningChecker checker, boolean up, String reason) {
            CheckerId id = (CheckerId) checker.key();
            thread.execute(() -> {
                // a checker replaced by a reload reports under its old id: drop it
                if (!stopped && checkers.get(id) == checker) perform(table.checkerResult(id, up));
            });
        }

        @Override
        public void weightChanged(RunningChecker checker, long delta) {
            CheckerId id = (CheckerId) checker.key();
            thread.execute(() -> {
                if (!stopped && checkers.get(id) == checker) perform(table.checkerWeight(id, delta));
            });
        }
    }

    private void perform(List<Action> actions) {
        List<Action.TableChange> changes = new ArrayList<>();
        for (Action a : actions) {
            switch (a) {
                case Action.Log l -> log.info(l.message());
                case Action.Fifo f -> {
                    String line = f.line().endsWith("\n") ? f.line().substring(0, f.line().length() - 1) : f.line();
                    fifoLines.accept(line);
                }
                case Action.RunScript r -> runScript(r.script(), r.atShutdown());
                case Action.CheckerActivity c -> {
                    RunningChecker checker = checkers.get(c.checker());
                    if (checker != null) engine.setEnabled(checker, c.enabled());
                }
                case Action.TableChange t -> changes.add(t);
            }
        }
        sync.apply(changes);
    }

    private void runScript(ScriptCommand command, boolean atShutdown) {
        if (disabledScripts.contains(command.commandLine())) return;
        Script s = new ScriptPolicy(config.global()).notifyScript(command, atShutdown);
        CompletableFuture<ScriptRunner.Result> run = scripts.run(s, List.of());
        if (atShutdown) stopScripts.add(run);
        run.thenAccept(r -> {
            if (r.error() != null) log.info(r.error());
        });
    }

    /** global_defs' lvs_timeouts: keepalived sets IPVS's timeouts at start and at reload, as ipvsadm --set. */
    private void applyLvsTimeouts() {
        if (config.global().lvsTimeouts() != null) sync.plane().timeouts(config.global().lvsTimeouts());
    }

    /** keepalived's checks of notify_up/down and quorum_up/down: not found or (with script security) unsafe disables. */
    private void checkScripts() {
        ScriptPolicy policy = new ScriptPolicy(config.global());
        Set<ScriptCommand> all = new LinkedHashSet<>();
        for (VirtualServer vs : config.virtualServers()) {
            if (vs.quorumUp() != null) all.add(vs.quorumUp());
            if (vs.quorumDown() != null) all.add(vs.quorumDown());
            List<RealServer> rss = new ArrayList<>(vs.realServers());
            if (vs.sorryServer() != null) rss.add(vs.sorryServer());
            for (RealServer rs : rss) {
                if (rs.notifyUp() != null) all.add(rs.notifyUp());
                if (rs.notifyDown() != null) all.add(rs.notifyDown());
            }
        }
        boolean anyScript = false;
        for (ScriptCommand c : all) {
            if (policy.mayRun(policy.script(c, null), ScriptPolicy.Kind.CHECKER_NOTIFY, null, log)) {
                anyScript = true;
            } else {
                disabledScripts.add(c.commandLine());
            }
        }
        policy.warnWhenInsecure(anyScript, log);
    }

    private void pollAddresses() {
        if (stopped) return;
        Set<InetAddress> now = hostAddresses();
        for (InetAddress a : now) {
            if (localAddresses.add(a)) perform(table.addressAdded(a));
        }
        for (InetAddress a : List.copyOf(localAddresses)) {
            if (!now.contains(a) && localAddresses.remove(a)) perform(table.addressRemoved(a));
        }
    }

    private static Set<InetAddress> hostAddresses() {
        Set<InetAddress> out = new HashSet<>();
        try {
            var ifs = NetworkInterface.getNetworkInterfaces();
            while (ifs != null && ifs.hasMoreElements()) {
                var addrs = ifs.nextElement().getInetAddresses();
                while (addrs.hasMoreElements()) {
                    InetAddress a = addrs.nextElement();
                    // the table compares addresses without an IPv6 scope
                    out.add(InetAddress.getByAddress(a.getAddress()));
                }
            }
        } catch (SocketException | java.net.UnknownHostException e) {
            // no addresses known: ha_suspend checkers stay suspended
        }
        return out;
    }

    /** halo.check logs keepalived's checker lines ("TCP_CHECK on service ... failed.") to the daemon's log. */
    private void bridgeCheckerLog() {
        checkLogger.setLevel(java.util.logging.Level.ALL);
        bridge(checkLogger);
        bridge(planeLogger);
    }

    private void bridge(java.util.logging.Logger logger) {
        logger.setUseParentHandlers(false);
        for (Handler h : logger.getHandlers()) logger.removeHandler(h);
        logger.addHandler(new Handler() {
            private final java.util.logging.Formatter formatter = new java.util.logging.SimpleFormatter();

            @Override
            public void publish(LogRecord r) {
                String message = formatter.formatMessage(r);
                if (r.getLevel().intValue() >= java.util.logging.Level.INFO.intValue()) {
                    log.info(message);
                } else {
                    log.detail(message);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
    }

    private <T> T call(Callable<T> work) {
        try {
            return thread.submit(work).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            throw new IllegalStateException(cause);
        } catch (Exception e) {
            throw new IllegalStateException("checker side did not answer: " + e, e);
        }
    }
}
