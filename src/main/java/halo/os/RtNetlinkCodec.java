package halo.os;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * rtnetlink messages (rtnetlink(7)), encoded and decoded without I/O. Netlink headers and attributes are in
 * host byte order (little-endian here); addresses inside attributes are in network order. Every message and
 * attribute is padded to 4 bytes (NLMSG_ALIGN / RTA_ALIGN).
 */
final class RtNetlinkCodec {
    // message types
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;
    static final int RTM_NEWRULE = 32;
    static final int RTM_DELRULE = 33;
    static final int RTM_GETRULE = 34;
    // flags
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    static final int NLM_F_ACK_TLVS = 0x200; // on NLMSG_ERROR: extended ack attributes follow
    static final int NLMSGERR_ATTR_MSG = 1;
    // families
    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    // IFLA_*
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_OPERSTATE = 16;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;
    // IFLA_IPTUN_* (if_tunnel.h)
    static final int IFLA_IPTUN_LOCAL = 2;
    static final int IFLA_IPTUN_REMOTE = 3;
    static final int IFLA_IPTUN_TTL = 4;
    static final int IFLA_IPTUN_PMTUDISC = 10;
    static final int IFLA_LINK = 5;
    static final int IFLA_AF_SPEC = 26;
    static final int IFLA_MACVLAN_MODE = 1;
    /** MACVLAN_MODE_PRIVATE: no frames between macvlans of one lower device (keepalived's VMAC mode). */
    static final int MACVLAN_MODE_PRIVATE = 1;
    static final int IFLA_INET_CONF = 1;
    static final int IFLA_INET6_ADDR_GEN_MODE = 8;
    static final int IN6_ADDR_GEN_MODE_NONE = 1;
    // IFA_*
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_LABEL = 3;
    static final int IFA_BROADCAST = 4;
    static final int IFA_FLAGS = 8;
    // RTA_*
    static final int RTA_DST = 1;
    static final int RTA_SRC = 2;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_PREFSRC = 7;
    static final int RTA_TABLE = 15;
    // FRA_*
    static final int FRA_DST = 1;
    static final int FRA_SRC = 2;
    static final int FRA_IIFNAME = 3;
    static final int FRA_PRIORITY = 6;
    static final int FRA_FWMARK = 10;
    static final int FRA_TABLE = 15;
    static final int FRA_FWMASK = 16;
    static final int FRA_OIFNAME = 17;

    static final int HEADER = 16;
    static final int RTNH_F_ONLINK = 4;
    static final int FIB_RULE_INVERT = 2;

    private RtNetlinkCodec() {}

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /** A netlink message under construction. */
    static final class Writer {
        private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());

        Writer(int type, int flags, int seq) {
            buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
        }

