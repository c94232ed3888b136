package halo.os;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteOrder;

/**
 * C structures of the Linux ABI (LP64), with helpers to fill the socket address ones. Sizes are asserted in
 * tests against the kernel's (sockaddr_nl 12, sockaddr_ll 20, sockaddr_in6 28, ip_mreqn 12 ...).
 */
final class Layouts {
    static final ValueLayout.OfShort SHORT_BE = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt INT_BE = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    /** struct sockaddr_in { sa_family_t; in_port_t (be); struct in_addr; char zero[8]; } */
    static final StructLayout SOCKADDR_IN = structLayout(
            JAVA_SHORT.withName("sin_family"), SHORT_BE.withName("sin_port"),
            sequenceLayout(4, JAVA_BYTE).withName("sin_addr"), sequenceLayout(8, JAVA_BYTE).withName("sin_zero"));
    /** struct sockaddr_in6 { family; port; flowinfo; in6_addr; scope_id; } */
    static final StructLayout SOCKADDR_IN6 = structLayout(
            JAVA_SHORT.withName("sin6_family"), SHORT_BE.withName("sin6_port"), INT_BE.withName("sin6_flowinfo"),
            sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"), JAVA_INT.withName("sin6_scope_id"));
    /** struct sockaddr_ll { family; protocol (be); ifindex; hatype; pkttype; halen; addr[8]; } */
    static final StructLayout SOCKADDR_LL = structLayout(
            JAVA_SHORT.withName("sll_family"), SHORT_BE.withName("sll_protocol"), JAVA_INT.withName("sll_ifindex"),
            JAVA_SHORT.withName("sll_hatype"), JAVA_BYTE.withName("sll_pkttype"), JAVA_BYTE.withName("sll_halen"),
            sequenceLayout(8, JAVA_BYTE).withName("sll_addr"));
    /** struct sockaddr_nl { family; pad; pid; groups; } */
    static final StructLayout SOCKADDR_NL = structLayout(
            JAVA_SHORT.withName("nl_family"), JAVA_SHORT.withName("nl_pad"), JAVA_INT.withName("nl_pid"),
            JAVA_INT.withName("nl_groups"));
    /** struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex; } */
    static final StructLayout IP_MREQN = structLayout(
            sequenceLayout(4, JAVA_BYTE).withName("imr_multiaddr"), sequenceLayout(4, JAVA_BYTE).withName("imr_address"),
            JAVA_INT.withName("imr_ifindex"));
    /** struct ipv6_mreq { in6_addr multiaddr; int interface; } */
    static final StructLayout IPV6_MREQ = structLayout(
            sequenceLayout(16, JAVA_BYTE).withName("ipv6mr_multiaddr"), JAVA_INT.withName("ipv6mr_interface"));
    /** struct in_pktinfo { int ifindex; in_addr spec_dst; in_addr addr; } */
    static final StructLayout IN_PKTINFO = structLayout(
            JAVA_INT.withName("ipi_ifindex"), sequenceLayout(4, JAVA_BYTE).withName("ipi_spec_dst"),
            sequenceLayout(4, JAVA_BYTE).withName("ipi_addr"));
    /** struct in6_pktinfo { in6_addr addr; int ifindex; } */
    static final StructLayout IN6_PKTINFO = structLayout(
            sequenceLayout(16, JAVA_BYTE).withName("ipi6_addr"), JAVA_INT.withName("ipi6_ifindex"));
    /** struct iovec { void *base; size_t len; } */
    static final StructLayout IOVEC = structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));
    /** struct msghdr (LP64). */
    static final StructLayout MSGHDR = structLayout(
            ADDRESS.withName("msg_name"), JAVA_INT.withName("msg_namelen"), paddingLayout(4),
            ADDRESS.withName("msg_iov"), JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"), JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"), paddingLayout(4));
    /** struct cmsghdr { size_t len; int level; int type; } followed by data aligned to 8. */
    static final StructLayout CMSGHDR = structLayout(
            JAVA_LONG.withName("cmsg_len"), JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"));
    /** struct pollfd { int fd; short events; short revents; } */
    static final StructLayout POLLFD = structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
    /** struct timespec / struct timeval { long; long; } */
    static final StructLayout TIMESPEC = structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));

    static final long MSG_NAME = MSGHDR.byteOffset(MemoryLayoutPath.of("msg_name"));
    static final long MSG_NAMELEN = MSGHDR.byteOffset(MemoryLayoutPath.of("msg_namelen"));
    static final long MSG_IOV = MSGHDR.byteOffset(MemoryLayoutPath.of("msg_iov"));
    static final long MSG_IOVLEN = MSGHDR.byteOffset(MemoryLayoutPath.of("msg_iovlen"));
    static final long MSG_CONTROL = MSGHDR.byteOffset(MemoryLayoutPath.of("msg_control"));
    static final long MSG_CONTROLLEN = MSGHDR.byteOffset(MemoryLayoutPath.of("msg_controllen"));
    static final long MSG_FLAGS = MSGHDR.byteOffset(MemoryLayoutPath.of("msg_flags"));

    private Layouts() {}

    /** CMSG_ALIGN: control message lengths round up to the size of a long. */
    static long cmsgAlign(long length) {
        return (length + 7) & ~7L;
    }

    /** CMSG_SPACE(n). */
    static long cmsgSpace(long dataLength) {
        return cmsgAlign(CMSGHDR.byteSize()) + cmsgAlign(dataLength);
    }

    static void writeSockaddrIn(MemorySegment s, byte[] address4, int port) {
        s.fill((byte) 0);
        s.set(JAVA_SHORT, 0, (short) Native.AF_INET);
        s.set(SHORT_BE, 2, (short) port);
        MemorySegment.copy(address4, 0, s, JAVA_BYTE, 4, 4);
    }

    static void writeSockaddrIn6(MemorySegment s, byte[] address16, int port, int scopeId) {
        s.fill((byte) 0);
        s.set(JAVA_SHORT, 0, (short) Native.AF_INET6);
        s.set(SHORT_BE, 2, (short) port);
        MemorySegment.copy(address16, 0, s, JAVA_BYTE, 8, 16);
        s.set(JAVA_INT, 24, scopeId);
    }

    /** Writes a sockaddr_in or sockaddr_in6 for ADDRESS into S (28 bytes available); returns the length used. */
    static int writeSockaddr(MemorySegment s, InetAddress address, int scopeId) {
        if (address instanceof Inet4Address) {
            writeSockaddrIn(s.asSlice(0, 16), address.getAddress(), 0);
            return 16;
        }
        int scope = scopeId;
        if (address instanceof Inet6Address a6 && a6.getScopeId() != 0) {
            scope = a6.getScopeId();
        }
        writeSockaddrIn6(s.asSlice(0, 28), address.getAddress(), 0, scope);
        return 28;
    }

    /** Small helper so offsets read as names. */
    static final class MemoryLayoutPath {
        static java.lang.foreign.MemoryLayout.PathElement of(String name) {
            return java.lang.foreign.MemoryLayout.PathElement.groupElement(name);
        }
    }
}
