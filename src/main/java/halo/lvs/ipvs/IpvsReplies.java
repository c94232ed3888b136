package halo.lvs.ipvs;

import static halo.lvs.ipvs.IpvsNetlink.*;

import halo.lvs.Connections;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsTimeouts;
import halo.lvs.Persistence;
import halo.lvs.Protocol;
import halo.lvs.ServiceFlag;
import halo.lvs.ServiceKey;
import halo.lvs.Stats;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * The kernel's IPVS answers, decoded as the kernel writes them (net/netfilter/ipvs/ip_vs_ctl.c:
 * ip_vs_genl_fill_service, ip_vs_genl_fill_dest, ip_vs_genl_fill_stats64, the GET_CONFIG and GET_INFO replies).
 * Counters come from the 64-bit statistics (IPVS_*_ATTR_STATS64), falling back to the older 32-bit ones; the PAD
 * attributes 64-bit values may bring are skipped. Each message is whole (nlmsghdr included). Pure; malformed input
 * is an IllegalArgumentException.
 */
public final class IpvsReplies {
    private IpvsReplies() {}

    /** One service as the kernel holds it (an IPVS_CMD_NEW_SERVICE answer). */
    public record KernelService(ServiceKey key, String scheduler, int flags, Persistence persistence, String peName,
                                Stats stats, Stats rates) {
        /** The ServiceFlags in the kernel's word (persistence and HASHED are not ServiceFlags). */
        public Set<ServiceFlag> serviceFlags() {
            return ServiceFlag.fromBits(flags);
        }
    }

    /**
     * One destination as the kernel holds it (an IPVS_CMD_NEW_DEST answer).
     *
     * @param forwarding the kernel's IP_VS_CONN_F_* method (LOCALNODE has no ForwardingMethod)
     */
    public record KernelDestination(DestinationKey key, int forwarding, int weight, int upperThreshold,
                                    int lowerThreshold, Connections connections, Stats stats, Stats rates,
                                    int tunnelType, int tunnelPort, int tunnelFlags) {
        /** Halo's forwarding method, or null for IP_VS_CONN_F_LOCALNODE. */
        public ForwardingMethod forwardingMethod() {
            return switch (forwarding) {
                case CONN_F_MASQ -> ForwardingMethod.NAT;
                case CONN_F_TUNNEL -> ForwardingMethod.TUN;
                case CONN_F_DROUTE -> ForwardingMethod.DR;
                default -> null;
            };
        }
    }

    /** GET_INFO's answer: IP_VS_VERSION_CODE (0x010201 = 1.2.1) and the connection hash table's size. */
    public record Info(int version, int connectionTableSize) {}

    /** The command of a generic netlink MESSAGE (its genlmsghdr). */
    public static int command(byte[] message) {
        if (message.length < NLMSG_HEADER + GENL_HEADER) {
            throw new IllegalArgumentException("generic netlink message of " + message.length + " bytes");
        }
        return message[NLMSG_HEADER] & 0xff;
    }

    public static KernelService service(byte[] message) {
        ByteBuffer nest = top(message, CMD_NEW_SERVICE)[CMD_ATTR_SERVICE];
        if (nest == null) throw new IllegalArgumentException("IPVS service answer without IPVS_CMD_ATTR_SERVICE");
        ByteBuffer[] a = attributes(nest);
        int af = u16(required(a, SVC_ATTR_AF, "IPVS_SVC_ATTR_AF"));
        boolean ipv6 = af == AF_INET6;
        ServiceKey key;
        if (a[SVC_ATTR_FWMARK] != null) {
            key = new ServiceKey.Fwmark(u32(a[SVC_ATTR_FWMARK]), ipv6);
        } else {
            key = new ServiceKey.Inet(address(required(a, SVC_ATTR_ADDR, "IPVS_SVC_ATTR_ADDR"), ipv6),
                    be16(required(a, SVC_ATTR_PORT, "IPVS_SVC_ATTR_PORT")),
                    protocol(u16(required(a, SVC_ATTR_PROTOCOL, "IPVS_SVC_ATTR_PROTOCOL"))));
        }
        ByteBuffer flagsAttr = required(a, SVC_ATTR_FLAGS, "IPVS_SVC_ATTR_FLAGS");
        if (flagsAttr.limit() < 8) throw new IllegalArgumentException("IPVS_SVC_ATTR_FLAGS of " + flagsAttr.limit() + " bytes");
        int flags = flagsAttr.getInt(0) & flagsAttr.getInt(4);
        int timeout = u32(required(a, SVC_ATTR_TIMEOUT, "IPVS_SVC_ATTR_TIMEOUT"));
        ByteBuffer mask = required(a, SVC_ATTR_NETMASK, "IPVS_SVC_ATTR_NETMASK");
        int netmask = ipv6 ? u32(mask) : be32(mask);
        Stats[] counters = stats(a[SVC_ATTR_STATS64], a[SVC_ATTR_STATS]);
        return new KernelService(key, string(required(a, SVC_ATTR_SCHED_NAME, "IPVS_SVC_ATTR_SCHED_NAME")), flags,
                new Persistence((flags & ServiceFlag.PERSISTENT_BIT) != 0 ? timeout : 0, netmask),
                a[SVC_ATTR_PE_NAME] == null ? "" : string(a[SVC_ATTR_PE_NAME]), counters[0], counters[1]);
    }

