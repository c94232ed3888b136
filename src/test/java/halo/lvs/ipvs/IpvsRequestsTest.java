package halo.lvs.ipvs;

import halo.config.SyncDaemonConfig;
import static org.assertj.core.api.Assertions.assertThat;

import halo.config.RawSetting;
import halo.config.Tunnel;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsTimeouts;
import halo.lvs.Persistence;
import halo.lvs.Protocol;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceFlag;
import halo.lvs.ServiceKey;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every IPVS request byte for byte. The expected bytes are written by hand from include/uapi/linux/ip_vs.h's enum
 * values (commands, attribute numbers), struct nlmsghdr / genlmsghdr / nlattr (little-endian host order, 4-byte
 * alignment) and what keepalived's libipvs puts in each message and in which order; the family id is 0x1b here (the
 * kernel assigns it at run time).
 */
class IpvsRequestsTest {
    private static final int FAMILY = 0x1b;
    private final IpvsRequests requests = new IpvsRequests(FAMILY);

    private static final ServiceKey WEB = new ServiceKey.Inet(InetAddress.ofLiteral("192.0.2.10"), 80, Protocol.TCP);

    private static void assertBytes(byte[] actual, String expected) {
        assertThat(Hex.text(actual)).isEqualTo(Hex.text(Hex.bytes(expected)));
    }

    /** The service nest of WEB with wrr, no flags, not persistent: 84 bytes. */
    private static final String WEB_SERVICE = """
            54 00 01 00   # IPVS_CMD_ATTR_SERVICE, 84 bytes
            06 00 01 00 02 00 00 00   # IPVS_SVC_ATTR_AF AF_INET (u16 + 2 bytes padding)
            06 00 02 00 06 00 00 00   # IPVS_SVC_ATTR_PROTOCOL IPPROTO_TCP
            14 00 03 00 c0 00 02 0a 00 00 00 00 00 00 00 00 00 00 00 00   # IPVS_SVC_ATTR_ADDR: union nf_inet_addr
            06 00 04 00 00 50 00 00   # IPVS_SVC_ATTR_PORT 80, network order
            08 00 06 00 77 72 72 00   # IPVS_SVC_ATTR_SCHED_NAME "wrr\\0"
            0c 00 07 00 00 00 00 00 ff ff ff ff   # IPVS_SVC_ATTR_FLAGS {flags 0, mask ~0}
            08 00 08 00 00 00 00 00   # IPVS_SVC_ATTR_TIMEOUT 0
            08 00 09 00 ff ff ff ff   # IPVS_SVC_ATTR_NETMASK 255.255.255.255
            """;

    @Test
    void newService() {
        assertBytes(requests.newService(IpvsService.of(WEB, SchedulingMethod.WRR, Set.of(), null)), """
                68 00 00 00   # nlmsg_len 104
                1b 00         # nlmsg_type: the IPVS family
                05 00         # NLM_F_REQUEST | NLM_F_ACK
                00 00 00 00   # seq (the transport numbers it)
                00 00 00 00   # port id
                01 01 00 00   # IPVS_CMD_NEW_SERVICE, version 1
                """ + WEB_SERVICE);
    }

    @Test
    void persistentServiceWithSchedulerFlagsAndAMask() {
        IpvsService s = IpvsService.of(WEB, SchedulingMethod.SH, EnumSet.of(ServiceFlag.SCHED1, ServiceFlag.SCHED2),
                new Persistence(360, 0xffffff00));
        assertBytes(requests.setService(s), """
                68 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00
                02 01 00 00   # IPVS_CMD_SET_SERVICE
                54 00 01 00
                06 00 01 00 02 00 00 00
                06 00 02 00 06 00 00 00
                14 00 03 00 c0 00 02 0a 00 00 00 00 00 00 00 00 00 00 00 00
                06 00 04 00 00 50 00 00
                07 00 06 00 73 68 00 00   # "sh\\0": 7 bytes, padded to 8
                0c 00 07 00 19 00 00 00 ff ff ff ff   # PERSISTENT 0x1 | SCHED1 0x8 | SCHED2 0x10
                08 00 08 00 68 01 00 00   # timeout 360
                08 00 09 00 ff ff ff 00   # netmask 255.255.255.0 in network order
                """);
    }

