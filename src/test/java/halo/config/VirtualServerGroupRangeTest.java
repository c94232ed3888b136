package halo.config;

import static halo.config.Loading.ip;
import static halo.config.Loading.loadText;
import static halo.config.Loading.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import halo.net.AddressText;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * virtual_server_group ranges: {@code IP-LAST} varies only the last byte (IPv4, LAST in decimal) or the last 16-bit
 * group (IPv6, LAST in hex), as keepalived reads them; one implementation for the parser, the writer and the LVS table.
 */
class VirtualServerGroupRangeTest {

    @TempDir
    Path dir;

    private static List<String> texts(List<InetAddress> addresses) {
        return addresses.stream().map(AddressText::format).toList();
    }

    @Test
    void ipv4RangeVariesTheLastByteInDecimal() {
        InetAddress last = VirtualServerGroup.Range.end(ip("192.0.2.8"), "11");
        assertThat(last).isEqualTo(ip("192.0.2.11"));
        VirtualServerGroup.Range range = new VirtualServerGroup.Range(ip("192.0.2.8"), last, 80);
        assertThat(texts(range.addresses())).containsExactly("192.0.2.8", "192.0.2.9", "192.0.2.10", "192.0.2.11");
        assertThat(range.lastText()).isEqualTo("11");
    }

    @Test
    void ipv4RangeReachesTheEndOfTheLastByteOnly() {
        VirtualServerGroup.Range range = new VirtualServerGroup.Range(ip("192.0.2.254"),
                VirtualServerGroup.Range.end(ip("192.0.2.254"), "255"), 0);
        assertThat(texts(range.addresses())).containsExactly("192.0.2.254", "192.0.2.255");
        assertThat(VirtualServerGroup.Range.end(ip("192.0.2.254"), "256")).as("past the last byte").isNull();
    }

    @Test
    void ipv6RangeVariesTheLastGroupInHex() {
        InetAddress last = VirtualServerGroup.Range.end(ip("2001:db8::1:fe"), "101");
        assertThat(last).isEqualTo(ip("2001:db8::1:101"));
        VirtualServerGroup.Range range = new VirtualServerGroup.Range(ip("2001:db8::1:fe"), last, 443);
        assertThat(texts(range.addresses())).containsExactly("2001:db8::1:fe", "2001:db8::1:ff", "2001:db8::1:100",
                "2001:db8::1:101");
        assertThat(range.lastText()).isEqualTo("101");
        assertThat(VirtualServerGroup.Range.end(ip("2001:db8::fff0"), "ffff")).isEqualTo(ip("2001:db8::ffff"));
        assertThat(VirtualServerGroup.Range.end(ip("2001:db8::fff0"), "10000")).as("past the last group").isNull();
    }

    @Test
    void invalidEndsAreRefused() {
        assertThat(VirtualServerGroup.Range.end(ip("192.0.2.20"), "5")).as("below the start").isNull();
        assertThat(VirtualServerGroup.Range.end(ip("192.0.2.20"), "x")).as("not a number").isNull();
        assertThat(VirtualServerGroup.Range.end(ip("192.0.2.20"), "")).as("nothing after '-'").isNull();
        assertThat(VirtualServerGroup.Range.end(ip("192.0.2.20"), "1f")).as("hex for IPv4").isNull();
        assertThat(VirtualServerGroup.Range.end(ip("2001:db8::10"), "5")).as("below the start").isNull();
        assertThat(VirtualServerGroup.Range.end(ip("2001:db8::10"), "g")).as("not hex").isNull();
    }

    @Test
    void aRangeWithoutLastIsItsFirstAddress() {
        assertThat(texts(new VirtualServerGroup.Range(ip("192.0.2.7"), null, 80).addresses()))
                .containsExactly("192.0.2.7");
        assertThat(texts(new VirtualServerGroup.Range(ip("192.0.2.7"), ip("192.0.2.7"), 80).addresses()))
                .containsExactly("192.0.2.7");
    }

    @Test
    void theParserKeepsValidRangesAndSkipsInvalidOnesWithAWarning() {
        LoadResult r = loadText(dir, """
                virtual_server_group G {
                    192.0.2.1-10 80
                    192.0.2.20-5 80
                    192.0.2.30-300 80
                    192.0.2.40-x 80
                    2001:db8::1-ff 443
                    2001:db8::10-5 443
                    2001:db8::1-10000 443
                }
                """);
        assertThat(warnings(r)).containsExactly(
                "3: Invalid virtual server group IP address range 192.0.2.20-5 - skipping",
                "4: Invalid virtual server group IP address range 192.0.2.30-300 - skipping",
                "5: Invalid virtual server group IP address range 192.0.2.40-x - skipping",
                "7: Invalid virtual server group IP address range 2001:db8::10-5 - skipping",
                "8: Invalid virtual server group IP address range 2001:db8::1-10000 - skipping");
        List<VirtualServerGroup.Entry> entries = r.config().virtualServerGroups().getFirst().entries();
        assertThat(entries).containsExactly(
                new VirtualServerGroup.Range(ip("192.0.2.1"), ip("192.0.2.10"), 80),
                new VirtualServerGroup.Range(ip("2001:db8::1"), ip("2001:db8::ff"), 443));
    }
}
