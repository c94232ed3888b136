package halo.lvs.proxy;

import static halo.lvs.proxy.NativeTcp.EPOLL_CTL;
import static halo.lvs.proxy.NativeTcp.EPOLL_WAIT;
import static halo.lvs.proxy.NativeTcp.EVENT_DATA_OFFSET;
import static halo.lvs.proxy.NativeTcp.EVENT_SIZE;
import static halo.lvs.proxy.NativeTcp.INT_UNALIGNED;
import static halo.lvs.proxy.NativeTcp.LONG_UNALIGNED;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.logging.Level;

/**
 * One event loop's poller (the EPOLL transport): an epoll instance of Halo's own over FFM holding the loop's TCP
 * listeners and connection sockets, plugged into Netty's event loop as its {@link IoHandler}. Netty's loop keeps
 * the thread, the task queue and the timers; each turn it calls {@link #run}, which blocks in epoll_wait until a
 * socket is ready, the next timer is due (the timeout comes from Netty's timer queue) or another thread submits a
 * task ({@link #wakeup}, an eventfd in the same epoll), and then has each ready socket's owner handle it, on the
 * loop's thread. So one epoll_wait per wake-up, nothing nested (the loop was a descriptor inside Netty's own epoll
 * before: two epoll calls per wake-up), and everything about a service still runs on one thread. Netty's channels
 * do not run here (UDP services have loops of Netty's epoll transport: {@link ProxyEngine}).
 *
 * <p>Owns the buffer every read goes into (a write sends from it straight on; only what the other side cannot take
 * yet is copied to a pending buffer, taken from a small pool).
 */
final class NativeTcpLoop implements IoHandler {
    /** Something with a socket in this loop's epoll: told what the socket is ready for. */
    interface Owner {
        void ready(int fd, int events);
    }

    static final int READ_BUFFER = 64 * 1024;
    private static final int MAX_EVENTS = 256;
    /** Pending buffers kept for reuse; more are allocated (and left to the garbage collector) under pressure. */
    private static final int POOLED_BUFFERS = 16;
    /** The epoll data of the wake-up eventfd's events (a socket's data holds a token above 0 in its upper half). */
    private static final long WAKE_UP_DATA = -1L;

    final ThreadAwareExecutor executor;
    final MemorySegment capture;
    final MemorySegment readBuffer;
    /** A sockaddr and its length, for accept4, connect and getsockname (one call at a time on this thread). */
    final MemorySegment address;
    final MemorySegment addressLength;
    final MemorySegment intValue;
    final MemorySegment linger;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events;
    private final MemorySegment event;
    private final MemorySegment counter;
    private final int epollFd;
    private final int wakeUpFd;
    private final ArrayDeque<MemorySegment> pool = new ArrayDeque<>();
    private Owner[] owners = new Owner[1024];
    /** Per descriptor, the token of its registration, also in its epoll events' data: an event that was already
     *  collected for a closed descriptor whose number a new socket got since is told apart and dropped. */
    private int[] tokens = new int[1024];
    private int nextToken;
    /**
     * False only while the loop is about to block or blocked in epoll_wait: then a task from another thread must
     * write the eventfd. Set false before the loop last checks for tasks (Netty's canBlock), so a task that comes
     * after that check finds it false and wakes the loop; otherwise a submission costs no system call.
     */
    private final AtomicBoolean awake = new AtomicBoolean(true);
    /** Turns that could block in epoll_wait, and wake-ups by the eventfd: written by the loop only, read by tests. */
    private volatile long blocked;
    private volatile long wokenByTask;
    private volatile boolean closed;

    private NativeTcpLoop(ThreadAwareExecutor executor, int epollFd, int wakeUpFd) {
        this.executor = executor;
        this.epollFd = epollFd;
        this.wakeUpFd = wakeUpFd;
        capture = NativeTcp.newCapture(arena);
        readBuffer = arena.allocate(READ_BUFFER, 64);
        address = arena.allocate(NativeTcp.SOCKADDR_SIZE, 8);
        addressLength = arena.allocate(4, 4);
        intValue = arena.allocate(4, 4);
        linger = arena.allocate(8, 4);
        events = arena.allocate((long) EVENT_SIZE * MAX_EVENTS, 8);
        event = arena.allocate(16, 8);
        counter = arena.allocate(8, 8);
    }

    /**
     * Netty's event loops with this poller; MADE is told of each loop's (on the thread that makes the group), so that
     * services find their loop's.
     */
    static IoHandlerFactory factory(BiConsumer<ThreadAwareExecutor, NativeTcpLoop> made) {
        return executor -> {
            NativeTcpLoop loop;
            try {
                loop = open(executor);
            } catch (IOException e) {
                throw new IllegalStateException("proxy: cannot start the TCP loop: " + e.getMessage(), e);
            }
            made.accept(executor, loop);
            return loop;
        };
    }

