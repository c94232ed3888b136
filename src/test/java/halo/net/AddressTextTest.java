package halo.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AddressTextTest {
    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static String format(String hex) {
        return AddressText.format(bytes(hex));
    }

    @Test
    void ipv4IsADottedQuad() {
        assertThat(format("c0000201")).isEqualTo("192.0.2.1");
        assertThat(format("00000000")).isEqualTo("0.0.0.0");
        assertThat(format("ffffffff")).isEqualTo("255.255.255.255");
        assertThat(format("cb00710a")).isEqualTo("203.0.113.10");
    }

    @Test
    void ipv6IsLowerCaseWithoutLeadingZeros() {
        assertThat(format("20010db8000100020003000400050006")).isEqualTo("2001:db8:1:2:3:4:5:6");
        assertThat(format("fe80abcd00ef0a0b0c0d0e0f1a2bffff")).isEqualTo("fe80:abcd:ef:a0b:c0d:e0f:1a2b:ffff");
    }

    @Test
    void theLongestZeroRunIsCompressed() {
        assertThat(format("00000000000000000000000000000000")).isEqualTo("::");
        assertThat(format("00000000000000000000000000000001")).isEqualTo("::1");
        assertThat(format("00010000000000000000000000000000")).isEqualTo("1::");
        assertThat(format("20010db8000000000000000000000130")).isEqualTo("2001:db8::130");
        assertThat(format("fe80000000000000000000fffe000001")).isEqualTo("fe80::ff:fe00:1");
        assertThat(format("ff020000000000000000000000000012")).isEqualTo("ff02::12");
        // RFC 5952 4.2.3: the longer run wins wherever it is
        assertThat(format("20010db8000000000001000000000001")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(format("20010db8000000010000000000000001")).isEqualTo("2001:db8:0:1::1");
        assertThat(format("20010000000000010000000000000001")).isEqualTo("2001:0:0:1::1");
    }

    @Test
    void theFirstRunWinsATie() {
        assertThat(format("20010db8000000000001000000000001")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(format("00000000000100010000000000010001")).isEqualTo("::1:1:0:0:1:1");
    }

    @Test
    void aSingleZeroFieldIsNotCompressed() {
        assertThat(format("20010db8000000010001000100010001")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(format("00010000000200000003000000040000")).isEqualTo("1:0:2:0:3:0:4:0");
        assertThat(format("00000001000100010001000100010001")).isEqualTo("0:1:1:1:1:1:1:1");
    }

    @Test
    void ipv4MappedAddressesEndDotted() {
        assertThat(format("00000000000000000000ffffc0000201")).isEqualTo("::ffff:192.0.2.1");
        assertThat(format("00000000000000000000ffff00000000")).isEqualTo("::ffff:0.0.0.0");
        // not mapped: a non-zero field before ffff, or ffff elsewhere
        assertThat(format("00010000000000000000ffffc0000201")).isEqualTo("1::ffff:c000:201");
        assertThat(format("0000000000000000ffff0000c0000201")).isEqualTo("::ffff:0:c000:201");
        // IPv4-compatible (deprecated): hex, per RFC 5952 section 5
        assertThat(format("000000000000000000000000c0000201")).isEqualTo("::c000:201");
    }

    @Test
    void formatsAtAnOffsetAndFromInetAddress() throws Exception {
        byte[] buf = bytes("ff" + "20010db8000000000000000000000001" + "ff");
        assertThat(AddressText.format(buf, 1, 16)).isEqualTo("2001:db8::1");
        assertThat(AddressText.format(buf, 1, 4)).isEqualTo("32.1.13.184");
        assertThat(AddressText.append(new StringBuilder("via "), buf, 1, 16).toString()).isEqualTo("via 2001:db8::1");
        assertThat(AddressText.format(InetAddress.getByAddress(bytes("c6336407")))).isEqualTo("198.51.100.7");
        assertThat(AddressText.format(InetAddress.getByAddress(bytes("20010db8000000000000000000000007"))))
                .isEqualTo("2001:db8::7");
        // Java's InetAddress turns a mapped address into IPv4: it prints as one
        assertThat(AddressText.format(InetAddress.getByAddress(bytes("00000000000000000000ffffc0000201"))))
                .isEqualTo("192.0.2.1");
    }

    @Test
    void rejectsOtherLengths() {
        assertThatThrownBy(() -> AddressText.format(new byte[5])).isInstanceOf(IllegalArgumentException.class);
    }
}
