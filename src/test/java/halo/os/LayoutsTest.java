package halo.os;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LayoutsTest {
    @Test
    void structSizesMatchTheLinuxAbi() {
        assertThat(Layouts.SOCKADDR_IN.byteSize()).isEqualTo(16);
        assertThat(Layouts.SOCKADDR_IN6.byteSize()).isEqualTo(28);
        assertThat(Layouts.SOCKADDR_LL.byteSize()).isEqualTo(20);
        assertThat(Layouts.SOCKADDR_NL.byteSize()).isEqualTo(12);
        assertThat(Layouts.IP_MREQN.byteSize()).isEqualTo(12);
        assertThat(Layouts.IPV6_MREQ.byteSize()).isEqualTo(20);
        assertThat(Layouts.IN_PKTINFO.byteSize()).isEqualTo(12);
        assertThat(Layouts.IN6_PKTINFO.byteSize()).isEqualTo(20);
        assertThat(Layouts.IOVEC.byteSize()).isEqualTo(16);
        assertThat(Layouts.MSGHDR.byteSize()).isEqualTo(56);
        assertThat(Layouts.CMSGHDR.byteSize()).isEqualTo(16);
        assertThat(Layouts.POLLFD.byteSize()).isEqualTo(8);
        assertThat(Layouts.TIMESPEC.byteSize()).isEqualTo(16);
        assertThat(Layouts.MSG_CONTROL).isEqualTo(32);
        assertThat(Layouts.MSG_FLAGS).isEqualTo(48);
    }

    @Test
    void controlMessageSpaceIsAlignedToALong() {
        assertThat(Layouts.cmsgSpace(4)).isEqualTo(24); // IPV6_HOPLIMIT
        assertThat(Layouts.cmsgSpace(12)).isEqualTo(32); // in_pktinfo
        assertThat(Layouts.cmsgSpace(20)).isEqualTo(40); // in6_pktinfo
    }
}