    @Test
    void ipv6FirewallMarkServiceWithAnEngine() {
        IpvsService s = new IpvsService(new ServiceKey.Fwmark(7, true), SchedulingMethod.RR,
                Set.of(ServiceFlag.ONE_PACKET), new Persistence(60, 64), "sip", "", null, null, List.of());
        assertBytes(requests.newService(s), """
                54 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00
                01 01 00 00
                40 00 01 00   # 64 bytes
                06 00 01 00 0a 00 00 00   # AF_INET6
                08 00 05 00 07 00 00 00   # IPVS_SVC_ATTR_FWMARK 7
                07 00 06 00 72 72 00 00   # "rr\\0"
                08 00 0b 00 73 69 70 00   # IPVS_SVC_ATTR_PE_NAME "sip\\0"
                0c 00 07 00 05 00 00 00 ff ff ff ff   # PERSISTENT | ONEPACKET 0x4
                08 00 08 00 3c 00 00 00   # 60
                08 00 09 00 40 00 00 00   # IPv6: the prefix length 64, host order
                """);
    }

    @Test
    void newDestinationCarriesTheWholeServiceThenTheDestination() {
        IpvsDestination d = new IpvsDestination(new DestinationKey(InetAddress.ofLiteral("198.51.100.1"), 80),
                ForwardingMethod.DR, null, 3, 100, 50, null, null, null);
        assertBytes(requests.newDestination(IpvsService.of(WEB, SchedulingMethod.WRR, Set.of(), null), d), """
                b0 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00   # 176 bytes
                05 01 00 00   # IPVS_CMD_NEW_DEST
                """ + WEB_SERVICE + """
                48 00 02 00   # IPVS_CMD_ATTR_DEST, 72 bytes
                06 00 0b 00 02 00 00 00   # IPVS_DEST_ATTR_ADDR_FAMILY AF_INET
                14 00 01 00 c6 33 64 01 00 00 00 00 00 00 00 00 00 00 00 00   # 198.51.100.1
                06 00 02 00 00 50 00 00   # port 80
                08 00 03 00 03 00 00 00   # IPVS_DEST_ATTR_FWD_METHOD IP_VS_CONN_F_DROUTE
                08 00 04 00 03 00 00 00   # weight 3
                08 00 05 00 64 00 00 00   # IPVS_DEST_ATTR_U_THRESH 100
                08 00 06 00 32 00 00 00   # IPVS_DEST_ATTR_L_THRESH 50
                """);
    }

    @Test
    void tunnelledIpv6DestinationWithGueAndChecksums() {
        ServiceKey v6 = new ServiceKey.Inet(InetAddress.ofLiteral("2001:db8::10"), 443, Protocol.TCP);
        IpvsDestination d = new IpvsDestination(new DestinationKey(InetAddress.ofLiteral("2001:db8::1"), 443),
                ForwardingMethod.TUN, new Tunnel(Tunnel.Type.GUE, 5555, "csum"), 1, 0, 0, null, null, null);
        assertBytes(requests.setDestination(IpvsService.of(v6, SchedulingMethod.WLC, Set.of(), null), d), """
                c8 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00   # 200 bytes
                06 01 00 00   # IPVS_CMD_SET_DEST
                54 00 01 00
                06 00 01 00 0a 00 00 00
                06 00 02 00 06 00 00 00
                14 00 03 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 10
                06 00 04 00 01 bb 00 00   # 443
                08 00 06 00 77 6c 63 00   # "wlc\\0"
                0c 00 07 00 00 00 00 00 ff ff ff ff
                08 00 08 00 00 00 00 00
                08 00 09 00 80 00 00 00   # /128
                60 00 02 00   # IPVS_CMD_ATTR_DEST, 96 bytes
                06 00 0b 00 0a 00 00 00
                14 00 01 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
                06 00 02 00 01 bb 00 00
                08 00 03 00 02 00 00 00   # IP_VS_CONN_F_TUNNEL
                08 00 04 00 01 00 00 00
                05 00 0d 00 01 00 00 00   # IPVS_DEST_ATTR_TUN_TYPE GUE (u8 + 3 bytes padding)
                06 00 0e 00 15 b3 00 00   # IPVS_DEST_ATTR_TUN_PORT 5555, network order
                06 00 0f 00 01 00 00 00   # IPVS_DEST_ATTR_TUN_FLAGS IP_VS_TUNNEL_ENCAP_FLAG_CSUM
                08 00 05 00 00 00 00 00
                08 00 06 00 00 00 00 00
                """);
    }

