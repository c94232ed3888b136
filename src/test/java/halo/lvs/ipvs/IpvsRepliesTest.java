package halo.lvs.ipvs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kernel's answers decoded. The bytes are written by hand from net/netfilter/ipvs/ip_vs_ctl.c's fill functions
 * (ip_vs_genl_fill_service: AF, PROTOCOL, ADDR, PORT, SCHED_NAME, [PE_NAME], FLAGS {flags, ~0}, TIMEOUT, NETMASK,
 * STATS, STATS64; ip_vs_genl_fill_dest: ADDR, PORT, FWD_METHOD, WEIGHT, TUN_TYPE, TUN_PORT, TUN_FLAGS, U_THRESH,
 * L_THRESH, ACTIVE_CONNS, INACT_CONNS, PERSIST_CONNS, ADDR_FAMILY, STATS, STATS64) on x86_64, where 64-bit values
 * need no PAD attribute; dump answers carry NLM_F_MULTI.
 */
class IpvsRepliesTest {

    /** STATS with 32-bit counts, then STATS64: a count beyond 32 bits shows which one was read. */
    static final String SERVICE_REPLY = """
            40 01 00 00   # nlmsg_len 320
            1b 00 02 00   # the IPVS family, NLM_F_MULTI
            07 00 00 00 2a 00 00 00   # the dump's seq, the port id
            01 01 00 00   # IPVS_CMD_NEW_SERVICE
            2c 01 01 00   # IPVS_CMD_ATTR_SERVICE, 300 bytes
            06 00 01 00 02 00 00 00
            06 00 02 00 06 00 00 00
            14 00 03 00 c0 00 02 0a 00 00 00 00 00 00 00 00 00 00 00 00
            06 00 04 00 00 50 00 00
            08 00 06 00 77 72 72 00
            0c 00 07 00 03 00 00 00 ff ff ff ff   # PERSISTENT | HASHED, mask ~0
            08 00 08 00 2c 01 00 00   # 300 s
            08 00 09 00 ff ff ff 00   # 255.255.255.0
            5c 00 0a 00   # IPVS_SVC_ATTR_STATS, 92 bytes
            08 00 01 00 00 f2 05 2a   # conns, truncated to 32 bits
            08 00 02 00 64 00 00 00
            08 00 03 00 5a 00 00 00
            0c 00 04 00 70 17 00 00 00 00 00 00
            0c 00 05 00 c0 d4 01 00 00 00 00 00
            08 00 06 00 01 00 00 00
            08 00 07 00 0a 00 00 00
            08 00 08 00 09 00 00 00
            08 00 09 00 58 02 00 00
            08 00 0a 00 e0 2e 00 00
            7c 00 0c 00   # IPVS_SVC_ATTR_STATS64, 124 bytes
            0c 00 01 00 00 f2 05 2a 01 00 00 00   # conns 5000000000
            0c 00 02 00 64 00 00 00 00 00 00 00   # inpkts 100
            0c 00 03 00 5a 00 00 00 00 00 00 00   # outpkts 90
            0c 00 04 00 70 17 00 00 00 00 00 00   # inbytes 6000
            0c 00 05 00 c0 d4 01 00 00 00 00 00   # outbytes 120000
            0c 00 06 00 01 00 00 00 00 00 00 00   # cps 1
            0c 00 07 00 0a 00 00 00 00 00 00 00   # inpps 10
            0c 00 08 00 09 00 00 00 00 00 00 00   # outpps 9
            0c 00 09 00 58 02 00 00 00 00 00 00   # inbps 600
            0c 00 0a 00 e0 2e 00 00 00 00 00 00   # outbps 12000
            """;

    static final String DESTINATION_REPLY = """
            64 01 00 00 1b 00 02 00 08 00 00 00 2a 00 00 00   # 356 bytes
            05 01 00 00   # IPVS_CMD_NEW_DEST
            50 01 02 00   # IPVS_CMD_ATTR_DEST, 336 bytes
            14 00 01 00 c6 33 64 01 00 00 00 00 00 00 00 00 00 00 00 00
            06 00 02 00 00 50 00 00
            08 00 03 00 03 00 00 00   # DROUTE
            08 00 04 00 02 00 00 00   # weight 2
            05 00 0d 00 00 00 00 00   # tun_type 0
            06 00 0e 00 00 00 00 00   # tun_port 0
            06 00 0f 00 00 00 00 00   # tun_flags 0
            08 00 05 00 00 00 00 00
            08 00 06 00 00 00 00 00
            08 00 07 00 0c 00 00 00   # active 12
            08 00 08 00 28 00 00 00   # inactive 40
            08 00 09 00 03 00 00 00   # persistent 3
            06 00 0b 00 02 00 00 00   # AF_INET
            5c 00 0a 00
            08 00 01 00 07 00 00 00
            08 00 02 00 46 00 00 00
            08 00 03 00 00 00 00 00
            0c 00 04 00 68 10 00 00 00 00 00 00
            0c 00 05 00 00 00 00 00 00 00 00 00
            08 00 06 00 02 00 00 00
            08 00 07 00 00 00 00 00
            08 00 08 00 00 00 00 00
            08 00 09 00 00 00 00 00
            08 00 0a 00 00 00 00 00
            7c 00 0c 00
            0c 00 01 00 07 00 00 00 00 00 00 00   # conns 7
            0c 00 02 00 46 00 00 00 00 00 00 00   # inpkts 70
            0c 00 03 00 00 00 00 00 00 00 00 00
            0c 00 04 00 68 10 00 00 00 00 00 00   # inbytes 4200
            0c 00 05 00 00 00 00 00 00 00 00 00
            0c 00 06 00 02 00 00 00 00 00 00 00   # cps 2
            0c 00 07 00 00 00 00 00 00 00 00 00
            0c 00 08 00 00 00 00 00 00 00 00 00
            0c 00 09 00 00 00 00 00 00 00 00 00
            0c 00 0a 00 00 00 00 00 00 00 00 00
            """;

