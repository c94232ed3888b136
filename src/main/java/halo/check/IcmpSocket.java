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
 * An ICMP echo socket over FFM (Java has none): the unprivileged ping socket (SOCK_DGRAM, IPPROTO_ICMP /
 * IPPROTO_ICMPV6) when net.ipv4.ping_group_range allows it, else a raw socket (needs CAP_NET_RAW). Connected to
 * the destination so the kernel only delivers its packets; non-blocking, so a virtual thread waits by polling
 * without pinning its carrier.
 */
final class IcmpSocket implements AutoCloseable {

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

    private IcmpSocket(int fd, boolean raw, boolean v6) {
        this.fd = fd;
        this.raw = raw;
        this.v6 = v6;
    }

    /** Opens a ping socket, falling back to a raw socket; connected to {@code destination}. */
    static IcmpSocket open(InetAddress destination) throws IOException {
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
            IcmpSocket s = new IcmpSocket(fd, raw, v6);
            try {
                s.connect(destination);
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

    private void connect(InetAddress destination) throws IOException {
        MemorySegment sa;
        if (destination instanceof Inet4Address) {
            sa = arena.allocate(16);
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            MemorySegment.copy(destination.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 4, 4);
        } else {
            Inet6Address a6 = (Inet6Address) destination;
            sa = arena.allocate(28);
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
            MemorySegment.copy(a6.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 8, 16);
            sa.set(ValueLayout.JAVA_INT, 24, a6.getScopeId());
        }
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
        MemorySegment buf = arena.allocate(2048);
        long n;
        try {
            n = (long) RECV.invokeExact(errno, fd, buf, 2048L, MSG_DONTWAIT);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (n < 0) {
            int e = (int) ERRNO.get(errno, 0L);
            if (e == EAGAIN) return null;
            throw new IOException("recv: errno " + e);
        }
        return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
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