    @Test
    void ipipTunnelSendsTheTypeOnlyAndMasqueradingNoTunnel() {
        IpvsService web = IpvsService.of(WEB, SchedulingMethod.WRR, Set.of(), null);
        DestinationKey rs = new DestinationKey(InetAddress.ofLiteral("198.51.100.1"), 80);
        byte[] ipip = requests.newDestination(web, new IpvsDestination(rs, ForwardingMethod.TUN, null, 1, 0, 0, null,
                null, null));
        assertBytes(java.util.Arrays.copyOfRange(ipip, 104, ipip.length), """
                50 00 02 00   # 80 bytes
                06 00 0b 00 02 00 00 00
                14 00 01 00 c6 33 64 01 00 00 00 00 00 00 00 00 00 00 00 00
                06 00 02 00 00 50 00 00
                08 00 03 00 02 00 00 00
                08 00 04 00 01 00 00 00
                05 00 0d 00 00 00 00 00   # TUN_TYPE IPIP; no port, no flags
                08 00 05 00 00 00 00 00
                08 00 06 00 00 00 00 00
                """);
        byte[] nat = requests.newDestination(web, IpvsDestination.of(rs, ForwardingMethod.NAT, 0));
        assertBytes(java.util.Arrays.copyOfRange(nat, 104 + 4 + 36, 104 + 4 + 52), """
                08 00 03 00 00 00 00 00   # IP_VS_CONN_F_MASQ
                08 00 04 00 00 00 00 00   # weight 0
                """);
        assertThat(nat).hasSize(104 + 72);
    }

    @Test
    void removalsCarryOnlyTheIdentities() {
        assertBytes(requests.deleteDestination(WEB, new DestinationKey(InetAddress.ofLiteral("198.51.100.1"), 80)), """
                6c 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00   # 108 bytes
                07 01 00 00   # IPVS_CMD_DEL_DEST
                30 00 01 00
                06 00 01 00 02 00 00 00
                06 00 02 00 06 00 00 00
                14 00 03 00 c0 00 02 0a 00 00 00 00 00 00 00 00 00 00 00 00
                06 00 04 00 00 50 00 00
                28 00 02 00
                06 00 0b 00 02 00 00 00
                14 00 01 00 c6 33 64 01 00 00 00 00 00 00 00 00 00 00 00 00
                06 00 02 00 00 50 00 00
                """);
        assertBytes(requests.deleteService(new ServiceKey.Fwmark(7, false)), """
                28 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00
                03 01 00 00   # IPVS_CMD_DEL_SERVICE
                14 00 01 00
                06 00 01 00 02 00 00 00
                08 00 05 00 07 00 00 00
                """);
    }

    @Test
    void timeoutsZeroFlushAndInfo() {
        assertBytes(requests.setTimeouts(new IpvsTimeouts(7200, 0, 60)), """
                24 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00
                0c 01 00 00   # IPVS_CMD_SET_CONFIG
                08 00 04 00 20 1c 00 00   # IPVS_CMD_ATTR_TIMEOUT_TCP 7200
                08 00 06 00 3c 00 00 00   # IPVS_CMD_ATTR_TIMEOUT_UDP 60; TCP_FIN 0 = unchanged, not sent
                """);
        assertBytes(requests.getTimeouts(), "14 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00 0d 01 00 00");
        assertBytes(requests.zero(null), "14 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00 10 01 00 00");
        assertBytes(requests.zero(new ServiceKey.Fwmark(7, false)), """
                28 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00
                10 01 00 00   # IPVS_CMD_ZERO for one service
                14 00 01 00 06 00 01 00 02 00 00 00 08 00 05 00 07 00 00 00
                """);
        assertBytes(requests.flush(), "14 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00 11 01 00 00");
        assertBytes(requests.getInfo(), "14 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00 0f 01 00 00");
    }

