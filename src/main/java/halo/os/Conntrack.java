package halo.os;

import static halo.os.RtNetlinkCodec.NLMSG_DONE;
import static halo.os.RtNetlinkCodec.NLMSG_ERROR;
import static halo.os.RtNetlinkCodec.NLM_F_DUMP;
import static halo.os.RtNetlinkCodec.NLM_F_REQUEST;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kernel's connection tracking table read over ctnetlink (NETLINK_NETFILTER, subsystem NFNL_SUBSYS_CTNETLINK):
 * a dump of every entry ({@code IPCTNL_MSG_CT_GET} with {@code NLM_F_DUMP}), as {@code conntrack -L} reads it. Values
 * in ctnetlink's attributes are in network byte order. One thread at a time.
 */
public final class Conntrack implements AutoCloseable {
    static final int NFNL_SUBSYS_CTNETLINK = 1;
    static final int IPCTNL_MSG_CT_NEW = 0;
    static final int IPCTNL_MSG_CT_GET = 1;
    static final int NFNETLINK_V0 = 0;
    static final int NLA_F_NESTED = 0x8000;
    // enum ctattr_type
    static final int CTA_TUPLE_ORIG = 1;
    static final int CTA_TUPLE_REPLY = 2;
    static final int CTA_STATUS = 3;
    static final int CTA_PROTOINFO = 4;
    static final int CTA_TIMEOUT = 7;
    static final int CTA_MARK = 8;
    // enum ctattr_tuple, ctattr_ip, ctattr_l4proto
    static final int CTA_TUPLE_IP = 1;
    static final int CTA_TUPLE_PROTO = 2;
    static final int CTA_IP_V4_SRC = 1;
    static final int CTA_IP_V4_DST = 2;
    static final int CTA_IP_V6_SRC = 3;
    static final int CTA_IP_V6_DST = 4;
    static final int CTA_PROTO_NUM = 1;
    static final int CTA_PROTO_SRC_PORT = 2;
    static final int CTA_PROTO_DST_PORT = 3;
    // enum ctattr_protoinfo, ctattr_protoinfo_tcp
    static final int CTA_PROTOINFO_TCP = 1;
    static final int CTA_PROTOINFO_TCP_STATE = 1;
    /** IPS_ASSURED: the entry saw traffic both ways (and, for TCP, the handshake completed). */
    public static final int IPS_ASSURED = 1 << 2;

    /** enum tcp_conntrack's names, by number, as conntrack -L prints them. */
    static final List<String> TCP_STATES = List.of("NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
            "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2");
    public static final int TCP_ESTABLISHED = 3;

    /** One direction of a connection: addresses and ports (0 for a protocol without ports). */
    public record Tuple(InetAddress source, int sourcePort, InetAddress destination, int destinationPort) {}

    /**
     * One conntrack entry: its protocol (IPPROTO_*), the original tuple (client to the address it asked for) and the
     * reply tuple (after dnat: the real server back to the client), the TCP state (-1 for other protocols), the
     * seconds left before it expires, its mark and status bits.
     */
    public record Entry(int protocol, Tuple original, Tuple reply, int tcpState, long timeoutSeconds, int mark,
                        int status) {
        /** As conntrack -L and ipvsadm name it: ESTABLISHED, TIME_WAIT ...; "" for a protocol without states. */
        public String tcpStateName() {
            return tcpState >= 0 && tcpState < TCP_STATES.size() ? TCP_STATES.get(tcpState) : "";
        }

        /** Whether IPVS would count it active: an established TCP connection. */
        public boolean active() {
            return tcpState == TCP_ESTABLISHED;
        }
    }

    private final NetlinkSocket socket;
    private final AtomicInteger sequence = new AtomicInteger((int) (System.nanoTime() & 0x3fffffff));

