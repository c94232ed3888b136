package halo.daemon;

import halo.config.KeepalivedConfig;
import halo.config.LvsSyncDaemon;
import halo.lvs.DataPlaneKind;
import halo.vrrp.VrrpState;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs conntrackd for {@code lvs_sync_daemon} and tells it about the sync instance's transitions, as conntrack-tools'
 * primary-backup.sh does from keepalived's notify scripts: MASTER commits the connections learnt from the old master
 * into the kernel ({@code -c}), flushes the caches ({@code -f}), resynchronises with the kernel ({@code -R}) and sends
 * everything to the new backup ({@code -B}); BACKUP shortens the kernel's timers of the connections it no longer
 * carries ({@code -t}) and asks the master for a full resync ({@code -n}); FAULT shortens the timers.
 * <p>
 * conntrackd runs in the foreground as Halo's child with its files in Halo's run directory; when it exits it is
 * started again after a backoff that doubles from {@link #FIRST_BACKOFF} to {@link #MAX_BACKOFF} (back to the first
 * after it ran a minute), and the last role is told to it again. Requests run one at a time, in order, on the
 * supervisor's own thread: never on the protocol thread.
 */
final class ConntrackdSupervisor implements AutoCloseable {

    enum State { NEW, RUNNING, WAITING_TO_RESTART, CLOSED }

    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration STABLE = Duration.ofMinutes(1);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(5);

    private final ConntrackdConfig config;
    private final String executable;
    private final ScriptRunner scripts;
    private final DaemonLog log;
    private final ScheduledExecutorService worker;

    private State state = State.NEW;
    private Process process;
    private long startedAtNanos;
    private Duration backoff = FIRST_BACKOFF;
    private VrrpState role = VrrpState.INIT;
    private int starts;

