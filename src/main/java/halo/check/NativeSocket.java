package halo.check;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * A datagram socket over FFM for what Java's sockets cannot do: ICMP echo (the unprivileged ping socket,
 * SOCK_DGRAM + IPPROTO_ICMP/ICMPV6, when net.ipv4.ping_group_range allows it, else a raw socket, which needs
 * CAP_NET_RAW), and UDP with IP_RECVERR so every ICMP unreachable is reported, as keepalived's UDP_CHECK relies on.
 * Connected to the destination so the kernel only delivers its packets; non-blocking, so a virtual thread waits by
 * sleeping between reads without pinning its carrier.
 */
final class NativeSocket implements AutoCloseable {

    static final int AF_INET = 2, AF_INET6 = 10;
    static final int SOCK_RAW = 3, SOCK_DGRAM = 2, SOCK_NONBLOCK = 04000, SOCK_CLOEXEC = 02000000;
    static final int IPPROTO_ICMP = 1, IPPROTO_ICMPV6 = 58;
    static final int MSG_DONTWAIT = 0x40;
    static final int EAGAIN = 11, EPERM = 1, EACCES = 13, EPROTONOSUPPORT = 93;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(
            java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET = handle("socket",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CONNECT = handle("connect",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SEND = handle("send",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = handle("recv",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT = handle("setsockopt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = handle("bind",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = handle("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return LIBC.find(name).map(a -> LINKER.downcallHandle(a, fd, Linker.Option.captureCallState("errno")))
                .orElseThrow();
    }

    /** Native access is enabled (--enable-native-access) and we run on Linux. */
    static boolean isAvailable() {
        try {
            return System.getProperty("os.name").startsWith("Linux") && SOCKET != null;
        } catch (Throwable t) {
            return false;
        }
    }

    final boolean raw;
    final boolean v6;
    private final int fd;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment errno = arena.allocate(CAPTURE);

    private NativeSocket(int fd, boolean raw, boolean v6) {
        this.fd = fd;
        this.raw = raw;
        this.v6 = v6;
    }

    static final int SOL_SOCKET = 1, SO_BINDTODEVICE = 25, SOL_IP = 0, IP_RECVERR = 11, SOL_IPV6 = 41,
            IPV6_RECVERR = 25, IPPROTO_UDP = 17;

    /**
     * A UDP socket with IP_RECVERR (or IPV6_RECVERR), optionally bound to an interface (bind_if) and a local
     * address, connected to {@code destination}.
     */
    static NativeSocket udp(java.net.InetSocketAddress destination, java.net.InetSocketAddress bind, String bindIf)
            throws IOException {
        boolean v6 = destination.getAddress() instanceof Inet6Address;
        int fd;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(CAPTURE);
            fd = (int) SOCKET.invokeExact(err, v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    IPPROTO_UDP);
            if (fd < 0) throw new IOException("socket: errno " + (int) ERRNO.get(err, 0L));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
        NativeSocket s = new NativeSocket(fd, false, v6);
        try {
            s.setInt(v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_RECVERR : IP_RECVERR, 1);
            if (bindIf != null) s.bindToDevice(bindIf);
            if (bind != null) s.bind(bind);
            s.connect(destination.getAddress(), destination.getPort());
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    void setInt(int level, int option, int value) throws IOException {
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, value);
        int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(errno, fd, level, option, v, 4);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (r < 0) throw new IOException("setsockopt: errno " + (int) ERRNO.get(errno, 0L));
    }

    void bindToDevice(String name) throws IOException {
        MemorySegment v = arena.allocateFrom(name);
        int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(errno, fd, SOL_SOCKET, SO_BINDTODEVICE, v, (int) v.byteSize());
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (r < 0) throw new IOException("Checker can't bind to device " + name + ": errno " + (int) ERRNO.get(errno, 0L));
    }

    void bind(java.net.InetSocketAddress local) throws IOException {
        MemorySegment sa = sockaddr(local.getAddress(), local.getPort());
        int r;
        try {
            r = (int) BIND.invokeExact(errno, fd, sa, (int) sa.byteSize());
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (r < 0) throw new IOException("bind failed: errno " + (int) ERRNO.get(errno, 0L));
    }

    /** Opens a ping socket, falling back to a raw socket; connected to {@code destination}. */
    static NativeSocket icmp(InetAddress destination) throws IOException {
        boolean v6 = destination instanceof Inet6Address;
        int family = v6 ? AF_INET6 : AF_INET;
        int proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(CAPTURE);
            int fd = (int) SOCKET.invokeExact(err, family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
            boolean raw = false;
            if (fd < 0) {
                fd = (int) SOCKET.invokeExact(err, family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
                raw = true;
            }
            if (fd < 0) {
                throw new IOException("cannot open an ICMP socket (errno " + (int) ERRNO.get(err, 0L)
                        + "): neither ping_group_range nor CAP_NET_RAW allows it");
            }
            NativeSocket s = new NativeSocket(fd, raw, v6);
            try {
                s.connect(destination, 0);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            return s;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** struct sockaddr_in / sockaddr_in6 (port in network order). */
    private MemorySegment sockaddr(InetAddress address, int port) {
        MemorySegment sa;
        if (address instanceof Inet4Address) {
            sa = arena.allocate(16);
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            MemorySegment.copy(address.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 4, 4);
        } else {
            Inet6Address a6 = (Inet6Address) address;
            sa = arena.allocate(28);
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
            MemorySegment.copy(a6.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 8, 16);
            sa.set(ValueLayout.JAVA_INT, 24, a6.getScopeId());
        }
        sa.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >> 8));
        sa.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
        return sa;
    }

    private void connect(InetAddress destination, int port) throws IOException {
        MemorySegment sa = sockaddr(destination, port);
        int r;
        try {
            r = (int) CONNECT.invokeExact(errno, fd, sa, (int) sa.byteSize());
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (r < 0) throw new IOException("connect: errno " + (int) ERRNO.get(errno, 0L));
    }

    void send(byte[] packet) throws IOException {
        MemorySegment buf = arena.allocate(packet.length);
        MemorySegment.copy(packet, 0, buf, ValueLayout.JAVA_BYTE, 0, packet.length);
        long n;
        try {
            n = (long) SEND.invokeExact(errno, fd, buf, (long) packet.length, 0);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (n < 0) throw new IOException("send: errno " + (int) ERRNO.get(errno, 0L));
    }

    /** One datagram, or null when none is waiting. */
    byte[] receive() throws IOException {
        return receive(2048);
    }

    /** One datagram (truncated to {@code max} bytes), or null when none is waiting; errors carry errno. */
    byte[] receive(int max) throws IOException {
        MemorySegment buf = arena.allocate(Math.max(1, max));
        long n;
        try {
            n = (long) RECV.invokeExact(errno, fd, buf, (long) Math.max(1, max), MSG_DONTWAIT);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (n < 0) {
            int e = (int) ERRNO.get(errno, 0L);
            if (e == EAGAIN) return null;
            throw new ErrnoException(e);
        }
        return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    /** A failed call's errno (111 ECONNREFUSED: port unreachable; 113 EHOSTUNREACH; 101 ENETUNREACH). */
    static final class ErrnoException extends IOException {
        final int errno;

        ErrnoException(int errno) {
            super(switch (errno) {
                case 111 -> "Connection refused";
                case 113 -> "No route to host";
                case 101 -> "Network is unreachable";
                default -> "errno " + errno;
            });
            this.errno = errno;
        }
    }

    @Override
    public void close() {
        try {
            int r = (int) CLOSE.invokeExact(errno, fd);
        } catch (Throwable t) {
            // nothing to do
        }
        arena.close();
    }
}
