package halo.lvs.proxy;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import halo.os.Errno;
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
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * The system calls of the proxy's TCP path, over FFM (x86-64 and arm64 Linux): epoll, accept4, socket, connect,
 * read, write, shutdown, close and the few socket options it needs. Each call captures errno in the same downcall.
 * The socket calls are "critical" downcalls (no thread-state transition): on non-blocking sockets they return at
 * once, which is what that option is for; epoll_wait, which may block, is not.
 */
@SuppressWarnings("restricted") // native access is enabled with --enable-native-access (see HostOs)
final class NativeTcp {
    private static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    static final MethodHandle EPOLL_CREATE1 = downcall("epoll_create1", false, FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle EPOLL_CTL = downcall("epoll_ctl", true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle EPOLL_WAIT = downcall("epoll_wait", false,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    /** epoll_wait without errno: the loop's every turn (see {@link #READ_NO_ERRNO}). */
    static final MethodHandle EPOLL_WAIT_NO_ERRNO = LINKER.downcallHandle(symbol("epoll_wait"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    static final MethodHandle EVENTFD = downcall("eventfd", false, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle SOCKET = downcall("socket", true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle BIND = downcall("bind", true, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle LISTEN = downcall("listen", true, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle ACCEPT4 = downcall("accept4", true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle CONNECT = downcall("connect", true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle SETSOCKOPT = downcall("setsockopt", true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle GETSOCKOPT = downcall("getsockopt", true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle GETSOCKNAME = downcall("getsockname", true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle READ = downcall("read", true, FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle WRITE = downcall("write", true,
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    /**
     * read and write without errno, for the relay's every call: a downcall that captures errno allocates a segment
     * per call unless the JIT removes it (C2 does, C1, the daemon's compiler, does not: ~160 bytes per proxied
     * request, a young collection every few thousand requests). A call that fails (-1) is made again through
     * {@link #READ} or {@link #WRITE}, which meets the same condition on a non-blocking socket and says which.
     */
    static final MethodHandle READ_NO_ERRNO = LINKER.downcallHandle(symbol("read"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), Linker.Option.critical(false));
    static final MethodHandle WRITE_NO_ERRNO = LINKER.downcallHandle(symbol("write"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), Linker.Option.critical(false));
    static final MethodHandle SHUTDOWN = downcall("shutdown", true, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle CLOSE = downcall("close", true, FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_ERROR = 4;
    static final int SO_LINGER = 13;
    static final int SOL_IP = 0;
    static final int SOL_IPV6 = 41;
    static final int IP_FREEBIND = 15;
    static final int IP_TRANSPARENT = 19;
    static final int IPV6_TRANSPARENT = 75;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;
    static final int SHUT_WR = 1;

    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    static final int EPOLLIN = 0x1;
    static final int EPOLLOUT = 0x4;
    static final int EPOLLERR = 0x8;
    static final int EPOLLHUP = 0x10;
    static final int EPOLLRDHUP = 0x2000;
    static final int EPOLLET = 1 << 31;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_MOD = 3;

    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int ENOBUFS = 105;
    static final int ENOMEM = 12;
    static final int EINPROGRESS = 115;

    /** struct epoll_event: u32 events then u64 data, packed on x86-64 (12 bytes), padded elsewhere (16). */
    static final boolean PACKED_EVENT = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));
    static final int EVENT_SIZE = PACKED_EVENT ? 12 : 16;
    static final int EVENT_DATA_OFFSET = PACKED_EVENT ? 4 : 8;
    static final ValueLayout.OfInt INT_UNALIGNED = JAVA_INT.withByteAlignment(1);
    static final ValueLayout.OfLong LONG_UNALIGNED = JAVA_LONG.withByteAlignment(1);
    private static final ValueLayout.OfShort SHORT_BIG = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    /** sockaddr_in6 is the larger of the two: 28 bytes. */
    static final int SOCKADDR_SIZE = 28;

    static {
        // loaded now, not on the first error: out of descriptors (EMFILE), a class file cannot be opened
        Errno.of(0);
    }

    private NativeTcp() {
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static MethodHandle downcall(String name, boolean critical, FunctionDescriptor descriptor) {
        MemorySegment symbol = symbol(name);
        Linker.Option errno = Linker.Option.captureCallState("errno");
        return critical ? LINKER.downcallHandle(symbol, descriptor, errno, Linker.Option.critical(false))
                : LINKER.downcallHandle(symbol, descriptor, errno);
    }

    static MemorySegment newCapture(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** "Connection refused" for 111; the number for one Halo does not name. */
    static String describe(int errno) {
        Errno e = Errno.of(errno);
        return e != null ? e.description() : "errno " + errno;
    }

    static RuntimeException unexpected(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }

    static int family(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    /** Writes A as a sockaddr_in or sockaddr_in6 into TO; returns its length. */
    static int encode(InetSocketAddress a, MemorySegment to) {
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
        return SOCKADDR_SIZE;
    }

    /** The address in a sockaddr_in or sockaddr_in6 (an IPv4-mapped IPv6 address comes back as IPv4). */
    static InetSocketAddress decode(MemorySegment from) {
        int family = from.get(JAVA_SHORT, 0);
        int port = Short.toUnsignedInt(from.get(SHORT_BIG, 2));
        try {
            if (family == AF_INET) {
                byte[] ip = new byte[4];
                MemorySegment.copy(from, JAVA_BYTE, 4, ip, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            }
            byte[] ip = new byte[16];
            MemorySegment.copy(from, JAVA_BYTE, 8, ip, 0, 16);
            int scope = from.get(JAVA_INT, 24);
            InetAddress address = InetAddress.getByAddress(ip);
            if (address instanceof Inet6Address && scope != 0) {
                address = Inet6Address.getByAddress(null, ip, scope);
            }
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("malformed socket address from the kernel", e);
        }
    }
}
