package halo.check;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * TCP_CHECK's connects over FFM, with the system calls of the simplest C loop and no hand-over between threads: the
 * caller (the checkers' timer thread) makes the socket non-blocking in the same call that creates it, sets SO_LINGER 0
 * (closed with RST: no TIME_WAIT), starts the connect and adds the socket to this loop's epoll itself, so no queue and
 * no wakeup stand between a check falling due and its SYN; one thread collects the completed handshakes, many per
 * epoll_wait, reads SO_ERROR and closes the socket (which also takes it out of the epoll). Deadlines come to that
 * thread on a lock-free list; it is woken only when a new deadline is earlier than the one it sleeps until (under a
 * steady load, never). {@link ConnectLoop}, on java.nio's selector, is the fallback where FFM cannot be used.
 */
@SuppressWarnings("restricted") // native access is enabled with --enable-native-access (see halo.os.HostOs)
final class NativeConnectLoop implements AutoCloseable {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_ERROR = 4;
    private static final int SO_LINGER = 13;
    private static final int EPOLLIN = 0x1;
    private static final int EPOLLOUT = 0x4;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int POLLOUT = 0x4;
    private static final int EINTR = 4;
    private static final int EINPROGRESS = 115;
    private static final int ECONNREFUSED = 111;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    /** The epoll data of the wakeup eventfd (a socket's is its descriptor). */
    private static final long WAKEUP = -1L;
    private static final int MAX_EVENTS = 256;

    /** struct epoll_event: u32 events then u64 data, packed on x86-64 (12 bytes), padded elsewhere (16). */
    private static final boolean PACKED_EVENT = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));
    private static final int EVENT_SIZE = PACKED_EVENT ? 12 : 16;
    private static final int EVENT_DATA_OFFSET = PACKED_EVENT ? 4 : 8;
    private static final ValueLayout.OfInt INT_UNALIGNED = JAVA_INT.withByteAlignment(1);
    private static final ValueLayout.OfLong LONG_UNALIGNED = JAVA_LONG.withByteAlignment(1);
    private static final ValueLayout.OfShort SHORT_BIG = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private static final MethodHandle SOCKET;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle GETSOCKOPT;
    private static final MethodHandle BIND;
    private static final MethodHandle CONNECT;
    private static final MethodHandle CLOSE;
    private static final MethodHandle POLL;
    private static final MethodHandle READ;
    private static final MethodHandle WRITE;
    private static final MethodHandle EPOLL_CREATE1;
    private static final MethodHandle EPOLL_CTL;
    private static final MethodHandle EPOLL_WAIT;
    private static final MethodHandle EVENTFD;
    private static final Throwable UNAVAILABILITY;

    static {
        MethodHandle socket = null, setsockopt = null, getsockopt = null, bind = null, connect = null, close = null;
        MethodHandle poll = null, read = null, write = null, epollCreate = null, epollCtl = null, epollWait = null;
        MethodHandle eventfd = null;
        Throwable cause = null;
        try {
            if (!System.getProperty("os.name", "").equals("Linux")) {
                throw new UnsupportedOperationException("not Linux");
            }
            // the socket calls return at once on a non-blocking socket: critical downcalls (no thread-state change)
            socket = downcall("socket", true, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
            setsockopt = downcall("setsockopt", true,
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
            getsockopt = downcall("getsockopt", true,
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
            bind = downcall("bind", true, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
            connect = downcall("connect", true, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
            close = downcall("close", true, FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            poll = downcall("poll", true, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
            read = downcall("read", true, FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
            write = downcall("write", true, FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
            epollCreate = downcall("epoll_create1", false, FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            epollCtl = downcall("epoll_ctl", true, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
            // epoll_wait blocks: a plain downcall
            epollWait = downcall("epoll_wait", false, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
            eventfd = downcall("eventfd", true, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        } catch (Throwable t) {
            cause = t;
        }
        SOCKET = socket;
        SETSOCKOPT = setsockopt;
        GETSOCKOPT = getsockopt;
        BIND = bind;
        CONNECT = connect;
        CLOSE = close;
        POLL = poll;
        READ = read;
        WRITE = write;
        EPOLL_CREATE1 = epollCreate;
        EPOLL_CTL = epollCtl;
        EPOLL_WAIT = epollWait;
        EVENTFD = eventfd;
        UNAVAILABILITY = cause;
    }

    private static MethodHandle downcall(String name, boolean critical, FunctionDescriptor descriptor) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        Linker.Option errno = Linker.Option.captureCallState("errno");
        return critical ? LINKER.downcallHandle(symbol, descriptor, errno, Linker.Option.critical(false))
                : LINKER.downcallHandle(symbol, descriptor, errno);
    }

    /** One connect in flight: its socket, whom to tell, when it times out. */
    private static final class Attempt implements Comparable<Attempt> {
        final int fd;
        final CompletableFuture<ConnectLoop.Outcome> result;
        final long deadline;
        /** The next on the list of new attempts ({@link #incoming}). */
        Attempt next;
        /** Completed (on the loop thread, which alone reads it). */
        boolean done;

        Attempt(int fd, CompletableFuture<ConnectLoop.Outcome> result, long deadline) {
            this.fd = fd;
            this.result = result;
            this.deadline = deadline;
        }

        @Override
        public int compareTo(Attempt o) {
            return Long.compare(deadline, o.deadline);
        }
    }

    private static volatile NativeConnectLoop shared;
    private static Throwable startFailure;

    /** Whether FFM and epoll can be used here (else TCP_CHECK runs on {@link ConnectLoop}). */
    static boolean isAvailable() {
        return UNAVAILABILITY == null && shared() != null;
    }

    /** The process-wide loop, started on first use; null when it cannot start. */
    static NativeConnectLoop shared() {
        NativeConnectLoop s = shared;
        if (s != null || UNAVAILABILITY != null) {
            return s;
        }
        synchronized (NativeConnectLoop.class) {
            if (shared == null && startFailure == null) {
                try {
                    shared = new NativeConnectLoop();
                } catch (RuntimeException e) {
                    startFailure = e;
                }
            }
            return shared;
        }
    }

    private final int epollFd;
    private final int wakeupFd;
    private final Thread thread;
    private volatile boolean closed;
    /** New attempts, newest first, pushed by the connecting threads and taken all at once by the loop. */
    private final AtomicReference<Attempt> incoming = new AtomicReference<>();
    /** The deadline the loop sleeps until; Long.MIN_VALUE while it is awake (no wakeup needed). */
    private volatile long sleepingUntil = Long.MIN_VALUE;
    /**
     * The shortest connect timeout asked for so far: with no deadline pending the loop sleeps that long, so a connect
     * started during its sleep times out no earlier than it wakes, and needs no wakeup (most completions come as
     * epoll events anyway; only a connect that never completes needs its deadline).
     */
    private volatile long shortestTimeoutNanos = Long.MAX_VALUE;
    /** Per descriptor, its attempt while the connect is pending (chunks of 4096, made as descriptors grow). */
    private volatile AtomicReferenceArray<Attempt>[] pending;
    private final Object growLock = new Object();

    // the connecting side's buffers (connect() is synchronized)
    private final MemorySegment callerCapture;
    private final MemorySegment callerAddress;
    private final MemorySegment linger;
    private final MemorySegment one;
    private final MemorySegment callerEvent;

    @SuppressWarnings("unchecked")
    private NativeConnectLoop() {
        Arena arena = Arena.ofShared();
        callerCapture = arena.allocate(CAPTURE_LAYOUT);
        callerAddress = arena.allocate(28, 8);
        linger = arena.allocate(8, 4);
        linger.set(JAVA_INT, 0, 1);
        linger.set(JAVA_INT, 4, 0);
        one = arena.allocate(4, 4);
        one.set(JAVA_INT, 0, 1);
        callerEvent = arena.allocate(16, 8);
        pending = new AtomicReferenceArray[16];
        try {
            epollFd = (int) EPOLL_CREATE1.invokeExact(callerCapture, 0x80000 /* EPOLL_CLOEXEC */);
            if (epollFd < 0) {
                throw new IllegalStateException("epoll_create1: errno " + errno(callerCapture));
            }
            wakeupFd = (int) EVENTFD.invokeExact(callerCapture, 0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (wakeupFd < 0) {
                int ignored = (int) CLOSE.invokeExact(callerCapture, epollFd);
                throw new IllegalStateException("eventfd: errno " + errno(callerCapture));
            }
            if (addToEpoll(wakeupFd, EPOLLIN, WAKEUP) < 0) {
                throw new IllegalStateException("epoll_ctl: errno " + errno(callerCapture));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        thread = Thread.ofPlatform().daemon().name("halo-check-connect").start(this::loop);
    }

    /**
     * Starts a connect to DESTINATION (from BIND when not null) on the calling thread; the outcome completes on the
     * loop's thread, or here at once when the connect cannot start.
     */
    synchronized CompletableFuture<ConnectLoop.Outcome> connect(InetSocketAddress destination, InetSocketAddress bind,
                                                                long timeoutNanos) {
        CompletableFuture<ConnectLoop.Outcome> result = new CompletableFuture<>();
        if (closed) {
            result.complete(ConnectLoop.Outcome.ERROR);
            return result;
        }
        int fd = -1;
        try {
            int family = destination.getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET;
            fd = (int) SOCKET.invokeExact(callerCapture, family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                result.complete(ConnectLoop.Outcome.ERROR);
                return result;
            }
            int rc = (int) SETSOCKOPT.invokeExact(callerCapture, fd, SOL_SOCKET, SO_LINGER, linger, 8);
            if (bind != null) {
                rc = (int) SETSOCKOPT.invokeExact(callerCapture, fd, SOL_SOCKET, SO_REUSEADDR, one, 4);
                int length = encode(bind, callerAddress);
                if ((int) BIND.invokeExact(callerCapture, fd, callerAddress, length) < 0) {
                    return fail(fd, result, ConnectLoop.Outcome.ERROR);
                }
            }
            int length = encode(destination, callerAddress);
            rc = (int) CONNECT.invokeExact(callerCapture, fd, callerAddress, length);
            if (rc == 0) {
                return fail(fd, result, ConnectLoop.Outcome.CONNECTED);
            }
            int errno = errno(callerCapture);
            if (errno != EINPROGRESS) {
                return fail(fd, result, errno == ECONNREFUSED ? ConnectLoop.Outcome.REFUSED : ConnectLoop.Outcome.ERROR);
            }
            if (timeoutNanos < shortestTimeoutNanos) {
                shortestTimeoutNanos = timeoutNanos;
            }
            Attempt a = new Attempt(fd, result, System.nanoTime() + timeoutNanos);
            slots(fd).set(fd & 4095, a);
            if (addToEpoll(fd, EPOLLOUT, fd) < 0) {
                slots(fd).set(fd & 4095, null);
                return fail(fd, result, ConnectLoop.Outcome.ERROR);
            }
            Attempt head;
            do {
                head = incoming.get();
                a.next = head;
            } while (!incoming.compareAndSet(head, a));
            if (a.deadline < sleepingUntil) {
                wakeUp();
            }
            return result;
        } catch (RuntimeException | Error e) {
            if (fd >= 0) {
                closeQuietly(callerCapture, fd);
            }
            result.complete(ConnectLoop.Outcome.ERROR);
            return result;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private CompletableFuture<ConnectLoop.Outcome> fail(int fd, CompletableFuture<ConnectLoop.Outcome> result,
                                                        ConnectLoop.Outcome outcome) {
        closeQuietly(callerCapture, fd);
        result.complete(outcome);
        return result;
    }

    private int addToEpoll(int fd, int events, long data) throws Throwable {
        callerEvent.set(INT_UNALIGNED, 0, events);
        callerEvent.set(LONG_UNALIGNED, EVENT_DATA_OFFSET, data);
        return (int) EPOLL_CTL.invokeExact(callerCapture, epollFd, EPOLL_CTL_ADD, fd, callerEvent);
    }

    /** The chunk of {@link #pending} that holds descriptor FD, made when it does not exist yet. */
    @SuppressWarnings("unchecked")
    private AtomicReferenceArray<Attempt> slots(int fd) {
        int chunk = fd >>> 12;
        AtomicReferenceArray<Attempt>[] chunks = pending;
        if (chunk < chunks.length && chunks[chunk] != null) {
            return chunks[chunk];
        }
        synchronized (growLock) {
            chunks = pending;
            if (chunk >= chunks.length) {
                chunks = java.util.Arrays.copyOf(chunks, Math.max(chunk + 1, chunks.length * 2));
            } else {
                chunks = chunks.clone();
            }
            if (chunks[chunk] == null) {
                chunks[chunk] = new AtomicReferenceArray<>(4096);
            }
            pending = chunks;
            return chunks[chunk];
        }
    }

    private void wakeUp() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment value = arena.allocate(JAVA_LONG);
            value.set(JAVA_LONG, 0, 1L);
            long ignored = (long) WRITE.invokeExact(capture, wakeupFd, value, 8L);
        } catch (Throwable t) {
            // the loop wakes at its next deadline anyway
        }
    }

    private void loop() {
        Arena arena = Arena.ofConfined();
        MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
        MemorySegment events = arena.allocate((long) EVENT_SIZE * MAX_EVENTS, 8);
        MemorySegment error = arena.allocate(4, 4);
        MemorySegment length = arena.allocate(4, 4);
        MemorySegment pollFd = arena.allocate(8, 4);
        MemorySegment drain = arena.allocate(8, 8);
        PriorityQueue<Attempt> deadlines = new PriorityQueue<>();
        try {
            while (!closed) {
                takeIncoming(deadlines);
                long timeoutMillis = -1;
                Attempt first = deadlines.peek();
                if (first != null) {
                    sleepingUntil = first.deadline;
                    timeoutMillis = Math.max(0, (first.deadline - System.nanoTime() + 999_999) / 1_000_000);
                } else if (shortestTimeoutNanos != Long.MAX_VALUE) {
                    sleepingUntil = System.nanoTime() + shortestTimeoutNanos;
                    timeoutMillis = shortestTimeoutNanos / 1_000_000;
                } else {
                    sleepingUntil = Long.MAX_VALUE;
                }
                // an attempt pushed before sleepingUntil was set did not wake us: take it first
                if (incoming.get() != null) {
                    sleepingUntil = Long.MIN_VALUE;
                    continue;
                }
                int n = (int) EPOLL_WAIT.invokeExact(capture, epollFd, events, MAX_EVENTS,
                        (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
                sleepingUntil = Long.MIN_VALUE;
                if (n < 0 && errno(capture) != EINTR) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    long data = events.get(LONG_UNALIGNED, (long) i * EVENT_SIZE + EVENT_DATA_OFFSET);
                    if (data == WAKEUP) {
                        long ignored = (long) READ.invokeExact(capture, wakeupFd, drain, 8L);
                        continue;
                    }
                    int fd = (int) data;
                    Attempt a = slots(fd).getAndSet(fd & 4095, null);
                    if (a == null) {
                        continue;
                    }
                    a.done = true;
                    ConnectLoop.Outcome outcome = outcome(capture, fd, error, length);
                    closeQuietly(capture, fd);
                    a.result.complete(outcome);
                }
                long now = System.nanoTime();
                takeIncoming(deadlines);
                while ((first = deadlines.peek()) != null && (first.done || first.deadline <= now)) {
                    deadlines.poll();
                    if (!first.done) {
                        expire(capture, first, error, length, pollFd);
                    }
                }
            }
        } catch (Throwable t) {
            // closed, or a failure no connect can get past: what is pending fails below
        } finally {
            closed = true;
            takeIncoming(deadlines);
            for (Attempt a : deadlines) {
                if (!a.done && slots(a.fd).compareAndSet(a.fd & 4095, a, null)) {
                    closeQuietly(capture, a.fd);
                    a.result.complete(ConnectLoop.Outcome.ERROR);
                }
            }
            closeQuietly(capture, wakeupFd);
            closeQuietly(capture, epollFd);
            arena.close();
        }
    }

    private void takeIncoming(PriorityQueue<Attempt> deadlines) {
        Attempt a = incoming.getAndSet(null);
        while (a != null) {
            Attempt next = a.next;
            a.next = null;
            deadlines.add(a);
            a = next;
        }
    }

    /**
     * The deadline passed without an event for the socket. When the loop is late (a starved host) the connect may
     * have completed in time all the same: ask the socket before calling it a timeout.
     */
    private void expire(MemorySegment capture, Attempt a, MemorySegment error, MemorySegment length,
                        MemorySegment pollFd) throws Throwable {
        if (!slots(a.fd).compareAndSet(a.fd & 4095, a, null)) {
            return;
        }
        a.done = true;
        pollFd.set(JAVA_INT, 0, a.fd);
        pollFd.set(JAVA_SHORT, 4, (short) POLLOUT); // struct pollfd: events
        pollFd.set(JAVA_SHORT, 6, (short) 0); // revents
        int ready = (int) POLL.invokeExact(capture, pollFd, 1L, 0);
        ConnectLoop.Outcome outcome = ready > 0 ? outcome(capture, a.fd, error, length) : ConnectLoop.Outcome.TIMEOUT;
        closeQuietly(capture, a.fd);
        a.result.complete(outcome);
    }

    /** What SO_ERROR says of a socket whose connect finished. */
    private static ConnectLoop.Outcome outcome(MemorySegment capture, int fd, MemorySegment error, MemorySegment length)
            throws Throwable {
        length.set(JAVA_INT, 0, 4);
        if ((int) GETSOCKOPT.invokeExact(capture, fd, SOL_SOCKET, SO_ERROR, error, length) < 0) {
            return ConnectLoop.Outcome.ERROR;
        }
        int e = error.get(JAVA_INT, 0);
        return e == 0 ? ConnectLoop.Outcome.CONNECTED
                : e == ECONNREFUSED ? ConnectLoop.Outcome.REFUSED : ConnectLoop.Outcome.ERROR;
    }

    private static void closeQuietly(MemorySegment capture, int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(capture, fd);
        } catch (Throwable t) {
            // nothing left to do
        }
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** Writes A as a sockaddr_in or sockaddr_in6 into TO; returns its length. */
    private static int encode(InetSocketAddress a, MemorySegment to) {
        to.fill((byte) 0);
        InetAddress ip = a.getAddress();
        if (ip instanceof Inet4Address) {
            to.set(JAVA_SHORT, 0, (short) AF_INET);
            to.set(SHORT_BIG, 2, (short) a.getPort());
            MemorySegment.copy(ip.getAddress(), 0, to, JAVA_BYTE, 4, 4);
            return 16;
        }
        Inet6Address v6 = (Inet6Address) ip;
        to.set(JAVA_SHORT, 0, (short) AF_INET6);
        to.set(SHORT_BIG, 2, (short) a.getPort());
        MemorySegment.copy(v6.getAddress(), 0, to, JAVA_BYTE, 8, 16);
        to.set(JAVA_INT, 24, v6.getScopeId());
        return 28;
    }

    @Override
    public void close() {
        closed = true;
        wakeUp();
    }
}
