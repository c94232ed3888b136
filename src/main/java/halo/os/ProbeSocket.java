package halo.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A connected, non-blocking datagram socket for the health checkers, for what Java's sockets cannot do: ICMP echo
 * (the unprivileged ping socket, SOCK_DGRAM + IPPROTO_ICMP/ICMPV6, when net.ipv4.ping_group_range allows it, else a
 * raw socket, which needs CAP_NET_RAW), and UDP with IP_RECVERR so every ICMP unreachable is reported, as
 * keepalived's UDP_CHECK relies on. Connected, so the kernel only delivers the destination's packets; non-blocking,
 * so a virtual thread waits by sleeping between reads without pinning its carrier. Failures are
 * {@link NativeException}s; their {@link NativeException#syscall()} is {@code socket}, {@code setsockopt(...)},
 * {@code bind}, {@code connect}, {@code send} or {@code recv}.
 */
public final class ProbeSocket implements AutoCloseable {
    private final int fd;
    private final boolean raw;
    private final Arena arena = Arena.ofConfined();

    private ProbeSocket(int fd, boolean raw) {
        this.fd = fd;
        this.raw = raw;
    }

    /**
     * A UDP socket with IP_RECVERR (or IPV6_RECVERR), bound to an interface ({@code bindInterface}, SO_BINDTODEVICE)
     * and a local address when given, connected to {@code destination}.
     */
    public static ProbeSocket udp(InetSocketAddress destination, InetSocketAddress bind, String bindInterface)
            throws NativeException {
        boolean v6 = destination.getAddress() instanceof Inet6Address;
        int fd = Native.socket(v6 ? Native.AF_INET6 : Native.AF_INET,
                Native.SOCK_DGRAM | Native.SOCK_NONBLOCK | Native.SOCK_CLOEXEC, Native.IPPROTO_UDP, "for a UDP check", null);
        ProbeSocket s = new ProbeSocket(fd, false);
        try {
            if (v6) {
                Native.setsockoptInt(fd, Native.IPPROTO_IPV6, Native.IPV6_RECVERR, 1, "IPV6_RECVERR", null);
            } else {
                Native.setsockoptInt(fd, Native.IPPROTO_IP, Native.IP_RECVERR, 1, "IP_RECVERR", null);
            }
            if (bindInterface != null) {
                s.bindToDevice(bindInterface);
            }
            if (bind != null) {
                Native.bind(fd, s.sockaddr(bind.getAddress(), bind.getPort()), "to " + bind);
            }
            s.connect(destination.getAddress(), destination.getPort());
            return s;
        } catch (NativeException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * An ICMP (or ICMPv6) echo socket connected to {@code destination}: a ping socket, or a raw socket when
     * ping_group_range does not allow one. When neither opens, the raw socket's failure is thrown.
     */
    public static ProbeSocket icmp(InetAddress destination) throws NativeException {
        boolean v6 = destination instanceof Inet6Address;
        int family = v6 ? Native.AF_INET6 : Native.AF_INET;
        int protocol = v6 ? Native.IPPROTO_ICMPV6 : Native.IPPROTO_ICMP;
        int flags = Native.SOCK_NONBLOCK | Native.SOCK_CLOEXEC;
        ProbeSocket s;
        try {
            s = new ProbeSocket(Native.socket(family, Native.SOCK_DGRAM | flags, protocol, "for ICMP echo", null), false);
        } catch (NativeException pingSocketRefused) {
            s = new ProbeSocket(Native.socket(family, Native.SOCK_RAW | flags, protocol, "for ICMP echo",
                    Capabilities.CAP_NET_RAW), true);
        }
        try {
            s.connect(destination, 0);
            return s;
        } catch (NativeException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A raw socket: IPv4 replies arrive with their IP header, and the echo identifier is ours to check. */
    public boolean raw() {
        return raw;
    }

    public void send(byte[] packet) throws NativeException {
        MemorySegment buffer = arena.allocate(Math.max(1, packet.length));
        MemorySegment.copy(packet, 0, buffer, ValueLayout.JAVA_BYTE, 0, packet.length);
        long n = Native.sendto(fd, buffer, packet.length, MemorySegment.NULL);
        if (n < 0) {
            throw NativeException.of("send", (int) -n, null);
        }
    }

    /**
     * One datagram (truncated to {@code max} bytes), or null when none is waiting. An ICMP error the kernel queued
     * for the socket (IP_RECVERR) is thrown: ECONNREFUSED for port unreachable, EHOSTUNREACH, ENETUNREACH.
     */
    public byte[] receive(int max) throws NativeException {
        int length = Math.max(1, max);
        MemorySegment buffer = arena.allocate(length);
        long n = Native.recv(fd, buffer, length, Native.MSG_DONTWAIT);
        if (n < 0) {
            int errno = (int) -n;
            if (errno == Errno.EAGAIN.number()) {
                return null;
            }
            throw NativeException.of("recv", errno, null);
        }
        return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    private void bindToDevice(String name) throws NativeException {
        Native.setsockopt(fd, Native.SOL_SOCKET, Native.SO_BINDTODEVICE, arena.allocateFrom(name), "SO_BINDTODEVICE",
                "to " + name);
    }

    private void connect(InetAddress destination, int port) throws NativeException {
        MemorySegment address = sockaddr(destination, port);
        MemorySegment cs = Native.capture();
        int rc;
        try {
            rc = (int) Native.CONNECT.invokeExact(cs, fd, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (rc < 0) {
            throw NativeException.of("connect", Native.errno(cs), null);
        }
    }

    private MemorySegment sockaddr(InetAddress address, int port) {
        if (address instanceof Inet4Address) {
            MemorySegment s = arena.allocate(Layouts.SOCKADDR_IN);
            Layouts.writeSockaddrIn(s, address.getAddress(), port);
            return s;
        }
        MemorySegment s = arena.allocate(Layouts.SOCKADDR_IN6);
        Layouts.writeSockaddrIn6(s, address.getAddress(), port, ((Inet6Address) address).getScopeId());
        return s;
    }

    @Override
    public void close() {
        Native.close(fd);
        arena.close();
    }
}
