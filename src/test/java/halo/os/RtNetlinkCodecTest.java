package halo.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtNetlinkCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesAnAddressAddAsIpDoes() throws Exception {
        HostAddress a = HostAddress.of(3, InetAddress.getByName("192.0.2.100"), 32).withLabel("eth0:1");
        byte[] msg = RtNetlinkCodec.address(RtNetlinkCodec.RTM_NEWADDR, a, 7);
        assertThat(HEX.formatHex(msg)).isEqualTo(
                "34000000" + "1400" + "0506" + "07000000" + "00000000" // nlmsghdr: len 52, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
                        + "02200000" + "03000000" // ifaddrmsg: AF_INET, /32, flags 0, scope global, ifindex 3
                        + "08000200" + "c0000264" // IFA_LOCAL 192.0.2.100
                        + "08000100" + "c0000264" // IFA_ADDRESS
                        + "0b000300" + "657468303a310000"); // IFA_LABEL "eth0:1\0" padded to 4
    }

    @Test
    void encodesALinkUpAsIpLinkSetDoes() {
        assertThat(HEX.formatHex(RtNetlinkCodec.linkUp(5, true, 9))).isEqualTo(
                "20000000" + "1000" + "0500" + "09000000" + "00000000" // nlmsghdr: len 32, RTM_NEWLINK, REQUEST|ACK
                        + "00000000" + "05000000" // ifinfomsg: AF_UNSPEC, type 0, ifindex 5
                        + "01000000" + "01000000"); // ifi_flags IFF_UP, ifi_change IFF_UP
        assertThat(HEX.formatHex(RtNetlinkCodec.linkUp(5, false, 9))).endsWith("00000000" + "01000000");
    }

    @Test
    void nodadGoesInIfaFlagsForIpv6() throws Exception {
        HostAddress a = HostAddress.of(2, InetAddress.getByName("2001:db8::100"), 128).withNoDad()
                .withFlags(HostAddress.IFA_F_NODAD | HostAddress.IFA_F_NOPREFIXROUTE);
        byte[] msg = RtNetlinkCodec.address(RtNetlinkCodec.RTM_NEWADDR, a, 1);
        assertThat(msg.length % 4).isZero();
        RtNetlinkCodec.Message m = RtNetlinkCodec.split(ByteBuffer.wrap(msg)).getFirst();
        HostAddress back = RtNetlinkCodec.address(m);
        assertThat(back.address()).isEqualTo(a.address());
        assertThat(back.prefixLength()).isEqualTo(128);
        assertThat(back.flags()).isEqualTo(HostAddress.IFA_F_NODAD | HostAddress.IFA_F_NOPREFIXROUTE);
        assertThat(back.label()).isNull();
    }

    @Test
    void routesAndRulesRoundTrip() throws Exception {
        Route r = Route.to(InetAddress.getByName("198.51.100.0"), 24).via(InetAddress.getByName("192.0.2.2"))
                .dev(4).src(InetAddress.getByName("192.0.2.1")).table(1000).metric(7).scope(Scope.LINK).withOnlink();
        byte[] msg = RtNetlinkCodec.route(RtNetlinkCodec.RTM_NEWROUTE, r, 9);
        Route back = RtNetlinkCodec.route(RtNetlinkCodec.split(ByteBuffer.wrap(msg)).getFirst());
        assertThat(back).isEqualTo(r);

        Rule rule = Rule.lookup(false, 100).from(InetAddress.getByName("192.0.2.100"), 32).fwmark(7, 0xff)
                .iif("eth0").priority(10).not();
        Rule ruleBack = RtNetlinkCodec.rule(RtNetlinkCodec.split(
                ByteBuffer.wrap(RtNetlinkCodec.rule(RtNetlinkCodec.RTM_NEWRULE, rule, 3))).getFirst());
        assertThat(ruleBack).isEqualTo(rule);
    }

    @Test
    void decodesLinksAndSplitsDatagrams() {
        RtNetlinkCodec.Writer w = new RtNetlinkCodec.Writer(RtNetlinkCodec.RTM_NEWLINK, 0, 5);
        w.u8(0).u8(0).u16(1).u32(2).u32(Link.IFF_UP | Link.IFF_RUNNING | Link.IFF_LOWER_UP).u32(0);
        w.attrString(RtNetlinkCodec.IFLA_IFNAME, "eth0");
        w.attr(RtNetlinkCodec.IFLA_ADDRESS, new byte[] {0x52, 0x54, 0, 0x12, 0x34, 0x56});
        w.attrU32(RtNetlinkCodec.IFLA_MTU, 9000);
        byte[] one = w.bytes();
        byte[] done = new RtNetlinkCodec.Writer(RtNetlinkCodec.NLMSG_DONE, RtNetlinkCodec.NLM_F_MULTI, 5).u32(0).bytes();
        ByteBuffer datagram = ByteBuffer.allocate(one.length + done.length).put(one).put(done).flip();
        List<RtNetlinkCodec.Message> messages = RtNetlinkCodec.split(datagram);
        assertThat(messages).extracting(RtNetlinkCodec.Message::type)
                .containsExactly(RtNetlinkCodec.RTM_NEWLINK, RtNetlinkCodec.NLMSG_DONE);
        Link link = RtNetlinkCodec.link(messages.getFirst());
        assertThat(link.index()).isEqualTo(2);
        assertThat(link.name()).isEqualTo("eth0");
        assertThat(link.mac()).isEqualTo("52:54:00:12:34:56");
        assertThat(link.mtu()).isEqualTo(9000);
        assertThat(link.isRunning()).isTrue();
    }

    @Test
    void readsTheErrnoAndTheKernelsMessageFromAnError() {
        // NLMSG_ERROR with NLM_F_ACK_TLVS: error -17, the capped request header, NLMSGERR_ATTR_MSG
        RtNetlinkCodec.Writer w = new RtNetlinkCodec.Writer(RtNetlinkCodec.NLMSG_ERROR, 0x100 | RtNetlinkCodec.NLM_F_ACK_TLVS, 9);
        w.u32(-17);
        w.u32(40).u16(RtNetlinkCodec.RTM_NEWADDR).u16(0x605).u32(9).u32(0);
        w.attrString(RtNetlinkCodec.NLMSGERR_ATTR_MSG, "Address already assigned");
        RtNetlinkCodec.Message m = RtNetlinkCodec.split(ByteBuffer.wrap(w.bytes()).order(ByteOrder.nativeOrder())).getFirst();
        assertThat(RtNetlinkCodec.errorOf(m)).isEqualTo(17);
        assertThat(RtNetlinkCodec.extendedAckMessage(m, true)).isEqualTo("Address already assigned");
    }

    @Test
    void parsesScopeNames() {
        assertThat(Scope.parse("host")).isEqualTo(254);
        assertThat(Scope.parse("link")).isEqualTo(253);
        assertThat(Scope.parse("global")).isZero();
        assertThat(Scope.parse("200")).isEqualTo(Scope.SITE);
        assertThat(Scope.name(253)).isEqualTo("link");
    }
}
