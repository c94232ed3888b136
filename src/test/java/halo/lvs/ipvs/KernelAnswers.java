package halo.lvs.ipvs;

import static halo.lvs.ipvs.IpvsNetlink.*;

import halo.lvs.Connections;
import halo.lvs.DestinationKey;
import halo.lvs.IpvsTimeouts;
import halo.lvs.ServiceKey;
import halo.lvs.Stats;

/**
 * Answers as the kernel writes them (ip_vs_ctl.c's fill functions, in their order), for the fake transport. The
 * decoding of such bytes is checked against hand-written fixtures in IpvsRepliesTest.
 */
final class KernelAnswers {
    private KernelAnswers() {}

    static byte[] service(ServiceKey key, String scheduler, int flags, int timeout, int netmask, Stats stats,
                          Stats rates) {
        NetlinkWriter w = new NetlinkWriter(FakeTransport.FAMILY, NLM_F_MULTI, CMD_NEW_SERVICE);
        int at = w.begin(CMD_ATTR_SERVICE);
        w.u16(SVC_ATTR_AF, key.ipv6() ? AF_INET6 : AF_INET);
        switch (key) {
            case ServiceKey.Fwmark f -> w.u32(SVC_ATTR_FWMARK, f.mark());
            case ServiceKey.Inet i -> {
                w.u16(SVC_ATTR_PROTOCOL, IpvsRequests.protocol(i.protocol()));
                w.attr(SVC_ATTR_ADDR, IpvsRequests.address(i.address()));
                w.be16(SVC_ATTR_PORT, i.port());
            }
        }
        w.string(SVC_ATTR_SCHED_NAME, scheduler);
        w.attr(SVC_ATTR_FLAGS, java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder())
                .putInt(flags | 0x2).putInt(~0).array()); // the kernel's own HASHED bit
        w.u32(SVC_ATTR_TIMEOUT, timeout);
        if (key.ipv6()) w.u32(SVC_ATTR_NETMASK, netmask);
        else w.be32(SVC_ATTR_NETMASK, netmask);
        stats64(w, SVC_ATTR_STATS64, stats, rates);
        w.end(at);
        return w.bytes();
    }

    static byte[] destination(DestinationKey key, int forwarding, int weight, Connections connections, Stats stats,
                              Stats rates) {
        NetlinkWriter w = new NetlinkWriter(FakeTransport.FAMILY, NLM_F_MULTI, CMD_NEW_DEST);
        int at = w.begin(CMD_ATTR_DEST);
        w.attr(DEST_ATTR_ADDR, IpvsRequests.address(key.address()));
        w.be16(DEST_ATTR_PORT, key.port());
        w.u32(DEST_ATTR_FWD_METHOD, forwarding);
        w.u32(DEST_ATTR_WEIGHT, weight);
        w.u8(DEST_ATTR_TUN_TYPE, 0);
        w.be16(DEST_ATTR_TUN_PORT, 0);
        w.u16(DEST_ATTR_TUN_FLAGS, 0);
        w.u32(DEST_ATTR_U_THRESH, 0);
        w.u32(DEST_ATTR_L_THRESH, 0);
        w.u32(DEST_ATTR_ACTIVE_CONNS, (int) connections.active());
        w.u32(DEST_ATTR_INACT_CONNS, (int) connections.inactive());
        w.u32(DEST_ATTR_PERSIST_CONNS, (int) connections.persistent());
        w.u16(DEST_ATTR_ADDR_FAMILY, IpvsRequests.family(key.address()));
        stats64(w, DEST_ATTR_STATS64, stats, rates);
        w.end(at);
        return w.bytes();
    }

    static byte[] timeouts(IpvsTimeouts t) {
        NetlinkWriter w = new NetlinkWriter(FakeTransport.FAMILY, 0, CMD_SET_CONFIG);
        w.u32(CMD_ATTR_TIMEOUT_TCP, t.tcp());
        w.u32(CMD_ATTR_TIMEOUT_TCP_FIN, t.tcpFin());
        w.u32(CMD_ATTR_TIMEOUT_UDP, t.udp());
        return w.bytes();
    }

    private static void stats64(NetlinkWriter w, int type, Stats s, Stats r) {
        int at = w.begin(type);
        long[] values = {s.connections(), s.inPackets(), s.outPackets(), s.inBytes(), s.outBytes(),
            r.connections(), r.inPackets(), r.outPackets(), r.inBytes(), r.outBytes()};
        for (int i = 0; i < values.length; i++) {
            w.attr(STATS_ATTR_CONNS + i, java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder())
                    .putLong(values[i]).array());
        }
        w.end(at);
    }
}