    @Test
    void dumps() {
        assertBytes(requests.getServices(), """
                14 00 00 00 1b 00
                05 03         # NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP
                00 00 00 00 00 00 00 00
                04 01 00 00   # IPVS_CMD_GET_SERVICE
                """);
        ServiceKey dns = new ServiceKey.Inet(InetAddress.ofLiteral("192.0.2.53"), 53, Protocol.UDP);
        assertBytes(requests.getDestinations(dns), """
                44 00 00 00 1b 00 05 03 00 00 00 00 00 00 00 00
                08 01 00 00   # IPVS_CMD_GET_DEST
                30 00 01 00
                06 00 01 00 02 00 00 00
                06 00 02 00 11 00 00 00   # IPPROTO_UDP
                14 00 03 00 c0 00 02 35 00 00 00 00 00 00 00 00 00 00 00 00
                06 00 04 00 00 35 00 00
                """);
        assertBytes(requests.getDaemons(), "14 00 00 00 1b 00 05 03 00 00 00 00 00 00 00 00 0b 01 00 00");
    }

    @Test
    void syncDaemonWithTheTwoPointTwoAttributes() {
        SyncDaemonConfig c = SyncDaemonConfig.parse(new RawSetting("lvs_sync_daemon",
                List.of("eth1", "VI_1", "id", "51", "maxlen", "1472", "port", "8848", "ttl", "2", "group",
                        "239.1.1.1")), name -> 7).config().orElseThrow();
        assertBytes(requests.startDaemon(IpvsNetlink.STATE_MASTER, c), """
                54 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00
                09 01 00 00   # IPVS_CMD_NEW_DAEMON
                40 00 03 00   # IPVS_CMD_ATTR_DAEMON, 64 bytes
                08 00 01 00 01 00 00 00   # IPVS_DAEMON_ATTR_STATE IP_VS_STATE_MASTER
                09 00 02 00 65 74 68 31 00 00 00 00   # IPVS_DAEMON_ATTR_MCAST_IFN "eth1\\0"
                08 00 03 00 33 00 00 00   # IPVS_DAEMON_ATTR_SYNC_ID 51
                06 00 04 00 c0 05 00 00   # IPVS_DAEMON_ATTR_SYNC_MAXLEN 1472
                06 00 07 00 90 22 00 00   # IPVS_DAEMON_ATTR_MCAST_PORT 8848, host order
                05 00 08 00 02 00 00 00   # IPVS_DAEMON_ATTR_MCAST_TTL 2
                08 00 05 00 ef 01 01 01   # IPVS_DAEMON_ATTR_MCAST_GROUP 239.1.1.1, network order
                """);
        assertBytes(requests.stopDaemon(IpvsNetlink.STATE_BACKUP, 51), """
                28 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00
                0a 01 00 00   # IPVS_CMD_DEL_DAEMON
                14 00 03 00
                08 00 01 00 02 00 00 00   # IP_VS_STATE_BACKUP
                08 00 03 00 33 00 00 00
                """);
        SyncDaemonConfig plain = SyncDaemonConfig.parse(new RawSetting("lvs_sync_daemon",
                List.of("eth0", "inst", "VI_1", "group", "ff3e::81")), name -> 9).config().orElseThrow();
        assertBytes(requests.startDaemon(IpvsNetlink.STATE_BACKUP, plain), """
                48 00 00 00 1b 00 05 00 00 00 00 00 00 00 00 00   # 72 bytes
                09 01 00 00
                34 00 03 00   # 52 bytes
                08 00 01 00 02 00 00 00
                09 00 02 00 65 74 68 30 00 00 00 00   # "eth0\\0"
                08 00 03 00 09 00 00 00   # no id: the instance's virtual router id
                14 00 06 00 ff 3e 00 00 00 00 00 00 00 00 00 00 00 00 00 81   # IPVS_DAEMON_ATTR_MCAST_GROUP6
                """);
    }
}
