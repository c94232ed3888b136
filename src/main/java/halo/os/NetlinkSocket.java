package halo.os;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A netlink socket (NETLINK_ROUTE, NETLINK_GENERIC or NETLINK_NETFILTER): sends whole messages to the kernel, receives whole datagrams. */
final class NetlinkSocket extends NativeSocket {
    static final int NETLINK_ROUTE = 0;
    static final int NETLINK_GENERIC = 16;
    static final int NETLINK_NETFILTER = 12;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;
    private static final int BUFFER = 64 * 1024;

    final boolean cappedAcks;
    private final MemorySegment buffer;
    private final MemorySegment kernel;
    private final boolean nonBlocking;
    /** "rtnetlink" or "generic netlink", for messages. */
    private final String name;

    NetlinkSocket(int groups, boolean nonBlocking, String purpose) throws NativeException {
        this(NETLINK_ROUTE, groups, nonBlocking, purpose);
    }

    NetlinkSocket(int protocol, int groups, boolean nonBlocking, String purpose) throws NativeException {
        HostOs.ensureAvailable();
        String name = switch (protocol) {
            case NETLINK_GENERIC -> "generic netlink";
            case NETLINK_NETFILTER -> "nfnetlink";
            default -> "rtnetlink";
        };
        super(Native.socket(Native.AF_NETLINK, Native.SOCK_RAW | Native.SOCK_CLOEXEC | (nonBlocking ? Native.SOCK_NONBLOCK : 0),
                protocol, "for " + name + " (" + purpose + ")", null));
        this.nonBlocking = nonBlocking;
        this.name = name;
        buffer = arena.allocate(BUFFER, 8);
        kernel = arena.allocate(Layouts.SOCKADDR_NL);
        kernel.set(JAVA_SHORT, 0, (short) Native.AF_NETLINK);
        boolean capped = false;
        try {
            if (!nonBlocking) {
                // A request that gets no answer must not hang the daemon: 5 s receive timeout.
                MemorySegment tv = arena.allocate(Layouts.TIMESPEC);
                tv.set(JAVA_LONG, 0, 5);
                Native.setsockopt(fd, Native.SOL_SOCKET, Native.SO_RCVTIMEO, tv, "SO_RCVTIMEO", "on " + name);
                try {
                    // The kernel then says why it refused ("Invalid prefix for given prefix length." ...).
                    Native.setsockoptInt(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK", "");
                    Native.setsockoptInt(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK", "");
                    capped = true;
                } catch (NativeException old) {
                    // older kernels: plain errno acks
                }
            } else {
                Native.setsockoptInt(fd, Native.SOL_SOCKET, Native.SO_RCVBUF, 1 << 20, "SO_RCVBUF", "on " + name);
            }
            MemorySegment local = arena.allocate(Layouts.SOCKADDR_NL);
            local.set(JAVA_SHORT, 0, (short) Native.AF_NETLINK);
            local.set(JAVA_INT, 8, groups);
            Native.bind(fd, local, name + (groups != 0 ? " to groups 0x" + Integer.toHexString(groups) : ""));
        } catch (NativeException e) {
            close();
            throw e;
        }
        cappedAcks = capped;
    }

    void send(byte[] message, String what) throws NativeException {
        if (message.length > BUFFER) {
            throw new IllegalArgumentException("netlink message too long");
        }
        MemorySegment.copy(message, 0, buffer, JAVA_BYTE, 0, message.length);
        long n = Native.sendto(fd, buffer, message.length, kernel);
        if (n < 0) {
            throw NativeException.of("sendto", (int) -n, name + " " + what);
        }
    }

    /** The next datagram, or null when nothing is pending (non-blocking socket). */
    ByteBuffer receive(String what) throws NativeException {
        long n;
        while (true) {
            n = Native.recv(fd, buffer, BUFFER, 0);
            if (n >= 0) {
                break;
            }
            int errno = (int) -n;
            if (errno == Errno.EINTR.number()) {
                continue;
            }
            if (errno == Errno.EAGAIN.number()) {
                if (nonBlocking) {
                    return null;
                }
                throw NativeException.of("recv", Errno.ETIMEDOUT.number(), name + " answer to " + what + " (none in 5 s)");
            }
            throw NativeException.of("recv", errno, name + " " + what);
        }
        byte[] copy = new byte[(int) n];
        MemorySegment.copy(buffer, JAVA_BYTE, 0, copy, 0, (int) n);
        return ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder());
    }
}
