package halo.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpAddressTest {
    @Test
    void ordersAsUnsignedNetworkOrder() {
        assertThat(IpAddress.parse("192.0.2.10").compareTo(IpAddress.parse("192.0.2.9"))).isPositive();
        assertThat(IpAddress.parse("203.0.113.1").compareTo(IpAddress.parse("10.0.0.1"))).isPositive();
        assertThat(IpAddress.parse("2001:db8::10").compareTo(IpAddress.parse("2001:db8::9"))).isPositive();
        assertThat(IpAddress.parse("fe80::1").compareTo(IpAddress.parse("2001:db8::1"))).isPositive();
        assertThat(IpAddress.parse("192.0.2.1")).isEqualTo(IpAddress.of(new byte[] {(byte) 192, 0, 2, 1}));
    }

    @Test
    void printsLikeInetNtop() {
        assertThat(IpAddress.parse("198.51.100.7").toString()).isEqualTo("198.51.100.7");
        assertThat(IpAddress.parse("2001:db8:0:0:1:0:0:1").toString()).isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpAddress.parse("fe80::").toString()).isEqualTo("fe80::");
        assertThat(IpAddress.parse("::1").toString()).isEqualTo("::1");
        assertThat(IpAddress.parse("2001:db8:1:2:3:4:5:6").toString()).isEqualTo("2001:db8:1:2:3:4:5:6");
        assertThat(IpAddress.of(IpAddress.parse("2001:db8::7").toBytes())).isEqualTo(IpAddress.parse("2001:db8::7"));
    }

    @Test
    void matchesRawBytes() {
        byte[] buf = {9, (byte) 192, 0, 2, 7};
        assertThat(IpAddress.parse("192.0.2.7").matches(buf, 1)).isTrue();
        assertThat(IpAddress.parse("192.0.2.8").matches(buf, 1)).isFalse();
        byte[] v6 = IpAddress.parse("2001:db8::7").toBytes();
        assertThat(IpAddress.parse("2001:db8::7").matches(v6, 0)).isTrue();
        assertThat(IpAddress.parse("2001:db8::8").matches(v6, 0)).isFalse();
    }

    @Test
    void rejectsNames() {
        assertThatThrownBy(() -> IpAddress.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
    }
}
