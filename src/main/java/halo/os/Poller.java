package halo.os;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Waits on many non-blocking sockets at once with a nanosecond timeout (ppoll(2)), so one protocol thread can
 * serve every VRRP socket, the netlink monitor and its timers. {@link #wakeup()} (any thread) ends a wait early
 * through an eventfd. Not thread-safe apart from {@code wakeup}; allocates nothing per poll.
 */
public final class Poller implements AutoCloseable {
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;

    private final Arena arena = Arena.ofShared();
    private final int capacity;
    private final MemorySegment pollfds;
    private final MemorySegment timeout;
    private final MemorySegment counter;
    private final MemorySegment wakeCounter;
    private final Pollable[] registered;
    private final int eventFd;
    private int count;
    private boolean woken;

    /** A poller for at most CAPACITY sockets (plus its own wakeup descriptor). */
    public Poller(int capacity) throws NativeException {
        HostOs.ensureAvailable();
        this.capacity = capacity;
        pollfds = arena.allocate(Layouts.POLLFD.byteSize() * (capacity + 1), 8);
        timeout = arena.allocate(Layouts.TIMESPEC);
        counter = arena.allocate(JAVA_LONG);
        wakeCounter = arena.allocate(JAVA_LONG);
        wakeCounter.set(JAVA_LONG, 0, 1);
        registered = new Pollable[capacity];
        MemorySegment cs = Native.capture();
        int fd;
        try {
            fd = (int) Native.EVENTFD.invokeExact(cs, 0, EFD_NONBLOCK | EFD_CLOEXEC);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (fd < 0) {
            arena.close();
            throw NativeException.of("eventfd", Native.errno(cs), "for the poller");
        }
        eventFd = fd;
        pollfds.set(JAVA_INT, 0, eventFd);
        pollfds.set(JAVA_SHORT, 4, POLLIN);
    }

    public void register(Pollable p) {
        if (count == capacity) {
            throw new IllegalStateException("poller is full (" + capacity + " sockets)");
        }
        registered[count] = p;
        long at = (count + 1) * Layouts.POLLFD.byteSize();
        pollfds.set(JAVA_INT, at, p.fd());
        pollfds.set(JAVA_SHORT, at + 4, POLLIN);
        pollfds.set(JAVA_SHORT, at + 6, (short) 0);
        count++;
    }

    public void unregister(Pollable p) {
        for (int i = 0; i < count; i++) {
            if (registered[i] == p) {
                int last = count - 1;
                registered[i] = registered[last];
                registered[last] = null;
                long at = (i + 1) * Layouts.POLLFD.byteSize();
                long from = (last + 1) * Layouts.POLLFD.byteSize();
                MemorySegment.copy(pollfds, from, pollfds, at, Layouts.POLLFD.byteSize());
                count = last;
                return;
            }
        }
    }

    /**
     * Waits until a registered socket is readable, {@link #wakeup()} is called, or TIMEOUT_NANOS pass (negative:
     * no limit). Returns the number of readable sockets (0 on timeout, wakeup or signal).
     */
    public int poll(long timeoutNanos) throws NativeException {
        for (int i = 0; i <= count; i++) {
            pollfds.set(JAVA_SHORT, i * Layouts.POLLFD.byteSize() + 6, (short) 0);
        }
        MemorySegment t = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            timeout.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            timeout.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            t = timeout;
        }
        MemorySegment cs = Native.capture();
        int n = ppoll(cs, t);
        if (n < 0) {
            int errno = Native.errno(cs);
            if (errno == Errno.EINTR.number()) {
                return 0;
            }
            throw NativeException.of("ppoll", errno, "on " + count + " sockets");
        }
        woken = false;
        if (pollfds.get(JAVA_SHORT, 6) != 0) {
            woken = true;
            n--;
            try {
                long ignored = (long) Native.READ.invokeExact(cs, eventFd, counter, 8L);
            } catch (Throwable e) {
                throw Native.unexpected(e);
            }
        }
        return n;
    }

    /** Kept small so that the JIT inlines it whole and can drop the downcall's temporary object. */
    private int ppoll(MemorySegment cs, MemorySegment t) {
        try {
            return (int) Native.PPOLL.invokeExact(cs, pollfds, (long) (count + 1), t, MemorySegment.NULL);
        } catch (Throwable e) {
            throw Native.unexpected(e);
        }
    }

    /** Whether the last poll found P readable (or in error: a read then reports the error). */
    public boolean isReady(Pollable p) {
        for (int i = 0; i < count; i++) {
            if (registered[i] == p) {
                return pollfds.get(JAVA_SHORT, (i + 1) * Layouts.POLLFD.byteSize() + 6) != 0;
            }
        }
        return false;
    }

    /** The number of registered sockets. */
    public int size() {
        return count;
    }

    /** The I-th registered socket (0 <= I < size()), to walk with {@link #isReady}. */
    public Pollable get(int i) {
        return registered[i];
    }

    /** Whether the last poll was ended by {@link #wakeup()}. */
    public boolean wasWoken() {
        return woken;
    }

    /** Ends the current (or next) poll at once; safe from any thread. */
    public void wakeup() {
        try {
            long ignored = (long) Native.WRITE.invokeExact(Native.capture(), eventFd, wakeCounter, 8L);
        } catch (Throwable e) {
            throw Native.unexpected(e);
        }
    }

    @Override
    public void close() {
        Native.close(eventFd);
        arena.close();
    }
}
