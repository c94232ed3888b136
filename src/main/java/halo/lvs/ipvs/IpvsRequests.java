package halo.lvs.ipvs;

import halo.config.SyncDaemonConfig;
import static halo.lvs.ipvs.IpvsNetlink.*;

import halo.config.Tunnel;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsTimeouts;
import halo.lvs.Protocol;
import halo.lvs.ServiceFlag;
import halo.lvs.ServiceKey;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The IPVS generic netlink requests Halo sends, built from its typed values, byte for byte as keepalived's libipvs
 * builds them (keepalived/check/libipvs.c: ipvs_nl_fill_service_attr, ipvs_nl_fill_dest_attr, ipvs_start_daemon...),
 * in the order the kernel's ip_vs_genl_parse_service and ip_vs_genl_parse_dest read them. Pure: no I/O.
 * <p>
 * Commands carry NLM_F_REQUEST | NLM_F_ACK (what libnl's nl_send_auto adds), dumps NLM_F_DUMP as well. Where the
 * kernel reads only a service's identity (deleting, zeroing, the destinations of a dump, a destination's removal:
 * ip_vs_genl_parse_service and _dest with full_entry false) Halo sends only the identity, as ipvsadm does for
 * {@code -L}; keepalived sends its whole service there, which the kernel ignores.
 */
public final class IpvsRequests {
    static final int COMMAND = NLM_F_REQUEST | NLM_F_ACK;
    static final int DUMP = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP;
    /** sizeof(union nf_inet_addr): addresses always take 16 bytes, an IPv4 one in the first 4. */
    static final int ADDRESS_BYTES = 16;

    private final int familyId;

    /** FAMILY_ID: the id the controller resolved for "IPVS" (the messages' nlmsg_type). */
    public IpvsRequests(int familyId) {
        this.familyId = familyId;
    }

    public int familyId() {
        return familyId;
    }

    public byte[] newService(IpvsService service) {
        return serviceCommand(CMD_NEW_SERVICE, service);
    }

    public byte[] setService(IpvsService service) {
        return serviceCommand(CMD_SET_SERVICE, service);
    }

    public byte[] deleteService(ServiceKey service) {
        NetlinkWriter w = new NetlinkWriter(familyId, COMMAND, CMD_DEL_SERVICE);
        serviceIdentity(w, service);
        return w.bytes();
    }

    public byte[] newDestination(IpvsService service, IpvsDestination destination) {
        return destinationCommand(CMD_NEW_DEST, service, destination);
    }

    public byte[] setDestination(IpvsService service, IpvsDestination destination) {
        return destinationCommand(CMD_SET_DEST, service, destination);
    }

    public byte[] deleteDestination(ServiceKey service, DestinationKey destination) {
        NetlinkWriter w = new NetlinkWriter(familyId, COMMAND, CMD_DEL_DEST);
        serviceIdentity(w, service);
        int at = w.begin(CMD_ATTR_DEST);
        w.u16(DEST_ATTR_ADDR_FAMILY, family(destination.address()));
        w.attr(DEST_ATTR_ADDR, address(destination.address()));
        w.be16(DEST_ATTR_PORT, destination.port());
        w.end(at);
        return w.bytes();
    }

    /** {@code ipvsadm --set}: only the non-zero timeouts are sent, so the kernel keeps the others (0 = unchanged). */
    public byte[] setTimeouts(IpvsTimeouts timeouts) {
        NetlinkWriter w = new NetlinkWriter(familyId, COMMAND, CMD_SET_CONFIG);
        if (timeouts.tcp() != 0) w.u32(CMD_ATTR_TIMEOUT_TCP, timeouts.tcp());
        if (timeouts.tcpFin() != 0) w.u32(CMD_ATTR_TIMEOUT_TCP_FIN, timeouts.tcpFin());
        if (timeouts.udp() != 0) w.u32(CMD_ATTR_TIMEOUT_UDP, timeouts.udp());
        return w.bytes();
    }

    /** Answered by one IPVS_CMD_SET_CONFIG message with the three timeouts. */
    public byte[] getTimeouts() {
        return new NetlinkWriter(familyId, COMMAND, CMD_GET_CONFIG).bytes();
    }

    /** Answered by IPVS_CMD_SET_INFO: the version and the connection table's size. */
    public byte[] getInfo() {
        return new NetlinkWriter(familyId, COMMAND, CMD_GET_INFO).bytes();
    }

