package halo.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Whether the Linux host layer can work here, and if not why (Netty's {@code isAvailable()} /
 * {@code unavailabilityCause()} pattern): not Linux, native access not enabled, libc symbols missing.
 */
public final class HostOs {
    private static final Throwable UNAVAILABILITY_CAUSE = probe();

    private HostOs() {}

    private static Throwable probe() {
        String os = System.getProperty("os.name", "");
        if (!os.equals("Linux")) {
            return new UnsupportedOperationException("Halo's host layer needs Linux, not " + os);
        }
        if (!HostOs.class.getModule().isNativeAccessEnabled()) {
            return new UnsupportedOperationException(
                    "native access is not enabled: run java with --enable-native-access=ALL-UNNAMED");
        }
        try {
            Class.forName("halo.os.Native", true, HostOs.class.getClassLoader());
            return null;
        } catch (Throwable t) {
            return t instanceof ExceptionInInitializerError e && e.getCause() != null ? e.getCause() : t;
        }
    }

    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** Null when available, else why not. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /** Throws with the cause's message when the host layer cannot work here. */
    public static void ensureAvailable() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw new UnsupportedOperationException(UNAVAILABILITY_CAUSE.getMessage(), UNAVAILABILITY_CAUSE);
        }
    }

    static final int PR_SET_TIMERSLACK = 29;
    static final int PR_GET_TIMERSLACK = 30;
    public static final int SCHED_OTHER = 0;
    public static final int SCHED_RR = 2;

    /**
     * Sets the calling thread's timer slack (prctl PR_SET_TIMERSLACK): how late the kernel may wake it from a
     * timed wait to batch wake-ups (50 us by default). The protocol thread of a 10 ms advert interval wants 1 ns.
     */
    public static void setTimerSlack(long nanos) throws NativeException {
        ensureAvailable();
        MemorySegment cs = Native.capture();
        int rc;
        try {
            rc = (int) Native.PRCTL.invokeExact(cs, PR_SET_TIMERSLACK, nanos);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (rc < 0) {
            throw NativeException.of("prctl(PR_SET_TIMERSLACK)", Native.errno(cs), nanos + " ns");
        }
    }

    /** The calling thread's timer slack in ns. */
    public static long timerSlack() throws NativeException {
        ensureAvailable();
        MemorySegment cs = Native.capture();
        int rc;
        try {
            rc = (int) Native.PRCTL.invokeExact(cs, PR_GET_TIMERSLACK, 0L);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (rc < 0) {
            throw NativeException.of("prctl(PR_GET_TIMERSLACK)", Native.errno(cs), "");
        }
        return rc;
    }

    /**
     * Runs the calling thread under SCHED_RR at PRIORITY (1..99), as keepalived's vrrp_rt_priority does for its
     * VRRP process, so adverts go out on time on a busy host; 0 returns it to SCHED_OTHER. Needs CAP_SYS_NICE.
     */
    public static void setRealtimePriority(int priority) throws NativeException {
        ensureAvailable();
        if (priority < 0 || priority > 99) {
            throw new IllegalArgumentException("realtime priority " + priority + " is not 0..99");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment param = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            param.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, priority);
            MemorySegment cs = Native.capture();
            int rc = (int) Native.SCHED_SETSCHEDULER.invokeExact(cs, 0, priority == 0 ? SCHED_OTHER : SCHED_RR, param);
            if (rc < 0) {
                throw NativeException.of("sched_setscheduler", Native.errno(cs),
                        (priority == 0 ? "SCHED_OTHER" : "SCHED_RR priority " + priority), "CAP_SYS_NICE");
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** The calling thread's scheduling policy (SCHED_OTHER 0, SCHED_RR 2 ...). */
    public static int schedulingPolicy() throws NativeException {
        ensureAvailable();
        MemorySegment cs = Native.capture();
        int rc;
        try {
            rc = (int) Native.SCHED_GETSCHEDULER.invokeExact(cs, 0);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (rc < 0) {
            throw NativeException.of("sched_getscheduler", Native.errno(cs), "");
        }
        return rc;
    }

    /**
     * Null when the process can open VRRP sockets and change addresses, else keepalived-style advice naming the
     * missing capability.
     */
    public static String missingVrrpCapabilities() {
        String raw = Capabilities.missing(Capabilities.CAP_NET_RAW, "send and receive VRRP adverts and gratuitous ARPs");
        String admin = Capabilities.missing(Capabilities.CAP_NET_ADMIN, "add and remove virtual addresses");
        if (raw == null) {
            return admin;
        }
        return admin == null ? raw : raw + "; " + admin;
    }
}