    /** A destination answer; SERVICE_IPV6 is the service's family, used when the kernel sends no ADDR_FAMILY. */
    public static KernelDestination destination(byte[] message, boolean serviceIpv6) {
        ByteBuffer nest = top(message, CMD_NEW_DEST)[CMD_ATTR_DEST];
        if (nest == null) throw new IllegalArgumentException("IPVS destination answer without IPVS_CMD_ATTR_DEST");
        ByteBuffer[] a = attributes(nest);
        boolean ipv6 = a[DEST_ATTR_ADDR_FAMILY] != null ? u16(a[DEST_ATTR_ADDR_FAMILY]) == AF_INET6 : serviceIpv6;
        DestinationKey key = new DestinationKey(address(required(a, DEST_ATTR_ADDR, "IPVS_DEST_ATTR_ADDR"), ipv6),
                be16(required(a, DEST_ATTR_PORT, "IPVS_DEST_ATTR_PORT")));
        Stats[] counters = stats(a[DEST_ATTR_STATS64], a[DEST_ATTR_STATS]);
        return new KernelDestination(key,
                u32(required(a, DEST_ATTR_FWD_METHOD, "IPVS_DEST_ATTR_FWD_METHOD")) & CONN_F_FWD_MASK,
                u32(required(a, DEST_ATTR_WEIGHT, "IPVS_DEST_ATTR_WEIGHT")),
                u32(required(a, DEST_ATTR_U_THRESH, "IPVS_DEST_ATTR_U_THRESH")),
                u32(required(a, DEST_ATTR_L_THRESH, "IPVS_DEST_ATTR_L_THRESH")),
                new Connections(unsigned(a[DEST_ATTR_ACTIVE_CONNS]), unsigned(a[DEST_ATTR_INACT_CONNS]),
                        unsigned(a[DEST_ATTR_PERSIST_CONNS])),
                counters[0], counters[1],
                a[DEST_ATTR_TUN_TYPE] == null ? TUNNEL_TYPE_IPIP : a[DEST_ATTR_TUN_TYPE].get(0) & 0xff,
                a[DEST_ATTR_TUN_PORT] == null ? 0 : be16(a[DEST_ATTR_TUN_PORT]),
                a[DEST_ATTR_TUN_FLAGS] == null ? 0 : u16(a[DEST_ATTR_TUN_FLAGS]));
    }

    /** GET_CONFIG's answer (command IPVS_CMD_SET_CONFIG); a timeout the kernel leaves out (no TCP or UDP) is 0. */
    public static IpvsTimeouts timeouts(byte[] message) {
        ByteBuffer[] a = top(message, CMD_SET_CONFIG);
        return new IpvsTimeouts(a[CMD_ATTR_TIMEOUT_TCP] == null ? 0 : u32(a[CMD_ATTR_TIMEOUT_TCP]),
                a[CMD_ATTR_TIMEOUT_TCP_FIN] == null ? 0 : u32(a[CMD_ATTR_TIMEOUT_TCP_FIN]),
                a[CMD_ATTR_TIMEOUT_UDP] == null ? 0 : u32(a[CMD_ATTR_TIMEOUT_UDP]));
    }

    /** GET_INFO's answer (command IPVS_CMD_SET_INFO, the INFO attributes at the top level). */
    public static Info info(byte[] message) {
        ByteBuffer[] a = top(message, CMD_SET_INFO);
        return new Info(u32(required(a, INFO_ATTR_VERSION, "IPVS_INFO_ATTR_VERSION")),
                u32(required(a, INFO_ATTR_CONN_TAB_SIZE, "IPVS_INFO_ATTR_CONN_TAB_SIZE")));
    }

    // ---- attributes

