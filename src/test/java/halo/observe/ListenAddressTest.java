package halo.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ListenAddressTest {

    @Test
    void numericAddressesWithAPort() {
        InetSocketAddress v4 = ListenAddress.parse("127.0.0.1:9650");
        assertThat(v4.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(v4.getPort()).isEqualTo(9650);
        InetSocketAddress v6 = ListenAddress.parse("[::1]:9650");
        assertThat(v6.getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(ListenAddress.parse("0.0.0.0:0").getPort()).isZero();
    }

    @Test
    void refusesWhatIsNotAddressColonPort() {
        assertThatThrownBy(() -> ListenAddress.parse("127.0.0.1")).hasMessageContaining("ADDRESS:PORT");
        assertThatThrownBy(() -> ListenAddress.parse("127.0.0.1:http")).hasMessageContaining("invalid port");
        assertThatThrownBy(() -> ListenAddress.parse("127.0.0.1:65536")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> ListenAddress.parse("::1:9650")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> ListenAddress.parse("localhost:9650")).hasMessageContaining("not a numeric");
    }
}