    /** {@code ipvsadm -Z}: SERVICE's counters, or every service's when it is null (no service attribute). */
    public byte[] zero(ServiceKey service) {
        NetlinkWriter w = new NetlinkWriter(familyId, COMMAND, CMD_ZERO);
        if (service != null) serviceIdentity(w, service);
        return w.bytes();
    }

    /** {@code ipvsadm -C}: every service and destination. */
    public byte[] flush() {
        return new NetlinkWriter(familyId, COMMAND, CMD_FLUSH).bytes();
    }

    /** Dump of every service (answers: IPVS_CMD_NEW_SERVICE each). */
    public byte[] getServices() {
        return new NetlinkWriter(familyId, DUMP, CMD_GET_SERVICE).bytes();
    }

    /** Dump of SERVICE's destinations (answers: IPVS_CMD_NEW_DEST each), the service by its identity. */
    public byte[] getDestinations(ServiceKey service) {
        NetlinkWriter w = new NetlinkWriter(familyId, DUMP, CMD_GET_DEST);
        serviceIdentity(w, service);
        return w.bytes();
    }

    /**
     * Starts the sync daemon in STATE (IpvsNetlink.STATE_MASTER or STATE_BACKUP) as keepalived's ipvs_start_daemon
     * does: state, interface and SyncID, then the 2.2.x attributes that are set (maxlen, port, ttl, group).
     */
    public byte[] startDaemon(int state, SyncDaemonConfig config) {
        NetlinkWriter w = new NetlinkWriter(familyId, COMMAND, CMD_NEW_DAEMON);
        int at = w.begin(CMD_ATTR_DAEMON);
        w.u32(DAEMON_ATTR_STATE, state);
        w.string(DAEMON_ATTR_MCAST_IFN, config.interfaceName());
        w.u32(DAEMON_ATTR_SYNC_ID, config.syncId());
        if (config.maxLength() != 0) w.u16(DAEMON_ATTR_SYNC_MAXLEN, config.maxLength());
        if (config.port() != 0) w.u16(DAEMON_ATTR_MCAST_PORT, config.port());
        if (config.ttl() != 0) w.u8(DAEMON_ATTR_MCAST_TTL, config.ttl());
        if (config.group() instanceof Inet6Address g) {
            w.attr(DAEMON_ATTR_MCAST_GROUP6, g.getAddress());
        } else if (config.group() != null) {
            w.attr(DAEMON_ATTR_MCAST_GROUP, config.group().getAddress()); // nla_get_in_addr: network order
        }
        w.end(at);
        return w.bytes();
    }

    /** Stops the sync daemon in STATE, as keepalived's ipvs_stop_daemon: state and SyncID. */
    public byte[] stopDaemon(int state, int syncId) {
        NetlinkWriter w = new NetlinkWriter(familyId, COMMAND, CMD_DEL_DAEMON);
        int at = w.begin(CMD_ATTR_DAEMON);
        w.u32(DAEMON_ATTR_STATE, state);
        w.u32(DAEMON_ATTR_SYNC_ID, syncId);
        w.end(at);
        return w.bytes();
    }

    /** Dump of the running sync daemons (answers: IPVS_CMD_NEW_DAEMON each). */
    public byte[] getDaemons() {
        return new NetlinkWriter(familyId, DUMP, CMD_GET_DAEMON).bytes();
    }

    // ---- the kernel's words for Halo's values

    /** The kernel's flags word: the ServiceFlags' bits, and IP_VS_SVC_F_PERSISTENT for a persistent service. */
    public static int flags(IpvsService service) {
        return ServiceFlag.bits(service.flags()) | (service.persistent() ? ServiceFlag.PERSISTENT_BIT : 0);
    }

    /** IPVS_DEST_ATTR_FWD_METHOD: IP_VS_CONN_F_MASQ, _TUNNEL or _DROUTE. */
    public static int forwarding(ForwardingMethod method) {
        return switch (method) {
            case NAT -> CONN_F_MASQ;
            case TUN -> CONN_F_TUNNEL;
            case DR -> CONN_F_DROUTE;
        };
    }

    static int protocol(Protocol p) {
        return switch (p) {
            case TCP -> IPPROTO_TCP;
            case UDP -> IPPROTO_UDP;
            case SCTP -> IPPROTO_SCTP;
        };
    }

