package halo.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.util.Optional;

/**
 * The signals a daemon catches, real-time ones included. The JVM's own {@code sun.misc.Signal} takes the classic
 * signals by name (HUP, INT, TERM, USR1, USR2); it refuses real-time ones ("Unknown signal: RTMIN+2"), whose default
 * action ends the process. keepalived uses two of those (SIGRTMIN+2 for its JSON dump, SIGRTMAX-1 to dump and clear
 * its statistics, and SIGRTMAX for its thread dump when built with it), so a signal meant for keepalived must not
 * kill Halo.
 *
 * <p>A real-time signal is caught the JVM's own way (its signal dispatcher thread runs the handler) when
 * {@code java.base/jdk.internal.misc} is open to Halo ({@code --add-opens}, as bin/halo passes): a {@code Signal}
 * made for a named signal is given the real-time number before it is registered. Otherwise
 * ({@link #catchesRealTimeSignals()} false) the signal is only ignored, through libc's {@code signal(SIG_IGN)}, so
 * the process survives it without a word.
 */
public final class ProcessSignals {

    /** What runs (on a thread of the JVM's) when a caught signal arrives. */
    @FunctionalInterface
    public interface Handler {
        void handle(int number, String name);
    }

    private static final Field INNER;
    private static final Field NUMBER;
    private static final Field NAME;
    private static final Throwable REAL_TIME_UNAVAILABILITY_CAUSE;
    private static final int RT_MIN;
    private static final int RT_MAX;

    static {
        Field inner = null;
        Field number = null;
        Field name = null;
        Throwable cause = null;
        try {
            inner = sun.misc.Signal.class.getDeclaredField("iSignal");
            inner.setAccessible(true); // jdk.unsupported opens sun.misc
            Class<?> internal = inner.getType();
            number = internal.getDeclaredField("number");
            name = internal.getDeclaredField("name");
            number.setAccessible(true); // needs --add-opens java.base/jdk.internal.misc=ALL-UNNAMED
            name.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            inner = null;
            number = null;
            name = null;
            cause = new UnsupportedOperationException("the JVM's signal class is not open to Halo: run java with "
                    + "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED (bin/halo does)", e);
        }
        INNER = inner;
        NUMBER = number;
        NAME = name;
        REAL_TIME_UNAVAILABILITY_CAUSE = cause;
        // glibc keeps the first real-time signals for itself: SIGRTMIN is a call, not a constant (34 with NPTL)
        RT_MIN = libcInt("__libc_current_sigrtmin", 34);
        RT_MAX = libcInt("__libc_current_sigrtmax", 64);
    }

    private ProcessSignals() {}

    /** SIGRTMIN+OFFSET, as the C library numbers it. */
    public static int realTimeMin(int offset) {
        return RT_MIN + offset;
    }

    /** SIGRTMAX-OFFSET, as the C library numbers it. */
    public static int realTimeMax(int offset) {
        return RT_MAX - offset;
    }

    /** Whether {@link #catchRealTime} runs handlers (else it can only ignore the signal). */
    public static boolean catchesRealTimeSignals() {
        return REAL_TIME_UNAVAILABILITY_CAUSE == null;
    }

    /** Null when real-time signals can be caught, else why not. */
    public static Throwable realTimeUnavailabilityCause() {
        return REAL_TIME_UNAVAILABILITY_CAUSE;
    }

    /** Catches a classic signal by its name without "SIG" (HUP, INT, TERM, USR1, USR2). */
    public static void catchNamed(String name, Handler handler) {
        sun.misc.Signal signal = new sun.misc.Signal(name);
        if (HostOs.isAvailable()) {
            unignoreInherited(signal.getNumber());
        }
        sun.misc.Signal.handle(signal, s -> handler.handle(s.getNumber(), "SIG" + name));
    }

