package halo.os;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * sd_notify(3) without libsystemd: the service manager's state messages as datagrams to NOTIFY_SOCKET, for a unit with
 * {@code Type=notify} and {@code WatchdogSec}. Without NOTIFY_SOCKET (not started by systemd) every message is a no-op.
 * The watchdog interval is half of WATCHDOG_USEC, as sd_watchdog_enabled(3) advises, and only when WATCHDOG_PID is
 * unset or names this process.
 */
public final class SystemdNotify implements AutoCloseable {

    private static final byte[] READY = bytes("READY=1");
    private static final byte[] STOPPING = bytes("STOPPING=1");
    private static final byte[] WATCHDOG = bytes("WATCHDOG=1");

    /** Null when there is no service manager to tell. */
    private final UnixDatagramSocket socket;
    private final long watchdogIntervalNanos;

    private SystemdNotify(UnixDatagramSocket socket, long watchdogIntervalNanos) {
        this.socket = socket;
        this.watchdogIntervalNanos = watchdogIntervalNanos;
    }

    /** Nothing to tell: not under systemd. */
    public static SystemdNotify none() {
        return new SystemdNotify(null, 0);
    }

    /** From this process's environment. */
    public static SystemdNotify fromEnvironment() {
        return from(System.getenv(), ProcessHandle.current().pid());
    }

    /** From ENV for the process PID; a socket that cannot be made means none (the daemon runs on, unwatched). */
    static SystemdNotify from(Map<String, String> env, long pid) {
        String path = env.get("NOTIFY_SOCKET");
        if (path == null || path.isEmpty() || !(path.startsWith("/") || path.startsWith("@"))) {
            return none();
        }
        try {
            return new SystemdNotify(UnixDatagramSocket.to(path), watchdogInterval(env, pid));
        } catch (NativeException | RuntimeException e) {
            return none();
        }
    }

    /** Half of WATCHDOG_USEC in nanoseconds; 0 when there is no watchdog for process PID. */
    static long watchdogInterval(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        String forPid = env.get("WATCHDOG_PID");
        if (usec == null) {
            return 0;
        }
        try {
            if (forPid != null && Long.parseLong(forPid.trim()) != pid) {
                return 0;
            }
            long micros = Long.parseLong(usec.trim());
            return micros <= 0 ? 0 : micros * 1000 / 2;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public boolean isActive() {
        return socket != null;
    }

    /** How often {@link #watchdog} must be sent, in nanoseconds; 0 when there is no watchdog. */
    public long watchdogIntervalNanos() {
        return watchdogIntervalNanos;
    }

    /** Start-up is complete, or a reload is. */
    public void ready() {
        send(READY);
    }

    /**
     * A reload starts, at MONOTONIC_NANOS on CLOCK_MONOTONIC (System.nanoTime()'s clock on Linux): systemd 253's
     * Type=notify-reload wants the time with it, older ones ignore it.
     */
    public void reloading(long monotonicNanos) {
        if (socket != null) {
            send(bytes("RELOADING=1\nMONOTONIC_USEC=" + monotonicNanos / 1000));
        }
    }

    public void stopping() {
        send(STOPPING);
    }

    /** The watchdog keep-alive; allocates nothing. */
    public void watchdog() {
        send(WATCHDOG);
    }

    private void send(byte[] message) {
        if (socket != null) {
            socket.send(message);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