    static int family(InetAddress a) {
        return a instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    static byte[] address(InetAddress a) {
        byte[] out = new byte[ADDRESS_BYTES];
        byte[] b = a.getAddress();
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    // ---- nested attributes

    private byte[] serviceCommand(int command, IpvsService service) {
        NetlinkWriter w = new NetlinkWriter(familyId, COMMAND, command);
        service(w, service);
        return w.bytes();
    }

    private byte[] destinationCommand(int command, IpvsService service, IpvsDestination destination) {
        NetlinkWriter w = new NetlinkWriter(familyId, COMMAND, command);
        service(w, service);
        destination(w, destination);
        return w.bytes();
    }

    /** ipvs_nl_fill_service_attr: identity, scheduler, engine, flags with a full mask, timeout, netmask. */
    private static void service(NetlinkWriter w, IpvsService s) {
        int at = w.begin(CMD_ATTR_SERVICE);
        identity(w, s.key());
        w.string(SVC_ATTR_SCHED_NAME, s.scheduler().kernelName());
        if (!s.peName().isEmpty()) w.string(SVC_ATTR_PE_NAME, s.peName());
        // struct ip_vs_flags { flags, mask }: a mask of ~0 replaces every flag (the kernel keeps HASHED itself)
        w.attr(SVC_ATTR_FLAGS, java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder())
                .putInt(flags(s)).putInt(~0).array());
        w.u32(SVC_ATTR_TIMEOUT, s.persistence().timeoutSeconds());
        // IPv4: a netmask in network order (nla_get_be32); IPv6: the prefix length as a plain number
        if (s.key().ipv6()) w.u32(SVC_ATTR_NETMASK, s.persistence().netmask());
        else w.be32(SVC_ATTR_NETMASK, s.persistence().netmask());
        w.end(at);
    }

    private static void serviceIdentity(NetlinkWriter w, ServiceKey key) {
        int at = w.begin(CMD_ATTR_SERVICE);
        identity(w, key);
        w.end(at);
    }

    private static void identity(NetlinkWriter w, ServiceKey key) {
        w.u16(SVC_ATTR_AF, key.ipv6() ? AF_INET6 : AF_INET);
        switch (key) {
            case ServiceKey.Fwmark f -> w.u32(SVC_ATTR_FWMARK, f.mark());
            case ServiceKey.Inet i -> {
                w.u16(SVC_ATTR_PROTOCOL, protocol(i.protocol()));
                w.attr(SVC_ATTR_ADDR, address(i.address()));
                w.be16(SVC_ATTR_PORT, i.port());
            }
        }
    }

    /**
     * ipvs_nl_fill_dest_attr: family, address, port, forwarding, weight, the tunnel (TUN only: type; port for GUE;
     * checksum flags unless ipip), thresholds.
     */
    private static void destination(NetlinkWriter w, IpvsDestination d) {
        int at = w.begin(CMD_ATTR_DEST);
        w.u16(DEST_ATTR_ADDR_FAMILY, family(d.key().address()));
        w.attr(DEST_ATTR_ADDR, address(d.key().address()));
        w.be16(DEST_ATTR_PORT, d.key().port());
        w.u32(DEST_ATTR_FWD_METHOD, forwarding(d.forwarding()));
        w.u32(DEST_ATTR_WEIGHT, d.weight());
        if (d.forwarding() == ForwardingMethod.TUN) {
            Tunnel t = d.tunnel() == null ? Tunnel.IPIP : d.tunnel();
            w.u8(DEST_ATTR_TUN_TYPE, tunnelType(t.type()));
            if (t.type() == Tunnel.Type.GUE) w.be16(DEST_ATTR_TUN_PORT, t.port());
            if (t.type() != Tunnel.Type.IPIP) w.u16(DEST_ATTR_TUN_FLAGS, tunnelFlags(t.checksum()));
        }
        w.u32(DEST_ATTR_U_THRESH, d.upperThreshold());
        w.u32(DEST_ATTR_L_THRESH, d.lowerThreshold());
        w.end(at);
    }

    static int tunnelType(Tunnel.Type type) {
        return switch (type) {
            case IPIP -> TUNNEL_TYPE_IPIP;
            case GUE -> TUNNEL_TYPE_GUE;
            case GRE -> TUNNEL_TYPE_GRE;
        };
    }

    /** IP_VS_TUNNEL_ENCAP_FLAG_*: keepalived's nocsum (the default), csum, remcsum. */
    static int tunnelFlags(String checksum) {
        if (checksum == null) return TUNNEL_FLAG_NOCSUM;
        return switch (checksum) {
            case "csum" -> TUNNEL_FLAG_CSUM;
            case "remcsum" -> TUNNEL_FLAG_REMCSUM;
            default -> TUNNEL_FLAG_NOCSUM;
        };
    }
}
