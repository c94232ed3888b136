package halo.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FramesTest {
    static final byte[] MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void gratuitousArpIsABroadcastRequestForTheVip() throws Exception {
        byte[] f = Frames.gratuitousArp(MAC, (Inet4Address) InetAddress.getByName("192.0.2.100"));
        assertThat(HEX.formatHex(f)).isEqualTo(
                "ffffffffffff" + "525400123456" + "0806" // Ethernet: broadcast, from MAC, ARP
                        + "0001" + "0800" + "06" + "04" + "0001" // Ethernet/IPv4, request
                        + "525400123456" + "c0000264" // sender: MAC, VIP
                        + "ffffffffffff" + "c0000264"); // target: broadcast, VIP
    }

    @Test
    void unsolicitedNeighbourAdvertHasRouterAndOverrideAndAValidChecksum() throws Exception {
        Inet6Address vip = (Inet6Address) InetAddress.getByName("2001:db8::100");
        byte[] f = Frames.unsolicitedNeighbourAdvert(MAC, vip, true);
        assertThat(f).hasSize(86);
        assertThat(HEX.formatHex(f, 0, 14)).isEqualTo("333300000001" + "525400123456" + "86dd");
        assertThat(HEX.formatHex(f, 14, 22)).isEqualTo("60000000" + "0020" + "3a" + "ff"); // len 32, ICMPv6, hop 255
        assertThat(Arrays.copyOfRange(f, 22, 38)).isEqualTo(vip.getAddress());
        assertThat(HEX.formatHex(f, 38, 54)).isEqualTo("ff020000000000000000000000000001");
        assertThat(f[54] & 0xff).isEqualTo(136);
        assertThat(f[58] & 0xff).isEqualTo(0xa0); // Router | Override, not Solicited
        assertThat(Arrays.copyOfRange(f, 62, 78)).isEqualTo(vip.getAddress());
        assertThat(HEX.formatHex(f, 78, 86)).isEqualTo("0201" + "525400123456");
        assertThat(Checksums.ipv6PseudoHeaderSum(vip.getAddress(), Frames.ALL_NODES, 58, f, 54, 32)).isEqualTo(0xffff);
        byte[] noRouter = Frames.unsolicitedNeighbourAdvert(MAC, vip, false);
        assertThat(noRouter[58] & 0xff).isEqualTo(0x20);
    }
}