    /**
     * A signal the process inherited as ignored ({@code nohup}, some supervisors) would never reach a Java handler:
     * the JVM leaves an ignored HUP, INT or TERM alone and registers nothing, silently. keepalived catches its signals
     * whatever it inherited, so Halo puts an inherited SIG_IGN back to SIG_DFL first (read with sigaction, which
     * changes nothing when the signal is not ignored; the JVM's own handlers are left as they are).
     */
    static void unignoreInherited(int number) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            // struct sigaction: the handler is its first member; 256 bytes hold glibc's 152-byte struct
            MemorySegment current = arena.allocate(256, 8);
            MemorySegment capture = Native.capture();
            int rc = (int) SignalCall.SIGACTION.invokeExact(capture, number, MemorySegment.NULL, current);
            if (rc == 0 && current.get(ADDRESS, 0).address() == 1L) { // SIG_IGN
                MemorySegment previous = (MemorySegment) SignalCall.SIGNAL.invokeExact(capture, number, MemorySegment.NULL);
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Catches real-time signal NUMBER, named NAME in log lines (e.g. SIGRTMIN+2); returns false when it could only be
     * ignored ({@link #catchesRealTimeSignals()} false, or the JVM refused it): the process survives it either way.
     */
    public static boolean catchRealTime(int number, String name, Handler handler) throws NativeException {
        if (number < RT_MIN || number > RT_MAX) {
            throw new IllegalArgumentException(number + " is not a real-time signal (" + RT_MIN + "-" + RT_MAX + ")");
        }
        if (REAL_TIME_UNAVAILABILITY_CAUSE == null) {
            try {
                // any named signal will do as the carrier: it is renumbered before the JVM hears of it
                sun.misc.Signal signal = new sun.misc.Signal("USR2");
                Object internal = INNER.get(signal);
                NUMBER.setInt(internal, number);
                NAME.set(internal, name.startsWith("SIG") ? name.substring(3) : name);
                sun.misc.Signal.handle(signal, s -> handler.handle(number, name));
                return true;
            } catch (ReflectiveOperationException | RuntimeException e) {
                // fall through: ignored at least
            }
        }
        ignore(number);
        return false;
    }

    /** Sets signal NUMBER to SIG_IGN: it no longer ends the process, and nothing hears of it. */
    public static void ignore(int number) throws NativeException {
        HostOs.ensureAvailable();
        MemorySegment capture = Native.capture();
        MemorySegment previous;
        try {
            previous = (MemorySegment) SignalCall.SIGNAL.invokeExact(capture, number, MemorySegment.ofAddress(1));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (previous.address() == -1L) { // SIG_ERR
            throw NativeException.of("signal", Native.errno(capture), "signal " + number);
        }
    }

    /** The libc bindings, made only when a signal has to be ignored or un-ignored. */
    @SuppressWarnings("restricted") // native access is enabled with --enable-native-access (see HostOs)
    private static final class SignalCall {
        // sighandler_t signal(int signum, sighandler_t handler)
        static final MethodHandle SIGNAL = Native.LINKER.downcallHandle(
                Native.LIBC.find("signal").orElseThrow(() -> new UnsatisfiedLinkError("libc has no signal")),
                FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS),
                java.lang.foreign.Linker.Option.captureCallState("errno"));
        // int sigaction(int signum, const struct sigaction *act, struct sigaction *oldact)
        static final MethodHandle SIGACTION = Native.LINKER.downcallHandle(
                Native.LIBC.find("sigaction").orElseThrow(() -> new UnsatisfiedLinkError("libc has no sigaction")),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS),
                java.lang.foreign.Linker.Option.captureCallState("errno"));
    }

    @SuppressWarnings("restricted") // native access is enabled with --enable-native-access (see HostOs)
    private static int libcInt(String function, int otherwise) {
        if (!HostOs.isAvailable()) {
            return otherwise;
        }
        try {
            Optional<MemorySegment> symbol = Native.LIBC.find(function);
            if (symbol.isEmpty()) {
                return otherwise;
            }
            MethodHandle h = Native.LINKER.downcallHandle(symbol.get(), FunctionDescriptor.of(JAVA_INT));
            return (int) h.invokeExact();
        } catch (Throwable t) {
            return otherwise;
        }
    }
}
