package halo.lvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The PROXY protocol headers byte for byte, as haproxy's doc/proxy-protocol.txt lays them out. */
class ProxyHeaderTest {

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void v1ForIpv4IsOneAsciiLineWithSourceFirst() throws Exception {
        byte[] h = ProxyHeader.encode(ProxyProtocol.V1, at("192.0.2.10", 56324), at("198.51.100.1", 443));
        assertThat(new String(h, StandardCharsets.US_ASCII))
                .isEqualTo("PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n");
    }

    @Test
    void v1ForIpv6UsesTheCompressedForm() throws Exception {
        byte[] h = ProxyHeader.encode(ProxyProtocol.V1, at("2001:db8::10", 1), at("2001:db8:0:0:0:0:0:1", 65535));
        assertThat(new String(h, StandardCharsets.US_ASCII))
                .isEqualTo("PROXY TCP6 2001:db8::10 2001:db8::1 1 65535\r\n");
    }

    @Test
    void v1WithMixedFamiliesIsUnknown() throws Exception {
        byte[] h = ProxyHeader.encode(ProxyProtocol.V1, at("192.0.2.10", 1), at("2001:db8::1", 2));
        assertThat(new String(h, StandardCharsets.US_ASCII)).isEqualTo("PROXY UNKNOWN\r\n");
    }

    @Test
    void v1TreatsAMappedIpv4AddressAsIpv4() throws Exception {
        InetSocketAddress mapped = new InetSocketAddress(java.net.Inet6Address.getByAddress(null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 10}, null), 1000);
        byte[] h = ProxyHeader.encode(ProxyProtocol.V1, mapped, at("192.0.2.100", 80));
        assertThat(new String(h, StandardCharsets.US_ASCII)).isEqualTo("PROXY TCP4 192.0.2.10 192.0.2.100 1000 80\r\n");
    }

    @Test
    void v2ForIpv4() throws Exception {
        byte[] h = ProxyHeader.encode(ProxyProtocol.V2, at("192.0.2.10", 56324), at("198.51.100.1", 443));
        assertThat(HexFormat.of().formatHex(h)).isEqualTo(
                "0d0a0d0a000d0a515549540a"  // signature
                + "21"                      // version 2, PROXY
                + "11"                      // AF_INET, STREAM
                + "000c"                    // 12 address bytes follow
                + "c000020a"                // 192.0.2.10
                + "c6336401"                // 198.51.100.1
                + "dc04"                    // 56324
                + "01bb");                  // 443
    }

    @Test
    void v2ForIpv6() throws Exception {
        byte[] h = ProxyHeader.encode(ProxyProtocol.V2, at("2001:db8::10", 1), at("2001:db8::1", 65535));
        assertThat(HexFormat.of().formatHex(h)).isEqualTo(
                "0d0a0d0a000d0a515549540a" + "21" + "21" + "0024"
                + "20010db8000000000000000000000010"
                + "20010db8000000000000000000000001"
                + "0001" + "ffff");
    }

    @Test
    void v2WithMixedFamiliesMapsTheIpv4Address() throws Exception {
        byte[] h = ProxyHeader.encode(ProxyProtocol.V2, at("192.0.2.10", 80), at("2001:db8::1", 80));
        assertThat(HexFormat.of().formatHex(h)).isEqualTo(
                "0d0a0d0a000d0a515549540a" + "21" + "21" + "0024"
                + "00000000000000000000ffffc000020a"
                + "20010db8000000000000000000000001"
                + "0050" + "0050");
    }

    @Test
    void noneIsEmpty() throws Exception {
        assertThat(ProxyHeader.encode(ProxyProtocol.NONE, at("192.0.2.10", 1), at("192.0.2.1", 2))).isEmpty();
    }
}