    @Test
    void serviceWithItsSixtyFourBitCounters() {
        IpvsReplies.KernelService s = IpvsReplies.service(Hex.bytes(SERVICE_REPLY));
        assertThat(s.key()).isEqualTo(new ServiceKey.Inet(InetAddress.ofLiteral("192.0.2.10"), 80, Protocol.TCP));
        assertThat(s.scheduler()).isEqualTo("wrr");
        assertThat(s.persistence()).isEqualTo(new Persistence(300, 0xffffff00));
        assertThat(s.serviceFlags()).isEmpty();
        assertThat(s.peName()).isEmpty();
        assertThat(s.stats()).isEqualTo(new Stats(5_000_000_000L, 100, 90, 6000, 120_000));
        assertThat(s.rates()).isEqualTo(new Stats(1, 10, 9, 600, 12_000));
    }

    @Test
    void destinationWithConnectionsAndCounters() {
        IpvsReplies.KernelDestination d = IpvsReplies.destination(Hex.bytes(DESTINATION_REPLY), false);
        assertThat(d.key()).isEqualTo(new DestinationKey(InetAddress.ofLiteral("198.51.100.1"), 80));
        assertThat(d.forwardingMethod()).isEqualTo(ForwardingMethod.DR);
        assertThat(d.weight()).isEqualTo(2);
        assertThat(d.connections()).isEqualTo(new Connections(12, 40, 3));
        assertThat(d.stats()).isEqualTo(new Stats(7, 70, 0, 4200, 0));
        assertThat(d.rates()).isEqualTo(new Stats(2, 0, 0, 0, 0));
    }

    /**
     * An IPv6 firewall-mark service from a kernel before 4.1 (32-bit STATS only), with the PAD attributes
     * nla_put_u64_64bit puts before a 64-bit value where alignment needs it, and NLA_F_NESTED on the nest.
     */
    @Test
    void ipv6FirewallMarkServiceWithOnlyThirtyTwoBitStatsAndPadding() {
        IpvsReplies.KernelService s = IpvsReplies.service(Hex.bytes("""
                6c 00 00 00 1b 00 02 00 01 00 00 00 00 00 00 00   # 108 bytes
                01 01 00 00
                58 00 01 80   # IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED, 88 bytes
                06 00 01 00 0a 00 00 00
                08 00 05 00 09 00 00 00   # fwmark 9
                07 00 06 00 73 68 00 00   # "sh"
                0c 00 07 00 18 00 00 00 ff ff ff ff   # SCHED1 | SCHED2, not persistent
                08 00 08 00 00 00 00 00
                08 00 09 00 80 00 00 00   # /128
                20 00 0a 00   # IPVS_SVC_ATTR_STATS, 32 bytes
                08 00 01 00 04 00 00 00   # conns 4
                04 00 0b 00               # IPVS_STATS_ATTR_PAD
                0c 00 04 00 00 01 00 00 00 00 00 00   # inbytes 256
                04 00 0b 00
                """));
        assertThat(s.key()).isEqualTo(new ServiceKey.Fwmark(9, true));
        assertThat(s.scheduler()).isEqualTo("sh");
        assertThat(s.serviceFlags()).isEqualTo(Set.of(ServiceFlag.SCHED1, ServiceFlag.SCHED2));
        assertThat(s.persistence()).isEqualTo(Persistence.none(true));
        assertThat(s.stats()).isEqualTo(new Stats(4, 0, 0, 256, 0));
    }

    @Test
    void timeoutsAndInfo() {
        assertThat(IpvsReplies.timeouts(Hex.bytes("""
                2c 00 00 00 1b 00 00 00 05 00 00 00 2a 00 00 00
                0c 01 00 00   # IPVS_CMD_SET_CONFIG: GET_CONFIG's answer
                08 00 04 00 84 03 00 00   # tcp 900
                08 00 05 00 78 00 00 00   # tcpfin 120
                08 00 06 00 2c 01 00 00   # udp 300
                """))).isEqualTo(IpvsTimeouts.DEFAULT);
        assertThat(IpvsReplies.info(Hex.bytes("""
                24 00 00 00 1b 00 00 00 05 00 00 00 2a 00 00 00
                0e 01 00 00   # IPVS_CMD_SET_INFO
                08 00 01 00 01 02 01 00   # IP_VS_VERSION_CODE 0x010201
                08 00 02 00 00 10 00 00   # 4096
                """))).isEqualTo(new IpvsReplies.Info(0x010201, 4096));
    }

    @Test
    void malformedAnswersAreRefused() {
        byte[] truncated = Hex.bytes(SERVICE_REPLY);
        truncated[20] = (byte) 0xff; // the service nest claims more bytes than the message has
        assertThatThrownBy(() -> IpvsReplies.service(truncated)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpvsReplies.destination(Hex.bytes(SERVICE_REPLY), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected IPVS_CMD_NEW_DEST");
    }
}
