package halo.daemon;

import halo.os.HostEvent;
import halo.os.NativeException;
import halo.os.NetlinkMonitor;
import halo.os.Poller;
import halo.os.SystemdNotify;
import halo.os.VrrpSocket;
import halo.vrrp.VrrpHost;
import halo.vrrp.InstanceMachine;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The daemon's one protocol thread: waits on every VRRP socket and the netlink monitor with a nanosecond timeout (the
 * next instance deadline), feeds what arrives and what is due to the {@link VrrpHost}, and runs the tasks other
 * threads hand it (script ends, tracker values, status requests, a loaded reload). With the checker side alone there
 * is no socket: it only runs tasks and reloads until asked to stop. Under a systemd watchdog this thread, and only
 * it, sends the keep-alives: a protocol thread that is stuck gets the daemon restarted.
 */
final class EventLoop {

    private final SystemdNotify notify;
    private final long watchdogInterval;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Object idle = new Object();
    private volatile boolean stopRequested;
    private volatile boolean reloadRequested;
    private volatile Poller poller;

    EventLoop(SystemdNotify notify) {
        this.notify = notify;
        this.watchdogInterval = notify.watchdogIntervalNanos();
    }

    /** Runs TASK on the protocol thread, soon. */
    void execute(Runnable task) {
        tasks.add(task);
        wakeup();
    }

    void requestStop() {
        stopRequested = true;
        wakeup();
    }

    void requestReload() {
        reloadRequested = true;
        wakeup();
    }

    boolean stopRequested() {
        return stopRequested;
    }

    void wakeup() {
        Poller p = poller;
        if (p != null) {
            p.wakeup();
        }
        synchronized (idle) {
            idle.notifyAll();
        }
    }

    /** The checker side alone: tasks and reloads until a stop is asked for. */
    void runIdle(Runnable reload) {
        long petDue = System.nanoTime();
        long waitMillis = watchdogInterval == 0 ? 1000 : Math.clamp(watchdogInterval / 1_000_000, 1, 1000);
        while (!stopRequested) {
            runTasks();
            if (reloadRequested) {
                reloadRequested = false;
                reload.run();
            }
            petDue = petWatchdog(petDue, System.nanoTime());
            synchronized (idle) {
                if (!stopRequested && tasks.isEmpty() && !reloadRequested) {
                    try {
                        idle.wait(waitMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
    }

    /**
     * The VRRP loop until a stop is asked for: STATE's host (a reload replaces it) gets the sockets' adverts, the
     * monitor's events through HOST_EVENTS (made once, at start-up) and its timers.
     */
    void runProtocol(Poller poller, NetlinkMonitor monitor, VrrpSockets sockets, RunningState state,
                     Consumer<HostEvent> hostEvents, Runnable reload) throws NativeException {
        long petDue = System.nanoTime();
        while (!stopRequested) {
            long now = System.nanoTime();
            if (state.host.nextDeadline() <= now) {
                // A timer is due. Take in what arrived first: after this thread was held up (a GC pause, a busy CPU),
                // adverts that came in time wait in the socket, and a Master_Down_Timer must not fire past them.
                pollAndDrain(0, poller, monitor, sockets, state, hostEvents);
                now = System.nanoTime();
            }
            state.host.onTimer(now);
            runTasks();
            if (reloadRequested) {
                reloadRequested = false;
                reload.run();
            }
            now = System.nanoTime();
            petDue = petWatchdog(petDue, now);
            long deadline = state.host.nextDeadline();
            long timeout = deadline == InstanceMachine.NEVER ? -1 : Math.max(0, deadline - now);
            if (watchdogInterval != 0) {
                long untilPet = Math.max(0, petDue - now);
                timeout = timeout < 0 ? untilPet : Math.min(timeout, untilPet);
            }
            pollAndDrain(wakeEarly(timeout), poller, monitor, sockets, state, hostEvents);
        }
    }

    /** Sends the watchdog keep-alive when DUE has come; returns when the next one is due. */
    private long petWatchdog(long due, long now) {
        if (watchdogInterval == 0 || now - due < 0) {
            return due;
        }
        notify.watchdog();
        return now + watchdogInterval;
    }

    /** Makes the poller wake the loop from other threads before the loop first runs (a reload during start-up). */
    void wakeWith(Poller poller) {
        this.poller = poller;
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /**
     * How long to wait so as to wake no later than TIMEOUT. The kernel lets a poll-type wait of a thread that is not
     * realtime end late by a thousandth of its length (up to 100 ms; a fifth of that for a niced thread), whatever
     * the timer slack: 3.6 ms for a VRRPv2 Master_Down_Interval. So the loop waits that much less, then the rest
     * (the last short wait is late by microseconds at most).
     */
    static long wakeEarly(long timeoutNanos) {
        long early = Math.min(timeoutNanos / 200, 100_000_000L);
        return early < 20_000 ? timeoutNanos : timeoutNanos - early;
    }

    /** Waits up to {@code timeoutNanos} (-1: no limit, 0: not at all) and takes in whatever is ready. */
    private static void pollAndDrain(long timeoutNanos, Poller poller, NetlinkMonitor monitor, VrrpSockets sockets,
                                     RunningState state, Consumer<HostEvent> hostEvents) throws NativeException {
        if (poller.poll(timeoutNanos) > 0) {
            for (int i = 0; i < poller.size(); i++) {
                if (!poller.isReady(poller.get(i))) {
                    continue;
                }
                if (poller.get(i) == monitor) {
                    monitor.drain(hostEvents);
                } else {
                    sockets.drain((VrrpSocket) poller.get(i), state.host);
                }
            }
        }
    }
}