    private Conntrack(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** A ctnetlink socket in the calling thread's network namespace (needs CAP_NET_ADMIN to dump). */
    public static Conntrack open() throws NativeException {
        return new Conntrack(new NetlinkSocket(NetlinkSocket.NETLINK_NETFILTER, 0, false, "conntrack dump"));
    }

    /**
     * Every entry of FAMILY ({@code AF_INET} 2, {@code AF_INET6} 10; 0 for both) the kernel holds now, as one dump.
     * Entries that change while the dump runs may be missed or seen twice, as with conntrack -L.
     */
    public synchronized List<Entry> dump(int family) throws NativeException {
        int seq = sequence.incrementAndGet();
        String what = "IPCTNL_MSG_CT_GET dump";
        socket.send(dumpRequest(family, seq), what);
        List<Entry> out = new ArrayList<>();
        for (int guard = 0; guard < 1_000_000; guard++) {
            ByteBuffer datagram = socket.receive(what);
            for (RtNetlinkCodec.Message m : RtNetlinkCodec.split(datagram)) {
                if (m.seq() != seq) continue;
                if (m.type() == NLMSG_DONE) {
                    int errno = m.payload().limit() >= 4 ? -m.payload().getInt(0) : 0;
                    if (errno > 0) throw NativeException.of(what, errno, "(dump)", Capabilities.CAP_NET_ADMIN);
                    return out;
                }
                if (m.type() == NLMSG_ERROR) {
                    int errno = RtNetlinkCodec.errorOf(m);
                    if (errno == 0) return out;
                    throw NativeException.of(what, errno, "", Capabilities.CAP_NET_ADMIN);
                }
                Entry e = entry(m);
                if (e != null) out.add(e);
            }
        }
        throw new IllegalStateException(what + ": no end of the answer");
    }

    @Override
    public void close() {
        socket.close();
    }

    /** IPCTNL_MSG_CT_GET with NLM_F_DUMP for FAMILY: nfgenmsg only (the kernel filters by its family). */
    static byte[] dumpRequest(int family, int seq) {
        RtNetlinkCodec.Writer w = new RtNetlinkCodec.Writer(NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_GET,
                NLM_F_REQUEST | NLM_F_DUMP, seq);
        w.u8(family).u8(NFNETLINK_V0).u16(0); // struct nfgenmsg: family, version, res_id (big endian, 0)
        return w.bytes();
    }

    /** An entry from one IPCTNL_MSG_CT_NEW message of a dump, or null when it is another message or incomplete. */
    static Entry entry(RtNetlinkCodec.Message m) {
        if (m.type() != (NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW) || m.payload().limit() < 4) return null;
        ByteBuffer[] a = RtNetlinkCodec.attributes(m.payload(), 4);
        if (a[CTA_TUPLE_ORIG] == null || a[CTA_TUPLE_REPLY] == null) return null;
        int[] protocol = new int[1];
        Tuple original = tuple(a[CTA_TUPLE_ORIG], protocol);
        Tuple reply = tuple(a[CTA_TUPLE_REPLY], new int[1]);
        if (original == null || reply == null) return null;
        int state = -1;
        if (a[CTA_PROTOINFO] != null) {
            ByteBuffer tcp = RtNetlinkCodec.attributes(a[CTA_PROTOINFO], 0)[CTA_PROTOINFO_TCP];
            if (tcp != null) {
                ByteBuffer s = RtNetlinkCodec.attributes(tcp, 0)[CTA_PROTOINFO_TCP_STATE];
                if (s != null) state = RtNetlinkCodec.u8(s);
            }
        }
        long timeout = a[CTA_TIMEOUT] == null ? 0 : Integer.toUnsignedLong(be32(a[CTA_TIMEOUT]));
        int mark = a[CTA_MARK] == null ? 0 : be32(a[CTA_MARK]);
        int status = a[CTA_STATUS] == null ? 0 : be32(a[CTA_STATUS]);
        return new Entry(protocol[0], original, reply, state, timeout, mark, status);
    }

    private static Tuple tuple(ByteBuffer nested, int[] protocol) {
        ByteBuffer[] t = RtNetlinkCodec.attributes(nested, 0);
        if (t[CTA_TUPLE_IP] == null || t[CTA_TUPLE_PROTO] == null) return null;
        ByteBuffer[] ip = RtNetlinkCodec.attributes(t[CTA_TUPLE_IP], 0);
        ByteBuffer src = ip[CTA_IP_V4_SRC] != null ? ip[CTA_IP_V4_SRC] : ip[CTA_IP_V6_SRC];
        ByteBuffer dst = ip[CTA_IP_V4_DST] != null ? ip[CTA_IP_V4_DST] : ip[CTA_IP_V6_DST];
        if (src == null || dst == null) return null;
        ByteBuffer[] p = RtNetlinkCodec.attributes(t[CTA_TUPLE_PROTO], 0);
        if (p[CTA_PROTO_NUM] != null) protocol[0] = RtNetlinkCodec.u8(p[CTA_PROTO_NUM]);
        return new Tuple(RtNetlinkCodec.address(src), port(p[CTA_PROTO_SRC_PORT]), RtNetlinkCodec.address(dst),
                port(p[CTA_PROTO_DST_PORT]));
    }

    private static int port(ByteBuffer b) {
        return b == null || b.limit() < 2 ? 0 : b.duplicate().order(ByteOrder.BIG_ENDIAN).getShort(0) & 0xffff;
    }

    private static int be32(ByteBuffer b) {
        if (b.limit() < 4) throw new IllegalArgumentException("32-bit attribute of " + b.limit() + " bytes");
        return b.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(0);
    }
}