    /** The top-level attributes of MESSAGE, which must be COMMAND. */
    private static ByteBuffer[] top(byte[] message, int command) {
        if (command(message) != command) {
            throw new IllegalArgumentException("expected " + commandName(command) + ", got "
                    + commandName(command(message)));
        }
        ByteBuffer b = ByteBuffer.wrap(message).order(ByteOrder.nativeOrder());
        int len = b.getInt(0);
        if (len < NLMSG_HEADER + GENL_HEADER || len > message.length) {
            throw new IllegalArgumentException("nlmsg_len " + len + " for " + message.length + " bytes");
        }
        return attributes(b.slice(NLMSG_HEADER + GENL_HEADER, len - NLMSG_HEADER - GENL_HEADER)
                .order(ByteOrder.nativeOrder()));
    }

    /** Attributes of B indexed by type (flags NLA_F_NESTED and NLA_F_NET_BYTEORDER masked; unknown types skipped). */
    static ByteBuffer[] attributes(ByteBuffer b) {
        ByteBuffer[] out = new ByteBuffer[32];
        int at = 0;
        while (at + 4 <= b.limit()) {
            int len = b.getShort(at) & 0xffff;
            int type = b.getShort(at + 2) & 0x3fff;
            if (len < 4 || at + len > b.limit()) {
                throw new IllegalArgumentException("attribute of length " + len + " at " + at + " of " + b.limit());
            }
            if (type < out.length) out[type] = b.slice(at + 4, len - 4).order(ByteOrder.nativeOrder());
            at += NetlinkWriter.align(len);
        }
        return out;
    }

    /** Totals and rates from STATS64 (u64 each) or, from a kernel before 4.1, STATS (u32 but the byte counts). */
    private static Stats[] stats(ByteBuffer stats64, ByteBuffer stats32) {
        if (stats64 == null && stats32 == null) return new Stats[] {Stats.ZERO, Stats.ZERO};
        ByteBuffer[] a = attributes(stats64 != null ? stats64 : stats32);
        return new Stats[] {
            new Stats(number(a[STATS_ATTR_CONNS]), number(a[STATS_ATTR_INPKTS]), number(a[STATS_ATTR_OUTPKTS]),
                    number(a[STATS_ATTR_INBYTES]), number(a[STATS_ATTR_OUTBYTES])),
            new Stats(number(a[STATS_ATTR_CPS]), number(a[STATS_ATTR_INPPS]), number(a[STATS_ATTR_OUTPPS]),
                    number(a[STATS_ATTR_INBPS]), number(a[STATS_ATTR_OUTBPS]))};
    }

    /** A u32 or u64 counter (unsigned; a u64 beyond Long.MAX_VALUE is not a count IPVS reaches). */
    private static long number(ByteBuffer b) {
        if (b == null) return 0;
        if (b.limit() >= 8) return b.getLong(0);
        return unsigned(b);
    }

    private static long unsigned(ByteBuffer b) {
        return b == null ? 0 : Integer.toUnsignedLong(u32(b));
    }

    private static ByteBuffer required(ByteBuffer[] a, int type, String name) {
        if (a[type] == null) throw new IllegalArgumentException("IPVS answer without " + name);
        return a[type];
    }

    private static int u16(ByteBuffer b) {
        if (b.limit() < 2) throw new IllegalArgumentException("16-bit attribute of " + b.limit() + " bytes");
        return b.getShort(0) & 0xffff;
    }

    private static int be16(ByteBuffer b) {
        if (b.limit() < 2) throw new IllegalArgumentException("16-bit attribute of " + b.limit() + " bytes");
        return ((b.get(0) & 0xff) << 8) | (b.get(1) & 0xff);
    }

    private static int u32(ByteBuffer b) {
        if (b.limit() < 4) throw new IllegalArgumentException("32-bit attribute of " + b.limit() + " bytes");
        return b.getInt(0);
    }

    private static int be32(ByteBuffer b) {
        if (b.limit() < 4) throw new IllegalArgumentException("32-bit attribute of " + b.limit() + " bytes");
        return b.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(0);
    }

    private static String string(ByteBuffer b) {
        int n = 0;
        while (n < b.limit() && b.get(n) != 0) n++;
        byte[] bytes = new byte[n];
        b.get(0, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static InetAddress address(ByteBuffer b, boolean ipv6) {
        int n = ipv6 ? 16 : 4;
        if (b.limit() < n) throw new IllegalArgumentException("address attribute of " + b.limit() + " bytes");
        byte[] bytes = new byte[b.limit()];
        b.get(0, bytes);
        try {
            return InetAddress.getByAddress(Arrays.copyOf(bytes, n));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Protocol protocol(int number) {
        return switch (number) {
            case IPPROTO_TCP -> Protocol.TCP;
            case IPPROTO_UDP -> Protocol.UDP;
            case IPPROTO_SCTP -> Protocol.SCTP;
            default -> throw new IllegalArgumentException("IPVS service of protocol " + number);
        };
    }
}
