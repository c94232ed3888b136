package halo.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * A non-blocking raw IP socket for protocol 112 (VRRP), IPv4 or IPv6, as keepalived opens them: bound to its
 * interface (SO_BINDTODEVICE), multicast loop off, TOS / traffic class 0xc0, TTL / hop limit 255 on every send (RFC 5798 5.1.1.3: "The
 * TTL MUST be set to 255"), TTL read back on receive, and for IPv6 the VRRP checksum left to the kernel
 * (IPV6_CHECKSUM at offset 6). Wait for it with a {@link Poller}; {@link #receive} returns -1 when nothing is
 * pending. Native buffers belong to the socket and are freed by {@link #close()}. One thread may send while
 * another receives; two threads must not send (or receive) at once.
 */
public final class VrrpSocket extends NativeSocket implements Pollable {
    public static final int IPPROTO_VRRP = 112;
    /** RFC 5798 5.1.1.2: the IPv4 multicast address assigned by the IANA for VRRP. */
    public static final InetAddress MULTICAST_IPV4 = literal(new byte[] {(byte) 224, 0, 0, 18});
    /** RFC 5798 5.1.2.2: the IPv6 link-local scope multicast address for VRRP. */
    public static final InetAddress MULTICAST_IPV6 =
            literal(new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});

    static final int IPPROTO_IP = 0;
    static final int IPPROTO_IPV6 = 41;
    static final int IP_TOS = 1;
    static final int IP_TTL = 2;
    static final int IP_PKTINFO = 8;
    static final int IP_MULTICAST_IF = 32;
    static final int IP_MULTICAST_TTL = 33;
    static final int IP_MULTICAST_LOOP = 34;
    static final int IP_ADD_MEMBERSHIP = 35;
    static final int IP_DROP_MEMBERSHIP = 36;
    static final int IP_MULTICAST_ALL = 49;
    static final int IPV6_CHECKSUM = 7;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_ADD_MEMBERSHIP = 20;
    static final int IPV6_DROP_MEMBERSHIP = 21;
    static final int IPV6_MULTICAST_ALL = 29;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int IPV6_RECVHOPLIMIT = 51;
    static final int IPV6_HOPLIMIT = 52;
    static final int IPV6_RECVTCLASS = 66;
    static final int IPV6_TCLASS = 67;
    /** IPTOS_PREC_INTERNETCONTROL: keepalived's adverts carry it (TOS / traffic class 0xc0). */
    static final int INTERNET_CONTROL = 0xc0;

    private static final int RECEIVE_BUFFER = 9216; // a jumbo frame
    private static final int CONTROL_BUFFER = 256;
    private static final int NAME_BUFFER = 28;

    private final boolean ipv6;
    private final String interfaceName;
    private final int interfaceIndex;
    private final String description;
    private final MemorySegment receiveBuffer;
    private final MemorySegment sendBuffer;
    private final MemorySegment control;
    private final MemorySegment name;
    private final MemorySegment iov;
    private final MemorySegment msghdr;
    private final MemorySegment destination;
    private byte[] lastArray;
    private MemorySegment lastArrayView;

    private VrrpSocket(boolean ipv6, int fd, String interfaceName, int interfaceIndex) {
        super(fd);
        this.ipv6 = ipv6;
        this.interfaceName = interfaceName;
        this.interfaceIndex = interfaceIndex;
        this.description = (ipv6 ? "IPv6" : "IPv4") + " VRRP socket" + (interfaceName == null ? "" : " on " + interfaceName);
        receiveBuffer = arena.allocate(RECEIVE_BUFFER, 8);
        sendBuffer = arena.allocate(RECEIVE_BUFFER, 8);
        control = arena.allocate(CONTROL_BUFFER, 8);
        name = arena.allocate(NAME_BUFFER, 8);
        destination = arena.allocate(NAME_BUFFER, 8);
        iov = arena.allocate(Layouts.IOVEC);
        iov.set(ADDRESS, 0, receiveBuffer);
        iov.set(JAVA_LONG, 8, RECEIVE_BUFFER);
        msghdr = arena.allocate(Layouts.MSGHDR);
        msghdr.set(ADDRESS, Layouts.MSG_NAME, name);
        msghdr.set(ADDRESS, Layouts.MSG_IOV, iov);
        msghdr.set(JAVA_LONG, Layouts.MSG_IOVLEN, 1);
        msghdr.set(ADDRESS, Layouts.MSG_CONTROL, control);
    }

    /**
     * Opens a VRRP socket. {@code interfaceName} (may be null for an unbound socket) is bound with SO_BINDTODEVICE
     * and used for multicast sends; {@code sourceAddress} (may be null) is bound so that unicast adverts leave
     * from unicast_src_ip. Needs CAP_NET_RAW.
     */
    public static VrrpSocket open(boolean ipv6, String interfaceName, InetAddress sourceAddress) throws NativeException {
        HostOs.ensureAvailable();
        if (sourceAddress != null && (sourceAddress instanceof Inet6Address) != ipv6) {
            throw new IllegalArgumentException("source address " + sourceAddress.getHostAddress() + " is not "
                    + (ipv6 ? "IPv6" : "IPv4"));
        }
        int ifindex = interfaceName == null ? 0 : Native.ifindex(interfaceName);
        int fd = Native.socket(ipv6 ? Native.AF_INET6 : Native.AF_INET,
                Native.SOCK_RAW | Native.SOCK_NONBLOCK | Native.SOCK_CLOEXEC, IPPROTO_VRRP,
                "for a raw " + (ipv6 ? "IPv6" : "IPv4") + " VRRP socket", Capabilities.CAP_NET_RAW);
        VrrpSocket s = new VrrpSocket(ipv6, fd, interfaceName, ifindex);
        try {
            s.configure(sourceAddress);
        } catch (NativeException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** IPsec AH (RFC 2402): what auth_type AH adverts arrive as, as keepalived's AH socket receives them. */
    public static final int IPPROTO_AH = 51;
    static final int IP_HDRINCL = 3;

    /**
     * Opens an IPv4 raw socket for PROTOCOL with IP_HDRINCL, as keepalived does for auth_type AH: the caller sends
     * whole datagrams (IPv4 header, AH header, VRRP message; the kernel fills in the header checksum) with
     * {@link #send}, and reads them whole with {@link #receiveDatagram}. A socket for protocol 51 receives the
     * AH-protected adverts, which never reach a protocol-112 socket. Needs CAP_NET_RAW.
     */
    public static VrrpSocket openIpv4HeaderIncluded(String interfaceName, int protocol) throws NativeException {
        HostOs.ensureAvailable();
        int ifindex = interfaceName == null ? 0 : Native.ifindex(interfaceName);
        int fd = Native.socket(Native.AF_INET, Native.SOCK_RAW | Native.SOCK_NONBLOCK | Native.SOCK_CLOEXEC, protocol,
                "for a raw IPv4 socket (protocol " + protocol + ", IP_HDRINCL)", Capabilities.CAP_NET_RAW);
        VrrpSocket s = new VrrpSocket(false, fd, interfaceName, ifindex);
        try {
            s.configure(null);
            Native.setsockoptInt(fd, IPPROTO_IP, IP_HDRINCL, 1, "IP_HDRINCL", interfaceName == null ? "" : "on " + interfaceName);
        } catch (NativeException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * IPv4 only: receives one pending datagram whole (IPv4 header, any AH header, message) into BUF at OFF (at most
     * LEN bytes), fills INTO as {@link #receive} does and returns the bytes copied; -1 when nothing is pending.
     */
    public int receiveDatagram(byte[] buf, int off, int len, ReceivedPacket into) throws NativeException {
        if (ipv6) {
            throw new IllegalStateException("an IPv6 raw socket does not deliver the IP header");
        }
        int n = receiveNative(into);
        if (n < 0) {
            return -1;
        }
        int total = (n >>> 16) + (n & 0xffff);
        int copy = Math.min(total, len);
        MemorySegment.copy(receiveBuffer, 0, heapView(buf), off, copy);
        if (copy < total) {
            into.truncated = true;
        }
        return copy;
    }

    private void configure(InetAddress sourceAddress) throws NativeException {
        String on = interfaceName == null ? "" : "on " + interfaceName;
        if (interfaceName != null) {
            try (Arena a = Arena.ofConfined()) {
                Native.setsockopt(fd, Native.SOL_SOCKET, Native.SO_BINDTODEVICE, a.allocateFrom(interfaceName),
                        "SO_BINDTODEVICE", on);
            }
        }
        if (ipv6) {
            Native.setsockoptInt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, 6, "IPV6_CHECKSUM", on);
            Native.setsockoptInt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO", on);
            Native.setsockoptInt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT", on);
            Native.setsockoptInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP", on);
            Native.setsockoptInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL", on);
            Native.setsockoptInt(fd, IPPROTO_IPV6, IPV6_TCLASS, INTERNET_CONTROL, "IPV6_TCLASS", on);
            Native.setsockoptInt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, 1, "IPV6_RECVTCLASS", on);
        } else {
            Native.setsockoptInt(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO", on);
            Native.setsockoptInt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP", on);
            Native.setsockoptInt(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL", on);
            Native.setsockoptInt(fd, IPPROTO_IP, IP_TOS, INTERNET_CONTROL, "IP_TOS", on);
        }
        setTtl(255);
        if (interfaceIndex != 0) {
            setMulticastInterface(interfaceIndex);
        }
        if (sourceAddress != null) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment sa = a.allocate(NAME_BUFFER, 8);
                int len = Layouts.writeSockaddr(sa, sourceAddress, interfaceIndex);
                Native.bind(fd, sa.asSlice(0, len), "to " + sourceAddress.getHostAddress() + " " + on);
            }
        }
    }

    /** Sets the TTL (IPv4) or hop limit (IPv6) of unicast and multicast sends; VRRP requires 255. */
    public void setTtl(int ttl) throws NativeException {
        String on = interfaceName == null ? "" : "on " + interfaceName;
        if (ipv6) {
            Native.setsockoptInt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl, "IPV6_UNICAST_HOPS", on);
            Native.setsockoptInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ttl, "IPV6_MULTICAST_HOPS", on);
        } else {
            Native.setsockoptInt(fd, IPPROTO_IP, IP_TTL, ttl, "IP_TTL", on);
            Native.setsockoptInt(fd, IPPROTO_IP, IP_MULTICAST_TTL, ttl, "IP_MULTICAST_TTL", on);
        }
    }

    /** IP_MULTICAST_IF (with an ip_mreqn naming the index) or IPV6_MULTICAST_IF. */
    public void setMulticastInterface(int ifindex) throws NativeException {
        if (ipv6) {
            Native.setsockoptInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex, "IPV6_MULTICAST_IF", "ifindex " + ifindex);
        } else {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment m = a.allocate(Layouts.IP_MREQN);
                m.set(JAVA_INT, 8, ifindex);
                Native.setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, m, "IP_MULTICAST_IF", "ifindex " + ifindex);
            }
        }
    }

    /**
     * IPv4: the source address of multicast adverts (IP_MULTICAST_IF's imr_address, which the kernel uses when the
     * socket is bound to no address), for an interface whose own address is not the one to send from: a VMAC holds
     * only VIPs, and keepalived sends from its base interface's address.
     */
    public void setMulticastSource(InetAddress source) throws NativeException {
        if (ipv6 || !(source instanceof java.net.Inet4Address)) {
            throw new IllegalArgumentException("an IPv4 multicast source is for IPv4 sockets");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(Layouts.IP_MREQN);
            MemorySegment.copy(source.getAddress(), 0, m, JAVA_BYTE, 4, 4); // imr_address
            m.set(JAVA_INT, 8, interfaceIndex);
            Native.setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, m, "IP_MULTICAST_IF",
                    "ifindex " + interfaceIndex + " source " + source.getHostAddress());
        }
    }

    /** Joins GROUP (224.0.0.18, ff02::12 or vrrp_mcast_group4/6) on this socket's interface. */
    public void joinGroup(InetAddress group) throws NativeException {
        membership(group, interfaceIndex, true);
    }

    public void leaveGroup(InetAddress group) throws NativeException {
        membership(group, interfaceIndex, false);
    }

    /** Joins or leaves GROUP on the interface with index IFINDEX. */
    public void membership(InetAddress group, int ifindex, boolean join) throws NativeException {
        checkFamily(group);
        String context = group.getHostAddress() + (interfaceName == null ? " ifindex " + ifindex : " on " + interfaceName);
        try (Arena a = Arena.ofConfined()) {
            if (ipv6) {
                MemorySegment m = a.allocate(Layouts.IPV6_MREQ);
                MemorySegment.copy(group.getAddress(), 0, m, JAVA_BYTE, 0, 16);
                m.set(JAVA_INT, 16, ifindex);
                Native.setsockopt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, m,
                        join ? "IPV6_ADD_MEMBERSHIP" : "IPV6_DROP_MEMBERSHIP", context);
            } else {
                MemorySegment m = a.allocate(Layouts.IP_MREQN);
                MemorySegment.copy(group.getAddress(), 0, m, JAVA_BYTE, 0, 4);
                m.set(JAVA_INT, 8, ifindex);
                Native.setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, m,
                        join ? "IP_ADD_MEMBERSHIP" : "IP_DROP_MEMBERSHIP", context);
            }
        }
    }

    /** Sends PAYLOAD[OFF, OFF+LEN) (a VRRP packet; the kernel adds the IP header) to DESTINATION. */
    public int send(byte[] payload, int off, int len, InetAddress destination) throws NativeException {
        if (len > RECEIVE_BUFFER) {
            throw new IllegalArgumentException("VRRP packet of " + len + " bytes is too long");
        }
        MemorySegment.copy(payload, off, sendBuffer, JAVA_BYTE, 0, len);
        return sendSegment(len, destination);
    }

    public int send(ByteBuffer payload, InetAddress destination) throws NativeException {
        int len = payload.remaining();
        if (len > RECEIVE_BUFFER) {
            throw new IllegalArgumentException("VRRP packet of " + len + " bytes is too long");
        }
        MemorySegment.copy(MemorySegment.ofBuffer(payload), 0, sendBuffer, 0, len);
        payload.position(payload.limit());
        return sendSegment(len, destination);
    }

    private int sendSegment(int len, InetAddress to) throws NativeException {
        checkFamily(to);
        int nameLength = Layouts.writeSockaddr(destination, to, interfaceIndex);
        MemorySegment cs = Native.capture();
        long n = sendto(cs, len, nameLength);
        if (n < 0) {
            throw NativeException.of("sendto", Native.errno(cs), "to " + to.getHostAddress() + " from the " + description);
        }
        return (int) n;
    }

    /**
     * Receives one pending packet: copies its VRRP payload (the IPv4 header removed) into BUF at OFF (at most
     * LEN bytes), fills INTO and returns the payload length copied; -1 when nothing is pending. Allocates
     * nothing.
     */
    public int receive(byte[] buf, int off, int len, ReceivedPacket into) throws NativeException {
        int n = receiveNative(into);
        if (n < 0) {
            return -1;
        }
        int start = n >>> 16;
        int payload = n & 0xffff;
        int copy = Math.min(payload, len);
        MemorySegment.copy(receiveBuffer, start, heapView(buf), off, copy);
        if (copy < payload) {
            into.truncated = true;
        }
        return copy;
    }

    /**
     * A segment over the caller's array, kept while the caller passes the same array (the usual case) so that
     * receiving allocates nothing.
     */
    private MemorySegment heapView(byte[] buf) {
        if (lastArray != buf) {
            lastArray = buf;
            lastArrayView = MemorySegment.ofArray(buf);
        }
        return lastArrayView;
    }

    /** As {@link #receive(byte[], int, int, ReceivedPacket)} into DST's remaining space; advances its position. */
    public int receive(ByteBuffer dst, ReceivedPacket into) throws NativeException {
        int n = receiveNative(into);
        if (n < 0) {
            return -1;
        }
        int start = n >>> 16;
        int payload = n & 0xffff;
        int copy = Math.min(payload, dst.remaining());
        if (dst.hasArray()) {
            MemorySegment.copy(receiveBuffer, start, heapView(dst.array()), dst.arrayOffset() + dst.position(), copy);
        } else {
            MemorySegment.copy(receiveBuffer, start, MemorySegment.ofBuffer(dst), 0, copy);
        }
        dst.position(dst.position() + copy);
        if (copy < payload) {
            into.truncated = true;
        }
        return copy;
    }

    private long sendto(MemorySegment cs, int len, int nameLength) {
        try {
            return (long) Native.SENDTO.invokeExact(cs, fd, sendBuffer, (long) len, 0, destination, nameLength);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Kept small so that the JIT inlines it whole and can drop the downcall's temporary object. */
    private long recvmsg(MemorySegment cs) {
        try {
            return (long) Native.RECVMSG.invokeExact(cs, fd, msghdr, Native.MSG_DONTWAIT);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** recvmsg into the socket's buffer; returns (payload start << 16 | payload length), or -1 for EAGAIN. */
    private int receiveNative(ReceivedPacket into) throws NativeException {
        MemorySegment cs = Native.capture();
        long n;
        while (true) {
            msghdr.set(JAVA_INT, Layouts.MSG_NAMELEN, NAME_BUFFER);
            msghdr.set(JAVA_LONG, Layouts.MSG_CONTROLLEN, CONTROL_BUFFER);
            msghdr.set(JAVA_INT, Layouts.MSG_FLAGS, 0);
            n = recvmsg(cs);
            if (n >= 0) {
                break;
            }
            int errno = Native.errno(cs);
            if (errno == Errno.EAGAIN.number()) {
                return -1;
            }
            if (errno != Errno.EINTR.number()) {
                throw NativeException.of("recvmsg", errno, "on the " + description);
            }
        }
        into.reset(ipv6);
        boolean truncated = (msghdr.get(JAVA_INT, Layouts.MSG_FLAGS) & Native.MSG_TRUNC) != 0;
        int start = 0;
        int length = (int) n;
        if (ipv6) {
            // The source is in msg_name (sockaddr_in6); the rest in control messages.
            MemorySegment.copy(name, JAVA_BYTE, 8, into.source, 0, 16);
        } else {
            // IPv4 raw sockets deliver the IP header: the TTL is read there (RFC 5798 5.1.1.3 check).
            int ihl = (receiveBuffer.get(JAVA_BYTE, 0) & 0x0f) * 4;
            if (n < 20 || ihl < 20 || ihl > n) {
                into.length = 0;
                return 0;
            }
            into.ttl = receiveBuffer.get(JAVA_BYTE, 8) & 0xff;
            into.trafficClass = receiveBuffer.get(JAVA_BYTE, 1) & 0xff;
            MemorySegment.copy(receiveBuffer, JAVA_BYTE, 12, into.source, 0, 4);
            MemorySegment.copy(receiveBuffer, JAVA_BYTE, 16, into.destination, 0, 4);
            start = ihl;
            length = (int) n - ihl;
        }
        parseControl(into);
        into.length = length;
        into.truncated = truncated;
        return start << 16 | length;
    }

    private void parseControl(ReceivedPacket into) {
        long controlLength = msghdr.get(JAVA_LONG, Layouts.MSG_CONTROLLEN);
        long headerSize = Layouts.cmsgAlign(Layouts.CMSGHDR.byteSize());
        long offset = 0;
        while (offset + headerSize <= controlLength) {
            long cmsgLength = control.get(JAVA_LONG, offset);
            if (cmsgLength < headerSize || offset + cmsgLength > controlLength) {
                break;
            }
            int level = control.get(JAVA_INT, offset + 8);
            int type = control.get(JAVA_INT, offset + 12);
            long data = offset + headerSize;
            if (!ipv6 && level == IPPROTO_IP && type == IP_PKTINFO) {
                into.interfaceIndex = control.get(JAVA_INT, data);
                // ipi_addr: the header destination address (ipi_spec_dst is the local address)
                MemorySegment.copy(control, JAVA_BYTE, data + 8, into.destination, 0, 4);
            } else if (ipv6 && level == IPPROTO_IPV6 && type == IPV6_PKTINFO) {
                MemorySegment.copy(control, JAVA_BYTE, data, into.destination, 0, 16);
                into.interfaceIndex = control.get(JAVA_INT, data + 16);
            } else if (ipv6 && level == IPPROTO_IPV6 && type == IPV6_HOPLIMIT) {
                into.ttl = control.get(JAVA_INT, data);
            } else if (ipv6 && level == IPPROTO_IPV6 && type == IPV6_TCLASS) {
                into.trafficClass = control.get(JAVA_INT, data);
            }
            offset += Layouts.cmsgAlign(cmsgLength);
        }
    }

    private void checkFamily(InetAddress address) {
        if ((address instanceof Inet6Address) != ipv6) {
            throw new IllegalArgumentException(address.getHostAddress() + " is not an " + (ipv6 ? "IPv6" : "IPv4")
                    + " address (the socket is " + (ipv6 ? "IPv6" : "IPv4") + ")");
        }
        if (!(address instanceof Inet4Address) && !(address instanceof Inet6Address)) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
    }

    @Override
    public int fd() {
        return fd;
    }

    public boolean isIpv6() {
        return ipv6;
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int interfaceIndex() {
        return interfaceIndex;
    }

    @Override
    public String toString() {
        return description;
    }

    private static InetAddress literal(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
