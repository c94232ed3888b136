package halo.lvs.proxy;

import static halo.lvs.proxy.NativeTcp.EPOLL_CTL;
import static halo.lvs.proxy.NativeTcp.EPOLL_WAIT;
import static halo.lvs.proxy.NativeTcp.EVENT_DATA_OFFSET;
import static halo.lvs.proxy.NativeTcp.EVENT_SIZE;
import static halo.lvs.proxy.NativeTcp.INT_UNALIGNED;
import static halo.lvs.proxy.NativeTcp.LONG_UNALIGNED;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.logging.Level;

/**
 * The TCP side of one event loop: an epoll instance of Halo's own holding the loop's TCP listeners and connection
 * sockets, itself registered (level-triggered, readable) with the Netty event loop that runs the loop's UDP
 * services, tasks and timers. When it is readable, one epoll_wait with no timeout collects the ready sockets and
 * each one's owner handles it, on the loop's thread. So the TCP path makes only the system calls it needs (no
 * per-connection channel, pipeline or option calls), and everything about a service still runs on one thread.
 *
 * <p>Owns the buffer every read goes into (a write sends from it straight on; only what the other side cannot take
 * yet is copied to a pending buffer, taken from a small pool).
 */
final class NativeTcpLoop implements EpollIoHandle {
    /** Something with a socket in this loop's epoll: told what the socket is ready for. */
    interface Owner {
        void ready(int fd, int events);
    }

    static final int READ_BUFFER = 64 * 1024;
    private static final int MAX_EVENTS = 256;
    /** Pending buffers kept for reuse; more are allocated (and left to the garbage collector) under pressure. */
    private static final int POOLED_BUFFERS = 16;

    final IoEventLoop loop;
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
    private final int epollFd;
    private final FileDescriptor descriptor;
    private final ArrayDeque<MemorySegment> pool = new ArrayDeque<>();
    private Owner[] owners = new Owner[1024];
    /** Per descriptor, the token of its registration, also in its epoll events' data: an event that was already
     *  collected for a closed descriptor whose number a new socket got since is told apart and dropped. */
    private int[] tokens = new int[1024];
    private int nextToken;
    private IoRegistration registration;
    private boolean closed;

    private NativeTcpLoop(IoEventLoop loop, int epollFd) {
        this.loop = loop;
        this.epollFd = epollFd;
        this.descriptor = new FileDescriptor(epollFd);
        capture = NativeTcp.newCapture(arena);
        readBuffer = arena.allocate(READ_BUFFER, 64);
        address = arena.allocate(NativeTcp.SOCKADDR_SIZE, 8);
        addressLength = arena.allocate(4, 4);
        intValue = arena.allocate(4, 4);
        linger = arena.allocate(8, 4);
        events = arena.allocate((long) EVENT_SIZE * MAX_EVENTS, 8);
        event = arena.allocate(16, 8);
    }

    /** A new TCP loop on LOOP, registered with it; on LOOP's thread. */
    static NativeTcpLoop open(IoEventLoop loop) throws IOException {
        MemorySegment cs = NativeTcp.newCapture(Arena.ofAuto());
        int fd;
        try {
            fd = (int) NativeTcp.EPOLL_CREATE1.invokeExact(cs, NativeTcp.SOCK_CLOEXEC);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        if (fd < 0) {
            throw new IOException("epoll_create1: " + NativeTcp.describe(NativeTcp.errno(cs)));
        }
        NativeTcpLoop tcp = new NativeTcpLoop(loop, fd);
        io.netty.util.concurrent.Future<IoRegistration> registered = loop.register(tcp);
        if (!registered.awaitUninterruptibly(30_000) || !registered.isSuccess()) {
            tcp.close();
            throw new IOException("cannot add the TCP epoll to the event loop: " + registered.cause(),
                    registered.cause());
        }
        tcp.registration = registered.getNow();
        tcp.registration.submit(EpollIoOps.EPOLLIN);
        return tcp;
    }

    @Override
    public FileDescriptor fd() {
        return descriptor;
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

    @Override
    public void handle(IoRegistration registration, IoEvent ioEvent) {
        if (closed) {
            return;
        }
        int n;
        try {
            n = (int) EPOLL_WAIT.invokeExact(capture, epollFd, events, MAX_EVENTS, 0);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        if (n < 0) {
            if (errno() != NativeTcp.EINTR) {
                ProxyEngine.LOG.warning("proxy: epoll_wait failed: " + NativeTcp.describe(errno()));
            }
            return;
        }
        // (more than MAX_EVENTS ready: the rest stay ready, the event loop calls again at once)
        for (int i = 0; i < n; i++) {
            long base = (long) i * EVENT_SIZE;
            int mask = events.get(INT_UNALIGNED, base);
            long data = events.get(LONG_UNALIGNED, base + EVENT_DATA_OFFSET);
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
    }

    /** Closes the epoll instance (its sockets are closed by their services); on the loop. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (registration != null && registration.isValid()) {
            registration.cancel();
        }
        try {
            int ignored = (int) NativeTcp.CLOSE.invokeExact(capture, epollFd);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        arena.close();
    }
}