    /** A new poller for the loop EXECUTOR: its epoll instance and its wake-up eventfd. */
    static NativeTcpLoop open(ThreadAwareExecutor executor) throws IOException {
        MemorySegment cs = NativeTcp.newCapture(Arena.ofAuto());
        int fd;
        int wake;
        try {
            fd = (int) NativeTcp.EPOLL_CREATE1.invokeExact(cs, NativeTcp.SOCK_CLOEXEC);
            if (fd < 0) {
                throw new IOException("epoll_create1: " + NativeTcp.describe(NativeTcp.errno(cs)));
            }
            wake = (int) NativeTcp.EVENTFD.invokeExact(cs, 0, NativeTcp.EFD_NONBLOCK | NativeTcp.EFD_CLOEXEC);
            if (wake < 0) {
                int errno = NativeTcp.errno(cs);
                int ignored = (int) NativeTcp.CLOSE.invokeExact(cs, fd);
                throw new IOException("eventfd: " + NativeTcp.describe(errno));
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        NativeTcpLoop loop = new NativeTcpLoop(executor, fd, wake);
        // level-triggered: it stays ready until the loop has read the count back to zero
        loop.event.set(INT_UNALIGNED, 0, NativeTcp.EPOLLIN);
        loop.event.set(LONG_UNALIGNED, EVENT_DATA_OFFSET, WAKE_UP_DATA);
        int rc;
        try {
            rc = (int) EPOLL_CTL.invokeExact(loop.capture, fd, NativeTcp.EPOLL_CTL_ADD, wake, loop.event);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        if (rc < 0) {
            int errno = loop.errno();
            loop.destroy();
            throw new IOException("epoll_ctl (eventfd): " + NativeTcp.describe(errno));
        }
        return loop;
    }

    /** Adds FD with the events of MASK, handled by OWNER; false (errno in capture) when epoll refuses it. */
    boolean add(int fd, int mask, Owner owner) {
        if (fd >= owners.length) {
            int size = Math.max(fd + 1, owners.length * 2);
            owners = Arrays.copyOf(owners, size);
            tokens = Arrays.copyOf(tokens, size);
        }
        owners[fd] = owner;
        tokens[fd] = ++nextToken;
        if (control(NativeTcp.EPOLL_CTL_ADD, fd, mask) < 0) {
            owners[fd] = null;
            return false;
        }
        return true;
    }

    /** Changes what FD is watched for (0: nothing, it stays registered); false when epoll refuses. */
    boolean modify(int fd, int mask) {
        return control(NativeTcp.EPOLL_CTL_MOD, fd, mask) >= 0;
    }

    /** FD is about to be closed (closing removes it from epoll): its events no longer reach its owner. */
    void forget(int fd) {
        if (fd >= 0 && fd < owners.length) {
            owners[fd] = null;
        }
    }

    private int control(int op, int fd, int mask) {
        event.set(INT_UNALIGNED, 0, mask);
        event.set(LONG_UNALIGNED, EVENT_DATA_OFFSET, ((long) tokens[fd] << 32) | fd);
        try {
            return (int) EPOLL_CTL.invokeExact(capture, epollFd, op, fd, event);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
    }

    /** Closes FD (ignoring the result: the descriptor is gone either way). */
    void close(int fd) {
        forget(fd);
        try {
            int ignored = (int) NativeTcp.CLOSE.invokeExact(capture, fd);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
    }

    /** Closes FD with a reset (SO_LINGER 0): its peer learns at once. */
    void reset(int fd) {
        linger.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 1);
        linger.set(java.lang.foreign.ValueLayout.JAVA_INT, 4, 0);
        try {
            int ignored = (int) NativeTcp.SETSOCKOPT.invokeExact(capture, fd, NativeTcp.SOL_SOCKET,
                    NativeTcp.SO_LINGER, linger, 8);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        close(fd);
    }

    /** Sets an int socket option; false (errno in capture) when it fails. */
    boolean option(int fd, int level, int name, int value) {
        intValue.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, value);
        try {
            return (int) NativeTcp.SETSOCKOPT.invokeExact(capture, fd, level, name, intValue, 4) >= 0;
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
    }

    /** A socket's pending error (SO_ERROR), e.g. why a connect failed. */
    int socketError(int fd) {
        intValue.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 0);
        addressLength.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 4);
        try {
            int rc = (int) NativeTcp.GETSOCKOPT.invokeExact(capture, fd, NativeTcp.SOL_SOCKET, NativeTcp.SO_ERROR,
                    intValue, addressLength);
            return rc < 0 ? errno() : intValue.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
    }

    int errno() {
        return NativeTcp.errno(capture);
    }

    /** A 64 KiB buffer for what a side cannot take yet. */
    MemorySegment takeBuffer() {
        MemorySegment b = pool.poll();
        return b != null ? b : Arena.ofAuto().allocate(READ_BUFFER, 64);
    }

    void giveBack(MemorySegment buffer) {
        if (pool.size() < POOLED_BUFFERS) {
            pool.push(buffer);
        }
    }

    /**
     * One turn of the loop: waits for sockets (at most until Netty's next timer; not at all when Netty has tasks),
     * then has each ready socket's owner handle it. Returns how many events it handled.
     */
    @Override
    public int run(IoHandlerContext context) {
        if (closed) {
            return 0;
        }
        awake.set(false);
        int timeout = context.canBlock() ? timeoutMillis(context.deadlineNanos(), context.delayNanos(System.nanoTime()))
                : 0;
        if (timeout != 0) {
            blocked++;
        }
        int n;
        try {
            n = (int) NativeTcp.EPOLL_WAIT_NO_ERRNO.invokeExact(epollFd, events, MAX_EVENTS, timeout);
            if (n < 0) {
                // once more, not waiting, to learn why (a signal: EINTR, nothing to say)
                n = (int) EPOLL_WAIT.invokeExact(capture, epollFd, events, MAX_EVENTS, 0);
            }
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        } finally {
            awake.set(true);
        }
        if (n < 0) {
            if (errno() != NativeTcp.EINTR) {
                ProxyEngine.LOG.warning("proxy: epoll_wait failed: " + NativeTcp.describe(errno()));
            }
            return 0;
        }
        // (more than MAX_EVENTS ready: the rest stay ready, the next turn takes them)
        for (int i = 0; i < n; i++) {
            long base = (long) i * EVENT_SIZE;
            int mask = events.get(INT_UNALIGNED, base);
            long data = events.get(LONG_UNALIGNED, base + EVENT_DATA_OFFSET);
            if (data == WAKE_UP_DATA) {
                drainWakeUp();
                continue;
            }
            int fd = (int) data;
            Owner owner = fd < owners.length ? owners[fd] : null;
            if (owner != null && tokens[fd] == (int) (data >>> 32)) {
                try {
                    owner.ready(fd, mask);
                } catch (RuntimeException e) {
                    ProxyEngine.LOG.log(Level.SEVERE, "proxy: handling a TCP socket failed", e);
                }
            }
        }
        return n;
    }

    /**
     * epoll_wait's timeout for a turn that may block: none (-1) without a timer, else the milliseconds until the
     * timer, rounded up (a timer fires at most a millisecond late, and a delay under a millisecond still blocks
     * rather than spinning); 0 when it is due.
     */
    static int timeoutMillis(long deadlineNanos, long delayNanos) {
        if (deadlineNanos == -1) {
            return -1;
        }
        if (delayNanos <= 0) {
            return 0;
        }
        long nanosPerMilli = TimeUnit.MILLISECONDS.toNanos(1);
        long millis = delayNanos / nanosPerMilli + (delayNanos % nanosPerMilli != 0 ? 1 : 0);
        return (int) Math.min(millis, Integer.MAX_VALUE);
    }

    /** Reads the eventfd's count back to zero (it is level-triggered). */
    private void drainWakeUp() {
        wokenByTask++;
        try {
            long ignored = (long) NativeTcp.READ.invokeExact(capture, wakeUpFd, counter, 8L);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
    }

    /** A task came from another thread: a blocked loop must wake up (one eventfd write, only when it sleeps). */
    @Override
    public void wakeup() {
        if (!executor.isExecutorThread(Thread.currentThread()) && !awake.getAndSet(true) && !closed) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment one = a.allocate(ValueLayout.JAVA_LONG);
                one.set(ValueLayout.JAVA_LONG, 0, 1L);
                long ignored = (long) NativeTcp.WRITE.invokeExact(NativeTcp.newCapture(a), wakeUpFd, one, 8L);
            } catch (Throwable t) {
                throw NativeTcp.unexpected(t);
            }
        }
    }

    /** How many turns blocked, and how many of those a task from another thread ended (tests read them). */
    long blockedTurns() {
        return blocked;
    }

    long wakeUpsByTasks() {
        return wokenByTask;
    }

    /** Nothing registers with this loop but Halo's own sockets ({@link #add}); Netty's channels go elsewhere. */
    @Override
    public IoRegistration register(IoHandle handle) {
        throw new IllegalArgumentException("the TCP loop takes no Netty channel: " + handle);
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return false;
    }

    /** The loop's thread stops: closes the epoll instance and the eventfd (the sockets were closed by their
     *  services). Idempotent. */
    @Override
    public void destroy() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int ignored = (int) NativeTcp.CLOSE.invokeExact(capture, epollFd);
            ignored = (int) NativeTcp.CLOSE.invokeExact(capture, wakeUpFd);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        arena.close();
    }
}
