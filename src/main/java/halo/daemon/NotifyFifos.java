package halo.daemon;

import halo.config.GlobalDefs;
import halo.os.ProcessUser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's notify FIFOs, as keepalived's fifo_open/notify_fifo_close handle them: {@code notify_fifo} gets every
 * line (VRRP and LVS), {@code vrrp_notify_fifo} the VRRP lines, {@code lvs_notify_fifo} the checker lines. Each FIFO
 * is made when missing (mode 0600, owned by the script user) and, when a {@code *notify_fifo_script} is given, that
 * script is started with the FIFO's path as its one argument, as script_user and subject to script security, before
 * the FIFO is opened. At close (stop and reload, where keepalived kills every script and closes its FIFOs) the script
 * gets SIGTERM (SIGKILL a second later), then a FIFO this daemon made is removed and closed.
 * <p>
 * keepalived runs its VRRP and checker sides as two processes, both writing to the global FIFO, and lets only one of
 * them (the checker process when it runs) start the global FIFO's script; Halo runs both sides in one process, so it
 * opens the global FIFO once and starts its script once.
 */
final class NotifyFifos implements AutoCloseable {

    /** One opened FIFO and its reader script, if any. */
    private record Opened(String kind, NotifyFifo fifo, Process script) {}

    private final DaemonLog log;
    private final Opened global;
    private final Opened vrrp;
    private final Opened lvs;
    private volatile boolean closing;

    private NotifyFifos(DaemonLog log, Opened global, Opened vrrp, Opened lvs) {
        this.log = log;
        this.global = global;
        this.vrrp = vrrp;
        this.lvs = lvs;
    }

    /** No FIFO at all. */
    static NotifyFifos none(DaemonLog log) {
        return new NotifyFifos(log, null, null, null);
    }

    /**
     * Opens the FIFOs the running sides use: the global one always, {@code vrrp_notify_fifo} with the VRRP side,
     * {@code lvs_notify_fifo} with the checker side. A FIFO that cannot be made or opened is reported and left out,
     * as keepalived does ("Unable to open notify fifo").
     */
    static NotifyFifos open(GlobalDefs g, boolean vrrpSide, boolean checkerSide, ScriptRunner runner, DaemonLog log) {
        Opened global = open(g.notifyFifo(), "", g, runner, log);
        Opened vrrp = vrrpSide ? open(g.vrrpNotifyFifo(), "vrrp_", g, runner, log) : null;
        Opened lvs = checkerSide ? open(g.lvsNotifyFifo(), "lvs_", g, runner, log) : null;
        return new NotifyFifos(log, global, vrrp, lvs);
    }

    private static Opened open(GlobalDefs.Fifo conf, String kind, GlobalDefs g, ScriptRunner runner, DaemonLog log) {
        if (conf == null || conf.path() == null) {
            return null;
        }
        Path path = Path.of(conf.path());
        int[] owner = owner(g);
        Process script = null;
        NotifyFifo fifo;
        try {
            // keepalived makes the FIFO, starts the script, then opens the FIFO; opening read-write never blocks, so
            // the order does not matter to the script, which may open it before or after us.
            fifo = NotifyFifo.open(path, owner[0], owner[1]);
        } catch (IOException e) {
            log.info("Unable to open " + kind + "notify fifo " + path + " - " + e.getMessage());
            return null;
        }
        if (conf.script() != null) {
            ScriptPolicy policy = new ScriptPolicy(g);
            Script s = policy.script(conf.script(), null);
            // only the script is dropped when it may not run: the FIFO itself still opens
            if (policy.mayRun(s, ScriptPolicy.Kind.FIFO, null, log)) {
                script = runner.startLongRunning(s, List.of(path.toString()), log::info);
            }
        }
        return new Opened(kind, fifo, script);
    }

    /** The FIFO's owner when made: the default script user's uid and gid (-1: leave it as made). */
    private static int[] owner(GlobalDefs g) {
        if (g.scriptUser() == null) {
            return new int[] {-1, -1};
        }
        int[] ids = ProcessUser.userIds(g.scriptUser());
        if (ids == null) {
            return new int[] {-1, -1};
        }
        if (g.scriptGroup() != null) {
            Integer gid = ProcessUser.groupId(g.scriptGroup());
            if (gid != null) {
                ids[1] = gid;
            }
        }
        return ids;
    }

    /** Watches the scripts: keepalived logs "notify fifo script terminated" when one ends by itself. */
    NotifyFifos watch() {
        for (Opened o : new Opened[] {global, vrrp, lvs}) {
            if (o != null && o.script() != null) {
                String kind = o.kind().replace("_", " ");
                o.script().onExit().thenRun(() -> {
                    if (!closing) {
                        log.info(kind + "notify fifo script terminated");
                    }
                });
            }
        }
        return this;
    }

    /** A VRRP line ({@code INSTANCE "VI_1" MASTER 100}): to notify_fifo and vrrp_notify_fifo. */
    void vrrpLine(String line) {
        write(global, line);
        write(vrrp, line);
    }

    /** A checker line ({@code RS [192.0.2.1]:tcp:80 [192.0.2.10]:tcp:80 UP}): to notify_fifo and lvs_notify_fifo. */
    void lvsLine(String line) {
        write(global, line);
        write(lvs, line);
    }

    private static void write(Opened o, String line) {
        if (o != null) {
            o.fifo().write(line);
        }
    }

    /** The processes of the FIFO scripts now running (for status and tests). */
    List<ProcessHandle> scripts() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Opened o : new Opened[] {global, vrrp, lvs}) {
            if (o != null && o.script() != null && o.script().isAlive()) {
                all.add(o.script().toHandle());
            }
        }
        return all;
    }

    /**
     * At stop: what is queued is written into the pipes (up to a second), the scripts are stopped (SIGTERM, SIGKILL a
     * second later) and waited for, and the FIFOs are closed, those this daemon made removed first.
     */
    @Override
    public void close() {
        close(java.time.Duration.ofSeconds(1), true);
    }

    /**
     * At a reload, on the protocol thread: as {@link #close()}, but queued lines get only a moment (a pipe nobody
     * reads must not hold the adverts up) and the scripts are not waited for: they get SIGTERM now and SIGKILL a
     * second later if still there, as keepalived's script_killall at a reload.
     */
    void closeForReload() {
        close(java.time.Duration.ofMillis(50), false);
    }

    private void close(java.time.Duration flushLimit, boolean wait) {
        closing = true;
        Opened[] all = {global, vrrp, lvs};
        for (Opened o : all) {
            if (o != null) {
                o.fifo().flush(flushLimit);
            }
        }
        List<Thread> stopping = new ArrayList<>();
        for (Opened o : all) {
            if (o != null && o.script() != null) {
                stopping.add(Thread.ofVirtual().name("fifo-script-stop").start(() -> ScriptRunner.kill(o.script())));
            }
        }
        if (wait) {
            for (Thread t : stopping) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        for (Opened o : all) {
            if (o != null) {
                try {
                    o.fifo().close(java.time.Duration.ZERO);
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