        private void ensure(int n) {
            if (buf.remaining() < n + 4) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n + 64))
                        .order(ByteOrder.nativeOrder());
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        Writer u8(int v) {
            ensure(1);
            buf.put((byte) v);
            return this;
        }

        Writer u16(int v) {
            ensure(2);
            buf.putShort((short) v);
            return this;
        }

        Writer u32(int v) {
            ensure(4);
            buf.putInt(v);
            return this;
        }

        Writer attr(int type, byte[] data) {
            int len = 4 + data.length;
            ensure(align(len));
            buf.putShort((short) len).putShort((short) type).put(data);
            for (int i = len; i < align(len); i++) {
                buf.put((byte) 0);
            }
            return this;
        }

        Writer attrU32(int type, int v) {
            return attr(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array());
        }

        Writer attrString(int type, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            byte[] z = new byte[b.length + 1];
            System.arraycopy(b, 0, z, 0, b.length);
            return attr(type, z);
        }

        Writer attrAddress(int type, InetAddress a) {
            return attr(type, a.getAddress());
        }

        Writer attrU8(int type, int v) {
            return attr(type, new byte[] {(byte) v});
        }

        /** Opens a nested attribute (as iproute2's addattr_nest, without NLA_F_NESTED); close it with {@link #end}. */
        int nest(int type) {
            ensure(4);
            int at = buf.position();
            buf.putShort((short) 0).putShort((short) type);
            return at;
        }

        Writer end(int nest) {
            buf.putShort(nest, (short) (buf.position() - nest));
            return this;
        }

        /** The finished message (nlmsg_len filled in). */
        byte[] bytes() {
            int len = buf.position();
            buf.putInt(0, len);
            byte[] out = new byte[len];
            buf.get(0, out);
            return out;
        }
    }

    /** One received message: header fields and its payload (after the 16-byte header). */
    record Message(int type, int flags, int seq, int pid, ByteBuffer payload) {}

    /** Splits a datagram into its messages. */
    static List<Message> split(ByteBuffer datagram) {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<Message> out = new ArrayList<>();
        int at = b.position();
        while (at + HEADER <= b.limit()) {
            int len = b.getInt(at);
            if (len < HEADER || len > b.limit() - at) {
                break;
            }
            ByteBuffer payload = b.slice(at + HEADER, len - HEADER).order(ByteOrder.nativeOrder());
            out.add(new Message(b.getShort(at + 4) & 0xffff, b.getShort(at + 6) & 0xffff, b.getInt(at + 8),
                    b.getInt(at + 12), payload));
            at += align(len);
        }
        return out;
    }

    /** Attributes from OFFSET to the end of PAYLOAD, indexed by type (0..63; later duplicates win). */
    static ByteBuffer[] attributes(ByteBuffer payload, int offset) {
        ByteBuffer[] attrs = new ByteBuffer[64];
        int at = offset;
        while (at + 4 <= payload.limit()) {
            int len = payload.getShort(at) & 0xffff;
            int type = payload.getShort(at + 2) & 0x3fff; // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
            if (len < 4 || at + len > payload.limit()) {
                break;
            }
            if (type < attrs.length) {
                attrs[type] = payload.slice(at + 4, len - 4).order(ByteOrder.nativeOrder());
            }
            at += align(len);
        }
        return attrs;
    }

    /** NLMSG_ERROR: 0 for an ACK, else the errno (positive). */
    static int errorOf(Message m) {
        return -payload(m, 4, "NLMSG_ERROR").getInt(0);
    }

    /**
     * The payload of M if it holds the fixed part of its type (MIN bytes); else the codec's error for malformed input,
     * IllegalArgumentException, as for a bad address attribute.
     */
    private static ByteBuffer payload(Message m, int min, String what) {
        ByteBuffer p = m.payload();
        if (p.limit() < min) {
            throw new IllegalArgumentException(what + " of " + p.limit() + " bytes, shorter than its " + min + "-byte header");
        }
        return p;
    }

    /**
     * The kernel's own explanation in an extended ACK (NLMSGERR_ATTR_MSG), or null. With NETLINK_CAP_ACK the
     * error payload is the errno and the request's header only, then the attributes.
     */
    static String extendedAckMessage(Message m, boolean capped) {
        if ((m.flags() & NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        ByteBuffer p = m.payload();
        if (p.limit() < 8) {
            return null;
        }
        int request = capped ? HEADER : p.getInt(4);
        if (request < HEADER || request > p.limit() - 4) {
            return null;
        }
        int offset = 4 + align(request);
        if (offset >= p.limit()) {
            return null;
        }
        ByteBuffer msg = attributes(p, offset)[NLMSGERR_ATTR_MSG];
        return msg == null ? null : string(msg);
    }

    static String string(ByteBuffer b) {
        int n = 0;
        while (n < b.limit() && b.get(n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        b.get(0, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.limit()];
        b.get(0, out);
        return out;
    }

    static int u32(ByteBuffer b) {
        if (b.limit() < 4) {
            throw new IllegalArgumentException("32-bit attribute of " + b.limit() + " bytes");
        }
        return b.getInt(0);
    }

    static int u8(ByteBuffer b) {
        if (b.limit() < 1) {
            throw new IllegalArgumentException("8-bit attribute of 0 bytes");
        }
        return b.get(0) & 0xff;
    }

    static InetAddress address(ByteBuffer b) {
        try {
            return InetAddress.getByAddress(bytes(b));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address attribute of " + b.limit() + " bytes");
        }
    }

    static int family(InetAddress a) {
        return a instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    // ---- requests

    /** A dump request (RTM_GETLINK/GETADDR/GETROUTE/GETRULE) for FAMILY with a zeroed family header. */
    static byte[] dump(int type, int family, int seq) {
        Writer w = new Writer(type, NLM_F_REQUEST | NLM_F_DUMP, seq);
        switch (type) {
            case RTM_GETLINK -> w.u8(family).u8(0).u16(0).u32(0).u32(0).u32(0); // ifinfomsg
            case RTM_GETADDR -> w.u8(family).u8(0).u8(0).u8(0).u32(0); // ifaddrmsg
            default -> w.u8(family).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0); // rtmsg / fib_rule_hdr
        }
        return w.bytes();
    }

    /** RTM_GETLINK for one link, by index (when > 0) or by name. */
    static byte[] getLink(int seq, int index, String name) {
        Writer w = new Writer(RTM_GETLINK, NLM_F_REQUEST, seq);
        w.u8(AF_UNSPEC).u8(0).u16(0).u32(index).u32(0).u32(0);
        if (index <= 0 && name != null) {
            w.attrString(IFLA_IFNAME, name);
        }
        return w.bytes();
    }

    /** RTM_NEWLINK changing only IFF_UP of link INDEX, as {@code ip link set dev DEV up/down} sends it. */
    static byte[] linkUp(int index, boolean up, int seq) {
        Writer w = new Writer(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.u8(AF_UNSPEC).u8(0).u16(0).u32(index).u32(up ? Link.IFF_UP : 0).u32(Link.IFF_UP); // ifi_flags, ifi_change
        return w.bytes();
    }

    /**
     * RTM_NEWLINK creating an IP-in-IP tunnel NAME to REMOTE (from LOCAL, or any address when null), as {@code ip link
     * add NAME type ipip remote REMOTE [local LOCAL] ttl inherit pmtudisc} sends it: TTL 0 (the inner packet's, as
     * IPVS's tunnel transmitter does), path MTU discovery on. Fails with EEXIST when NAME exists.
     */
    static byte[] ipipLink(String name, InetAddress local, InetAddress remote, int seq) {
        Writer w = new Writer(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
        w.u8(AF_UNSPEC).u8(0).u16(0).u32(0).u32(0).u32(0); // ifinfomsg
        w.attrString(IFLA_IFNAME, name);
        int info = w.nest(IFLA_LINKINFO);
        w.attrString(IFLA_INFO_KIND, "ipip");
        int data = w.nest(IFLA_INFO_DATA);
        if (local != null) {
            w.attrAddress(IFLA_IPTUN_LOCAL, local);
        }
        w.attrAddress(IFLA_IPTUN_REMOTE, remote);
        w.attrU8(IFLA_IPTUN_TTL, 0);
        w.attrU8(IFLA_IPTUN_PMTUDISC, 1);
        w.end(data);
        w.end(info);
        return w.bytes();
    }

    /**
     * RTM_NEWLINK creating a macvlan NAME on link LOWER with hardware address MAC in MODE, as keepalived creates a VMAC
     * ({@code ip link add NAME link LOWER address MAC type macvlan mode private}).
     */
    static byte[] newMacvlan(String name, int lower, byte[] mac, int mode, int seq) {
        Writer w = new Writer(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
        w.u8(AF_UNSPEC).u8(0).u16(0).u32(0).u32(0).u32(0);
        int info = w.nest(IFLA_LINKINFO);
        w.attrString(IFLA_INFO_KIND, "macvlan");
        int data = w.nest(IFLA_INFO_DATA);
        w.attrU32(IFLA_MACVLAN_MODE, mode);
        w.end(data).end(info);
        w.attrU32(IFLA_LINK, lower);
        w.attrString(IFLA_IFNAME, name);
        w.attr(IFLA_ADDRESS, mac);
        return w.bytes();
    }

    /** RTM_DELLINK of link INDEX, as {@code ip link del} sends it. */
    static byte[] deleteLink(int index, int seq) {
        Writer w = new Writer(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.u8(AF_UNSPEC).u8(0).u16(0).u32(index).u32(0).u32(0);
        return w.bytes();
    }

    /**
     * RTM_NEWLINK setting IPv4 devconf values of link INDEX (IFLA_AF_SPEC / AF_INET / IFLA_INET_CONF: pairs of
     * IPV4_DEVCONF_* id and value), as keepalived sets arp_ignore, rp_filter... without /proc/sys.
     */
    static byte[] ipv4Conf(int index, int[] idsAndValues, int seq) {
        Writer w = new Writer(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.u8(AF_UNSPEC).u8(0).u16(0).u32(index).u32(0).u32(0);
        int spec = w.nest(IFLA_AF_SPEC);
        int inet = w.nest(AF_INET);
        int conf = w.nest(IFLA_INET_CONF);
        for (int k = 0; k + 1 < idsAndValues.length; k += 2) {
            w.attrU32(idsAndValues[k], idsAndValues[k + 1]);
        }
        w.end(conf).end(inet).end(spec);
        return w.bytes();
    }

    /** RTM_NEWLINK setting IPv6 addr_gen_mode none on link INDEX: no link-local address of its own (RFC 5798 7.4). */
    static byte[] noAddressGeneration(int index, int seq) {
        Writer w = new Writer(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
        w.u8(AF_UNSPEC).u8(0).u16(0).u32(index).u32(0).u32(0);
        int spec = w.nest(IFLA_AF_SPEC);
        int inet6 = w.nest(AF_INET6);
        w.attr(IFLA_INET6_ADDR_GEN_MODE, new byte[] {(byte) IN6_ADDR_GEN_MODE_NONE});
        w.end(inet6).end(spec);
        return w.bytes();
    }

    /** The link kind of an RTM_NEWLINK answer (IFLA_LINKINFO / IFLA_INFO_KIND: "macvlan", "veth"...), or null. */
    static String linkKind(Message m) {
        ByteBuffer info = attributes(payload(m, 16, "RTM_NEWLINK"), 16)[IFLA_LINKINFO];
        if (info == null) {
            return null;
        }
        ByteBuffer kind = attributes(info, 0)[IFLA_INFO_KIND];
        return kind == null ? null : string(kind);
    }

    /** The IPv4 devconf value ID (IPV4_DEVCONF_*) of an RTM_NEWLINK answer, or -1 when it carries none. */
    static int ipv4Conf(Message m, int id) {
        ByteBuffer spec = attributes(payload(m, 16, "RTM_NEWLINK"), 16)[IFLA_AF_SPEC];
        if (spec == null) {
            return -1;
        }
        ByteBuffer inet = attributes(spec, 0)[AF_INET];
        if (inet == null) {
            return -1;
        }
        ByteBuffer conf = attributes(inet, 0)[IFLA_INET_CONF];
        // an array of u32, IPV4_DEVCONF_* - 1 its index
        if (conf == null || conf.limit() < id * 4) {
            return -1;
        }
        return conf.getInt((id - 1) * 4);
    }

    /** RTM_NEWADDR (create, fail if present) or RTM_DELADDR, as {@code ip addr add/del} sends them. */
    static byte[] address(int type, HostAddress a, int seq) {
        int flags = NLM_F_REQUEST | NLM_F_ACK | (type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
        Writer w = new Writer(type, flags, seq);
        w.u8(family(a.address())).u8(a.prefixLength()).u8(a.flags() & 0xff).u8(a.scope()).u32(a.interfaceIndex());
        w.attrAddress(IFA_LOCAL, a.address());
        w.attrAddress(IFA_ADDRESS, a.address());
        if (type == RTM_NEWADDR) {
            if (a.broadcast() != null) {
                w.attrAddress(IFA_BROADCAST, a.broadcast());
            }
            if (a.label() != null && !a.isIpv6()) {
                w.attrString(IFA_LABEL, a.label());
            }
            if (a.flags() > 0xff) {
                w.attrU32(IFA_FLAGS, a.flags());
            }
        }
        return w.bytes();
    }

    /** RTM_NEWROUTE (create, fail if present) or RTM_DELROUTE. */
    static byte[] route(int type, Route r, int seq) {
        boolean add = type == RTM_NEWROUTE;
        Writer w = new Writer(type, NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0), seq);
        int table = r.table();
        // Deleting: scope nowhere and protocol 0 match any, as ip route del does.
        w.u8(family(r.destination())).u8(r.prefixLength()).u8(0).u8(0)
                .u8(table < 256 ? table : 0)
                .u8(add ? r.protocol() : 0)
                .u8(add ? r.scope() : Scope.NOWHERE)
                .u8(r.type()).u32(r.onlink() ? RTNH_F_ONLINK : 0); // rtm_flags
        w.attrAddress(RTA_DST, r.destination());
        if (r.gateway() != null) {
            w.attrAddress(RTA_GATEWAY, r.gateway());
        }
        if (r.interfaceIndex() != 0) {
            w.attrU32(RTA_OIF, r.interfaceIndex());
        }
        if (r.preferredSource() != null) {
            w.attrAddress(RTA_PREFSRC, r.preferredSource());
        }
        if (r.metric() != Route.NO_METRIC) {
            w.attrU32(RTA_PRIORITY, r.metric());
        }
        w.attrU32(RTA_TABLE, table);
        return w.bytes();
    }

    /** RTM_NEWRULE (create, fail if present) or RTM_DELRULE. */
    static byte[] rule(int type, Rule r, int seq) {
        boolean add = type == RTM_NEWRULE;
        Writer w = new Writer(type, NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0), seq);
        int table = r.table();
        w.u8(r.ipv6() ? AF_INET6 : AF_INET).u8(r.to() == null ? 0 : r.toLength()).u8(r.from() == null ? 0 : r.fromLength())
                .u8(0).u8(table < 256 ? table : 0).u8(0).u8(0).u8(r.action()).u32(r.invert() ? FIB_RULE_INVERT : 0);
        if (r.from() != null) {
            w.attrAddress(FRA_SRC, r.from());
        }
        if (r.to() != null) {
            w.attrAddress(FRA_DST, r.to());
        }
        if (r.inputInterface() != null) {
            w.attrString(FRA_IIFNAME, r.inputInterface());
        }
        if (r.outputInterface() != null) {
            w.attrString(FRA_OIFNAME, r.outputInterface());
        }
        if (r.priority() != Rule.UNSET) {
            w.attrU32(FRA_PRIORITY, r.priority());
        }
        if (r.fwmark() != Rule.UNSET) {
            w.attrU32(FRA_FWMARK, (int) r.fwmark());
        }
        if (r.fwmask() != Rule.UNSET) {
            w.attrU32(FRA_FWMASK, (int) r.fwmask());
        }
        if (r.action() == Rule.FR_ACT_TO_TBL) {
            w.attrU32(FRA_TABLE, table);
        }
        return w.bytes();
    }

    // ---- replies

    /** RTM_NEWLINK / RTM_DELLINK payload: struct ifinfomsg (16 bytes) then IFLA_* attributes. */
    static Link link(Message m) {
        ByteBuffer p = payload(m, 16, "RTM_NEWLINK/DELLINK");
        int index = p.getInt(4);
        int flags = p.getInt(8);
        ByteBuffer[] a = attributes(p, 16);
        return new Link(index, a[IFLA_IFNAME] == null ? "" : string(a[IFLA_IFNAME]),
                flags, a[IFLA_ADDRESS] == null ? null : bytes(a[IFLA_ADDRESS]),
                a[IFLA_MTU] == null ? 0 : u32(a[IFLA_MTU]),
                a[IFLA_OPERSTATE] == null ? Link.OPER_UNKNOWN : u8(a[IFLA_OPERSTATE]));
    }

    /** RTM_NEWADDR / RTM_DELADDR payload: struct ifaddrmsg (8 bytes) then IFA_* attributes; null without one. */
    static HostAddress address(Message m) {
        ByteBuffer p = payload(m, 8, "RTM_NEWADDR/DELADDR");
        int prefix = p.get(1) & 0xff;
        int flags = p.get(2) & 0xff;
        int scope = p.get(3) & 0xff;
        int index = p.getInt(4);
        ByteBuffer[] a = attributes(p, 8);
        // IFA_LOCAL is the interface's own address; IFA_ADDRESS the peer on point-to-point links.
        ByteBuffer addr = a[IFA_LOCAL] != null ? a[IFA_LOCAL] : a[IFA_ADDRESS];
        if (addr == null) {
            return null; // not an address we can name: callers skip it
        }
        if (a[IFA_FLAGS] != null) {
            flags = u32(a[IFA_FLAGS]);
        }
        return new HostAddress(index, address(addr), prefix, a[IFA_BROADCAST] == null ? null : address(a[IFA_BROADCAST]),
                a[IFA_LABEL] == null ? null : string(a[IFA_LABEL]), scope, flags);
    }

    /** RTM_NEWROUTE payload: struct rtmsg (12 bytes) then RTA_* attributes. */
    static Route route(Message m) {
        ByteBuffer p = payload(m, 12, "RTM_NEWROUTE");
        int family = p.get(0) & 0xff;
        int dstLen = p.get(1) & 0xff;
        int table = p.get(4) & 0xff;
        int protocol = p.get(5) & 0xff;
        int scope = p.get(6) & 0xff;
        int type = p.get(7) & 0xff;
        ByteBuffer[] a = attributes(p, 12);
        if (a[RTA_TABLE] != null) {
            table = u32(a[RTA_TABLE]);
        }
        InetAddress dst = a[RTA_DST] != null ? address(a[RTA_DST]) : any(family);
        return new Route(dst, dstLen, a[RTA_GATEWAY] == null ? null : address(a[RTA_GATEWAY]),
                a[RTA_OIF] == null ? 0 : u32(a[RTA_OIF]), a[RTA_PREFSRC] == null ? null : address(a[RTA_PREFSRC]),
                table, a[RTA_PRIORITY] == null ? Route.NO_METRIC : u32(a[RTA_PRIORITY]), scope, type, protocol,
                (p.getInt(8) & RTNH_F_ONLINK) != 0);
    }

    /** RTM_NEWRULE payload: struct fib_rule_hdr (12 bytes) then FRA_* attributes. */
    static Rule rule(Message m) {
        ByteBuffer p = payload(m, 12, "RTM_NEWRULE");
        boolean v6 = (p.get(0) & 0xff) == AF_INET6;
        int dstLen = p.get(1) & 0xff;
        int srcLen = p.get(2) & 0xff;
        int table = p.get(4) & 0xff;
        int action = p.get(7) & 0xff;
        ByteBuffer[] a = attributes(p, 12);
        if (a[FRA_TABLE] != null) {
            table = u32(a[FRA_TABLE]);
        }
        return new Rule(v6, a[FRA_SRC] == null ? null : address(a[FRA_SRC]), srcLen,
                a[FRA_DST] == null ? null : address(a[FRA_DST]), dstLen,
                a[FRA_IIFNAME] == null ? null : string(a[FRA_IIFNAME]),
                a[FRA_OIFNAME] == null ? null : string(a[FRA_OIFNAME]),
                a[FRA_FWMARK] == null ? Rule.UNSET : Integer.toUnsignedLong(u32(a[FRA_FWMARK])),
                a[FRA_FWMASK] == null ? Rule.UNSET : Integer.toUnsignedLong(u32(a[FRA_FWMASK])),
                a[FRA_PRIORITY] == null ? Rule.UNSET : u32(a[FRA_PRIORITY]), table, action,
                (p.getInt(8) & FIB_RULE_INVERT) != 0);
    }

    static InetAddress any(int family) {
        try {
            return InetAddress.getByAddress(new byte[family == AF_INET6 ? 16 : 4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