    ConntrackdSupervisor(ConntrackdConfig config, String executable, ScriptRunner scripts, DaemonLog log) {
        this.config = config;
        this.executable = executable;
        this.scripts = scripts;
        this.log = log;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "conntrackd");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.worker = executor;
    }

    /** Writes the configuration and starts conntrackd. */
    synchronized void start() throws IOException {
        Files.createDirectories(config.runDir());
        Files.writeString(config.configFile(), config.text());
        launch("start");
    }

    synchronized State state() {
        return state;
    }

    /** How many times conntrackd was started (the first start included). */
    synchronized int starts() {
        return starts;
    }

    synchronized Process process() {
        return process;
    }

    /**
     * The supervisor for CONFIG's lvs_sync_daemon, started; null when there is none, or (logged) when it cannot run:
     * a malformed line, an unknown instance, no address on the interface, or the userspace proxy, whose connections
     * are its own sockets, which conntrack state cannot carry to another host. Files go in a directory beside the
     * control socket, one per daemon.
     */
    static ConntrackdSupervisor startFor(KeepalivedConfig config, DataPlaneKind dataPlane, LinuxHostNetwork network,
                                         Path controlSocket, ScriptRunner scripts, DaemonLog log) {
        Optional<LvsSyncDaemon> sync;
        try {
            sync = LvsSyncDaemon.of(config.global());
        } catch (IllegalArgumentException e) {
            log.info(e.getMessage() + " - connection sync not started");
            return null;
        }
        if (sync.isEmpty()) {
            return null;
        }
        if (dataPlane == DataPlaneKind.PROXY) {
            log.info("lvs_sync_daemon: the userspace proxy's connections cannot be synchronised - conntrackd not started");
            return null;
        }
        try {
            byte[] local = network.primaryAddress(sync.get().interfaceName(), false);
            if (local == null) {
                local = network.primaryAddress(sync.get().interfaceName(), true);
            }
            if (local == null) {
                log.info("lvs_sync_daemon: no address on " + sync.get().interfaceName() + " - conntrackd not started");
                return null;
            }
            Path runDir = controlSocket.resolveSibling(controlSocket.getFileName() + ".conntrackd");
            ConntrackdConfig settings = ConntrackdConfig.of(sync.get(), config, InetAddress.getByAddress(local), runDir);
            ConntrackdSupervisor supervisor = new ConntrackdSupervisor(settings, "conntrackd", scripts, log);
            log.info("lvs_sync_daemon: conntrackd on " + sync.get().interfaceName() + " for " + sync.get().vrrpInstance()
                    + (settings.peer() != null ? ", unicast to " + settings.peer().getHostAddress()
                    : ", multicast to " + sync.get().group().getHostAddress()) + ", files in " + runDir);
            supervisor.start();
            return supervisor;
        } catch (IOException | IllegalArgumentException e) {
            log.info("lvs_sync_daemon: " + e.getMessage() + " - conntrackd not started");
            return null;
        }
    }

    /** Instance NAME changed state (called on the protocol thread; the requests run on the supervisor's). */
    void instanceState(String name, VrrpState to) {
        if (name.equals(config.sync().vrrpInstance())) {
            instanceState(to);
        }
    }

    /** The sync instance changed state. */
    synchronized void instanceState(VrrpState to) {
        if (state == State.CLOSED) {
            return;
        }
        role = to;
        worker.execute(() -> tell(to, "the instance became " + to));
    }

    private void launch(String reason) {
        // a lock file left by a conntrackd that died would stop the new one ("lockfile exists"), and its control
        // socket would pass for the new one's before that is ready
        try {
            Files.deleteIfExists(config.lockFile());
            Files.deleteIfExists(config.controlSocket());
        } catch (IOException e) {
            log.info("conntrackd: cannot remove a dead conntrackd's files: " + e.getMessage());
        }
        List<String> argv = new ArrayList<>();
        if (ScriptRunner.resolveExecutable("setpriv") != null) {
            // conntrackd ends with Halo even when Halo is killed: an orphan would go on syncing as the old role
            argv.addAll(List.of("setpriv", "--pdeathsig", "KILL", "--"));
        }
        argv.addAll(List.of(executable, "-C", config.configFile().toString()));
        Script script = new Script(String.join(" ", argv), argv, null, null);
        StringBuilder error = new StringBuilder();
        Process p = scripts.startLongRunning(script, List.of(), error::append);
        starts++;
        if (p == null) {
            log.info("conntrackd: cannot start: " + error);
            waitToRestart("it could not start");
            return;
        }
        process = p;
        startedAtNanos = System.nanoTime();
        try {
            Files.writeString(config.pidFile(), p.pid() + "\n");
        } catch (IOException e) {
            log.info("conntrackd: cannot write " + config.pidFile() + ": " + e.getMessage());
        }
        transition(State.RUNNING, reason + ", pid " + p.pid());
        p.onExit().thenRun(() -> exited(p));
        VrrpState last = role;
        if (last == VrrpState.MASTER || last == VrrpState.BACKUP || last == VrrpState.FAULT) {
            worker.execute(() -> tell(last, "conntrackd restarted"));
        }
    }

    private synchronized void exited(Process p) {
        if (state == State.CLOSED || p != process) {
            return;
        }
        if (System.nanoTime() - startedAtNanos > STABLE.toNanos()) {
            backoff = FIRST_BACKOFF;
        }
        waitToRestart("it exited with status " + p.exitValue());
    }

    private void waitToRestart(String why) {
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        transition(State.WAITING_TO_RESTART, why + "; restarting in " + wait.toMillis() + " ms");
        worker.schedule(this::restart, wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    private synchronized void restart() {
        if (state == State.WAITING_TO_RESTART) {
            launch("restart after backoff");
        }
    }

    private void transition(State to, String reason) {
        log.info("conntrackd: " + state + " -> " + to + " (" + reason + ")");
        state = to;
    }

    /** primary-backup.sh's requests for ROLE, on the supervisor's thread. */
    private void tell(VrrpState role, String why) {
        List<String> flags = switch (role) {
            case MASTER -> List.of("-c", "-f", "-R", "-B");
            case BACKUP -> List.of("-t", "-n");
            case FAULT -> List.of("-t");
            default -> List.of();
        };
        if (flags.isEmpty() || !awaitControlSocket()) {
            return;
        }
        long start = System.nanoTime();
        for (String flag : flags) {
            synchronized (this) {
                if (state == State.CLOSED) {
                    return;
                }
            }
            List<String> argv = config.request(executable, flag);
            ScriptRunner.Result r = scripts.runNow(new Script(String.join(" ", argv), argv, null, REQUEST_TIMEOUT), List.of());
            if (!r.success()) {
                log.info("conntrackd: " + role + ": " + String.join(" ", argv) + " failed ("
                        + (r.timedOut() ? "timed out" : r.error() != null ? r.error() : "status " + r.exitCode()) + ")");
            }
        }
        log.info("conntrackd: " + role + " (" + why + "): " + String.join(" ", flags) + " done in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
    }

    /** conntrackd answers requests once its control socket exists; a bounded wait after a (re)start. */
    private boolean awaitControlSocket() {
        long deadline = System.nanoTime() + SOCKET_WAIT.toNanos();
        while (!Files.exists(config.controlSocket())) {
            synchronized (this) {
                if (state == State.CLOSED) {
                    return false;
                }
            }
            if (System.nanoTime() > deadline) {
                log.info("conntrackd: no control socket " + config.controlSocket() + " after " + SOCKET_WAIT.toSeconds()
                        + " s; requests skipped");
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Stops conntrackd (SIGTERM, SIGKILL a second later) and the supervisor's thread. */
    @Override
    public void close() {
        Process p;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            transition(State.CLOSED, "Halo stops");
            p = process;
        }
        worker.shutdownNow();
        if (p != null) {
            ScriptRunner.kill(p);
        }
        try {
            Files.deleteIfExists(config.lockFile());
            Files.deleteIfExists(config.controlSocket());
            Files.deleteIfExists(config.pidFile());
        } catch (IOException e) {
            // conntrackd removes its own when it stops cleanly
        }
    }
}
