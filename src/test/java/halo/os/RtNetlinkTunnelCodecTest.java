package halo.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The tunnel requests of the nftables plane's TUN: an ipip link as {@code ip link add NAME type ipip remote RS ttl
 * inherit pmtudisc} sends it (iproute2 6.x, captured with strace: its IFLA_IPTUN_REMOTE, TTL and PMTUDISC attributes
 * are these bytes; it also sends zeroed PROTO, TOS, LINK, FWMARK and ENCAP_* attributes, the kernel's defaults), and
 * a link deletion as {@code ip link del}.
 */
class RtNetlinkTunnelCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesAnIpipTunnelAsIpLinkAddDoes() throws Exception {
        byte[] msg = RtNetlinkCodec.ipipLink("halot003000", null, InetAddress.getByName("192.0.2.21"), 7);
        assertThat(HEX.formatHex(msg)).isEqualTo(
                "5c000000" + "1000" + "0506" + "07000000" + "00000000" // len 92, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE
                        + "00000000" + "00000000" + "00000000" + "00000000" // ifinfomsg: AF_UNSPEC, no index or flags
                        + "1000" + "0300" + "68616c6f7430303330303000" // IFLA_IFNAME "halot003000\0"
                        + "2c00" + "1200" // IFLA_LINKINFO, 44 bytes
                        + "0900" + "0100" + "6970697000" + "000000" // IFLA_INFO_KIND "ipip\0", padded
                        + "1c00" + "0200" // IFLA_INFO_DATA, 28 bytes
                        + "0800" + "0300" + "c0000215" // IFLA_IPTUN_REMOTE 192.0.2.21
                        + "0500" + "0400" + "00" + "000000" // IFLA_IPTUN_TTL 0: the inner packet's (inherit)
                        + "0500" + "0a00" + "01" + "000000"); // IFLA_IPTUN_PMTUDISC on
        assertThat(HEX.formatHex(RtNetlinkCodec.ipipLink("t", InetAddress.getByName("192.0.2.11"),
                InetAddress.getByName("192.0.2.21"), 7))).contains("0800" + "0200" + "c000020b"); // IFLA_IPTUN_LOCAL
    }

    @Test
    void encodesALinkDeletionAsIpLinkDelDoes() {
        assertThat(HEX.formatHex(RtNetlinkCodec.deleteLink(5, 9))).isEqualTo(
                "20000000" + "1100" + "0500" + "09000000" + "00000000" // len 32, RTM_DELLINK, REQUEST|ACK
                        + "00000000" + "05000000" + "00000000" + "00000000"); // ifinfomsg: ifindex 5
    }
}
