import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A benchmark candidate for the proxy's TCP transport: a minimal TCP relay on an epoll loop of its own over FFM
 * (no Netty), to learn how many system calls and how much CPU a new connection per request costs when the loop makes
 * only the calls it needs. One thread; edge-triggered epoll, each socket added once (IN|OUT|RDHUP|ET) and never
 * modified, so a connection costs two epoll_ctl calls; data read into one loop-wide buffer and written straight on,
 * only what the other side cannot take is copied to a per-connection pending buffer (then that side is not read until
 * it drains: backpressure); a FIN is passed on with shutdown(SHUT_WR); both FINs close both sockets.
 * Not a product: no timeouts, no PROXY protocol, no accounting. Usage: FfmRelay PORT BACKEND_PORT...
 * (127.0.0.1). Property relay.critical=false makes the socket calls non-critical downcalls.
 */
@SuppressWarnings("restricted")
public final class FfmRelay {
    static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    static final boolean CRITICAL = !"false".equals(System.getProperty("relay.critical"));

    static final MethodHandle EPOLL_CREATE1 = call("epoll_create1", false, FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle EPOLL_CTL = call("epoll_ctl", CRITICAL,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle EPOLL_WAIT = call("epoll_wait", false,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    static final MethodHandle SOCKET = call("socket", CRITICAL, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle BIND = call("bind", false, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle LISTEN = call("listen", false, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle ACCEPT4 = call("accept4", CRITICAL,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle CONNECT = call("connect", CRITICAL, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle SETSOCKOPT = call("setsockopt", CRITICAL,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle GETSOCKOPT = call("getsockopt", CRITICAL,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle READ = call("read", CRITICAL, FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle WRITE = call("write", CRITICAL, FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle SHUTDOWN = call("shutdown", CRITICAL, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle CLOSE = call("close", CRITICAL, FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    static final int AF_INET = 2, SOCK_STREAM = 1, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_ERROR = 4, SO_LINGER = 13;
    static final int IPPROTO_TCP = 6, TCP_NODELAY = 1;
    static final int EPOLLIN = 1, EPOLLOUT = 4, EPOLLERR = 8, EPOLLHUP = 0x10, EPOLLRDHUP = 0x2000;
    static final int EPOLLET = 1 << 31;
    static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_MOD = 3;
    static final int EAGAIN = 11, EINTR = 4, EINPROGRESS = 115, EMFILE = 24, ENFILE = 23;
    static final int SHUT_WR = 1;
    static final int EVENT_SIZE = 12; // struct epoll_event is packed on x86-64: u32 events, u64 data
    static final int MAX_EVENTS = 256;
    static final int BUFFER = 64 * 1024;
    static final ValueLayout.OfInt INT_UNALIGNED = JAVA_INT.withByteAlignment(1);
    static final ValueLayout.OfLong LONG_UNALIGNED = JAVA_LONG.withByteAlignment(1);

    static MethodHandle call(String name, boolean critical, FunctionDescriptor d) {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow();
        return critical
                ? LINKER.downcallHandle(symbol, d, Linker.Option.captureCallState("errno"), Linker.Option.critical(false))
                : LINKER.downcallHandle(symbol, d, Linker.Option.captureCallState("errno"));
    }

    /** One proxied connection: the client's socket, the real server's, and what waits for each. */
    static final class Conn {
        final int client;
        final int server;
        boolean connected;
        boolean clientReadable, serverReadable;   // an edge came and the socket was not read dry since
        boolean clientRdhup, serverRdhup;         // the peer's FIN has arrived (the last read dry means EOF)
        boolean clientEof, serverEof;             // read to the end and passed on
        boolean clientWritable = true, serverWritable = true;
        boolean clientWriteShut, serverWriteShut;  // a FIN passed on to that side (or about to be, with a close)
        MemorySegment toServer, toClient;         // pending bytes the other side could not take yet
        long toServerOffset, toServerLength, toClientOffset, toClientLength;

        Conn(int client, int server) {
            this.client = client;
            this.server = server;
        }
    }

    final MemorySegment cs = Arena.global().allocate(CAPTURE_LAYOUT);
    final MemorySegment buffer = Arena.global().allocate(BUFFER, 64);
    final MemorySegment events = Arena.global().allocate((long) EVENT_SIZE * MAX_EVENTS, 8);
    final MemorySegment event = Arena.global().allocate(EVENT_SIZE, 8);
    final MemorySegment one = Arena.global().allocate(JAVA_INT);
    final MemorySegment[] backends;
    final int epfd;
    final int listener;
    Conn[] byFd = new Conn[65536];
    int next;
    long acceptPausedUntil;

    FfmRelay(int port, int[] backendPorts) throws Throwable {
        backends = new MemorySegment[backendPorts.length];
        for (int i = 0; i < backendPorts.length; i++) {
            backends[i] = sockaddr(backendPorts[i]);
        }
        epfd = (int) EPOLL_CREATE1.invokeExact(cs, 0x80000);
        listener = (int) SOCKET.invokeExact(cs, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        one.set(JAVA_INT, 0, 1);
        check((int) SETSOCKOPT.invokeExact(cs, listener, SOL_SOCKET, SO_REUSEADDR, one, 4), "SO_REUSEADDR");
        // accepted sockets inherit TCP_NODELAY from the listener
        check((int) SETSOCKOPT.invokeExact(cs, listener, IPPROTO_TCP, TCP_NODELAY, one, 4), "TCP_NODELAY");
        MemorySegment address = sockaddr(port);
        check((int) BIND.invokeExact(cs, listener, address, 16), "bind");
        check((int) LISTEN.invokeExact(cs, listener, 4096), "listen");
        control(EPOLL_CTL_ADD, listener, EPOLLIN);
    }

    static MemorySegment sockaddr(int port) {
        MemorySegment a = Arena.global().allocate(16, 4);
        a.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        a.set(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
        a.set(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4, 0x7f000001);
        return a;
    }

    int errno() {
        return (int) ERRNO.get(cs, 0L);
    }

    void check(int rc, String what) {
        if (rc < 0) {
            throw new IllegalStateException(what + ": errno " + errno());
        }
    }

    void control(int op, int fd, int mask) throws Throwable {
        event.set(INT_UNALIGNED, 0, mask);
        event.set(LONG_UNALIGNED, 4, fd);
        check((int) EPOLL_CTL.invokeExact(cs, epfd, op, fd, event), "epoll_ctl");
    }

    void run() throws Throwable {
        System.out.println("ready");
        while (true) {
            int timeout = acceptPausedUntil == 0 ? -1 : 100;
            int n = (int) EPOLL_WAIT.invokeExact(cs, epfd, events, MAX_EVENTS, timeout);
            if (n < 0) {
                if (errno() == EINTR) {
                    continue;
                }
                throw new IllegalStateException("epoll_wait: errno " + errno());
            }
            if (acceptPausedUntil != 0 && System.nanoTime() >= acceptPausedUntil) {
                acceptPausedUntil = 0;
                control(EPOLL_CTL_MOD, listener, EPOLLIN);
            }
            for (int i = 0; i < n; i++) {
                long base = (long) i * EVENT_SIZE;
                int mask = events.get(INT_UNALIGNED, base);
                int fd = (int) events.get(LONG_UNALIGNED, base + 4);
                if (fd == listener) {
                    accept();
                } else {
                    Conn c = fd < byFd.length ? byFd[fd] : null;
                    if (c != null) {
                        ready(c, fd == c.client, mask);
                    }
                }
            }
        }
    }

    void accept() throws Throwable {
        for (int k = 0; k < 16; k++) {
            int fd = (int) ACCEPT4.invokeExact(cs, listener, MemorySegment.NULL, MemorySegment.NULL,
                    SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                int e = errno();
                if (e == EMFILE || e == ENFILE) {
                    // out of descriptors: stop accepting for a while rather than spin on the ready listener
                    control(EPOLL_CTL_MOD, listener, 0);
                    acceptPausedUntil = System.nanoTime() + 100_000_000L;
                }
                return;
            }
            int s = (int) SOCKET.invokeExact(cs, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (s < 0) {
                reset(fd);
                continue;
            }
            int ignored = (int) SETSOCKOPT.invokeExact(cs, s, IPPROTO_TCP, TCP_NODELAY, one, 4);
            MemorySegment to = backends[next++ % backends.length];
            int rc = (int) CONNECT.invokeExact(cs, s, to, 16);
            if (rc < 0 && errno() != EINPROGRESS) {
                closeFd(s);
                reset(fd);
                continue;
            }
            Conn c = new Conn(fd, s);
            c.connected = rc == 0;
            int high = Math.max(fd, s);
            if (high >= byFd.length) {
                byFd = java.util.Arrays.copyOf(byFd, Math.max(high + 1, byFd.length * 2));
            }
            byFd[fd] = c;
            byFd[s] = c;
            control(EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
            control(EPOLL_CTL_ADD, s, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
        }
    }

    void ready(Conn c, boolean client, int mask) throws Throwable {
        if (!client && !c.connected) {
            if ((mask & (EPOLLERR | EPOLLHUP)) != 0) {
                close(c, true); // refused or unreachable
                return;
            }
            if ((mask & EPOLLOUT) != 0) {
                c.connected = true;
            }
        }
        boolean readable = (mask & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
        boolean writable = (mask & EPOLLOUT) != 0;
        if (client) {
            c.clientReadable |= readable;
            c.clientRdhup |= (mask & (EPOLLRDHUP | EPOLLHUP)) != 0;
            c.clientWritable |= writable;
        } else {
            c.serverReadable |= readable;
            c.serverRdhup |= (mask & (EPOLLRDHUP | EPOLLHUP)) != 0;
            c.serverWritable |= writable;
        }
        if (c.connected) {
            pump(c);
        }
    }

    /** Moves what can move, both ways; passes FINs on; closes when both sides are done. */
    void pump(Conn c) throws Throwable {
        // client -> server
        if (c.toServerLength > 0 && c.serverWritable && !flushToServer(c)) {
            return;
        }
        while (c.toServerLength == 0 && c.clientReadable && !c.clientEof) {
            long n = (long) READ.invokeExact(cs, c.client, buffer, (long) BUFFER);
            if (n < 0) {
                int e = errno();
                if (e == EAGAIN) {
                    c.clientReadable = false;
                    break;
                }
                close(c, true);
                return;
            }
            if (n > 0) {
                long w = (long) WRITE.invokeExact(cs, c.server, buffer, n);
                if (w < n && !keep(c, true, w, n)) {
                    return;
                }
            }
            if (n < BUFFER) {
                c.clientReadable = false;
                if (n == 0 || c.clientRdhup) {
                    c.clientEof = true; // read dry after the FIN: the end
                }
            }
        }
        if (c.clientEof && c.toServerLength == 0 && !c.serverWriteShut) {
            c.serverWriteShut = true;
            if (!c.clientWriteShut) { // (both FINs passed: the close below sends this one)
                int ignored = (int) SHUTDOWN.invokeExact(cs, c.server, SHUT_WR);
            }
        }
        // server -> client
        if (c.toClientLength > 0 && c.clientWritable && !flushToClient(c)) {
            return;
        }
        while (c.toClientLength == 0 && c.serverReadable && !c.serverEof) {
            long n = (long) READ.invokeExact(cs, c.server, buffer, (long) BUFFER);
            if (n < 0) {
                int e = errno();
                if (e == EAGAIN) {
                    c.serverReadable = false;
                    break;
                }
                close(c, true);
                return;
            }
            if (n > 0) {
                long w = (long) WRITE.invokeExact(cs, c.client, buffer, n);
                if (w < n && !keep(c, false, w, n)) {
                    return;
                }
            }
            if (n < BUFFER) {
                c.serverReadable = false;
                if (n == 0 || c.serverRdhup) {
                    c.serverEof = true;
                }
            }
        }
        if (c.serverEof && c.toClientLength == 0 && !c.clientWriteShut) {
            c.clientWriteShut = true;
            if (!c.serverWriteShut) {
                int ignored = (int) SHUTDOWN.invokeExact(cs, c.client, SHUT_WR);
            }
        }
        if (c.clientWriteShut && c.serverWriteShut) {
            close(c, false);
        }
    }

    /** A short write: keeps the rest for when the socket drains; false when the connection broke. */
    boolean keep(Conn c, boolean toServer, long written, long n) throws Throwable {
        if (written < 0) {
            if (errno() != EAGAIN) {
                close(c, true);
                return false;
            }
            written = 0;
        }
        long rest = n - written;
        MemorySegment pending = Arena.ofAuto().allocate(BUFFER);
        MemorySegment.copy(buffer, written, pending, 0, rest);
        if (toServer) {
            c.toServer = pending;
            c.toServerOffset = 0;
            c.toServerLength = rest;
            c.serverWritable = false;
        } else {
            c.toClient = pending;
            c.toClientOffset = 0;
            c.toClientLength = rest;
            c.clientWritable = false;
        }
        return true;
    }

    boolean flushToServer(Conn c) throws Throwable {
        long w = (long) WRITE.invokeExact(cs, c.server, c.toServer.asSlice(c.toServerOffset), c.toServerLength);
        if (w < 0) {
            if (errno() == EAGAIN) {
                c.serverWritable = false;
                return false;
            }
            close(c, true);
            return false;
        }
        c.toServerOffset += w;
        c.toServerLength -= w;
        if (c.toServerLength > 0) {
            c.serverWritable = false;
            return false;
        }
        c.toServer = null;
        return true;
    }

    boolean flushToClient(Conn c) throws Throwable {
        long w = (long) WRITE.invokeExact(cs, c.client, c.toClient.asSlice(c.toClientOffset), c.toClientLength);
        if (w < 0) {
            if (errno() == EAGAIN) {
                c.clientWritable = false;
                return false;
            }
            close(c, true);
            return false;
        }
        c.toClientOffset += w;
        c.toClientLength -= w;
        if (c.toClientLength > 0) {
            c.clientWritable = false;
            return false;
        }
        c.toClient = null;
        return true;
    }

    void close(Conn c, boolean reset) throws Throwable {
        if (byFd[c.client] != c) {
            return;
        }
        byFd[c.client] = null;
        byFd[c.server] = null;
        if (reset) {
            reset(c.client);
        } else {
            closeFd(c.client);
        }
        closeFd(c.server);
    }

    void reset(int fd) throws Throwable {
        MemorySegment linger = Arena.ofAuto().allocate(8, 4);
        linger.set(JAVA_INT, 0, 1);
        int ignored = (int) SETSOCKOPT.invokeExact(cs, fd, SOL_SOCKET, SO_LINGER, linger, 8);
        closeFd(fd);
    }

    void closeFd(int fd) throws Throwable {
        int ignored = (int) CLOSE.invokeExact(cs, fd);
    }

    public static void main(String[] args) throws Throwable {
        int[] backends = new int[args.length - 1];
        for (int i = 1; i < args.length; i++) {
            backends[i - 1] = Integer.parseInt(args[i]);
        }
        new FfmRelay(Integer.parseInt(args[0]), backends).run();
    }
}
