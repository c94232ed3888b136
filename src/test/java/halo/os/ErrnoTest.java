package halo.os;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void namesLinuxErrnoNumbers() {
        assertThat(Errno.of(1)).isEqualTo(Errno.EPERM);
        assertThat(Errno.of(13)).isEqualTo(Errno.EACCES);
        assertThat(Errno.of(17)).isEqualTo(Errno.EEXIST);
        assertThat(Errno.of(19)).isEqualTo(Errno.ENODEV);
        assertThat(Errno.of(98)).isEqualTo(Errno.EADDRINUSE);
        assertThat(Errno.of(99)).isEqualTo(Errno.EADDRNOTAVAIL);
        assertThat(Errno.of(4242)).isEqualTo(Errno.UNKNOWN);
    }

    @Test
    void exceptionsAreTypedAndSayWhatFailed() {
        NativeException e = NativeException.of("setsockopt(IP_ADD_MEMBERSHIP)", 98, "224.0.0.18 on eth0");
        assertThat(e.errno()).isEqualTo(Errno.EADDRINUSE);
        assertThat(e.syscall()).isEqualTo("setsockopt(IP_ADD_MEMBERSHIP)");
        assertThat(e).hasMessage(
                "setsockopt(IP_ADD_MEMBERSHIP) 224.0.0.18 on eth0 failed: EADDRINUSE (Address already in use)");
        assertThat(NativeException.of("RTM_NEWADDR", 17, "192.0.2.10/32 dev eth0"))
                .isInstanceOf(NativeException.AlreadyExistsException.class)
                .hasMessageContaining("EEXIST");
        assertThat(NativeException.of("if_nametoindex", 19, "for interface nope"))
                .isInstanceOf(NativeException.NoSuchDeviceException.class);
        assertThat(NativeException.of("RTM_DELROUTE", 3, null)).isInstanceOf(NativeException.NotFoundException.class);
        assertThat(NativeException.of("x", 4242, null)).hasMessage("x failed: errno 4242");
    }

    @Test
    void permissionErrorsNameTheMissingCapability() {
        NativeException e = NativeException.of("socket", 1, "for a raw IPv4 VRRP socket", Capabilities.CAP_NET_RAW);
        assertThat(e).isInstanceOf(NativeException.PermissionDeniedException.class);
        assertThat(((NativeException.PermissionDeniedException) e).capability()).isEqualTo("CAP_NET_RAW");
        assertThat(e.getMessage())
                .startsWith("socket for a raw IPv4 VRRP socket (needs CAP_NET_RAW: run as root or grant CAP_NET_RAW")
                .endsWith("failed: EPERM (Operation not permitted)");
    }

    @Test
    void readsEffectiveCapabilitiesFromProcStatus() {
        String status = "Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t0000000000003000\nCapBnd:\t000001ffffffffff\n";
        long mask = Capabilities.effectiveMask(status);
        assertThat(Capabilities.has(mask, Capabilities.CAP_NET_ADMIN)).isTrue();
        assertThat(Capabilities.has(mask, Capabilities.CAP_NET_RAW)).isTrue();
        assertThat(Capabilities.has(mask, Capabilities.CAP_SYS_ADMIN)).isFalse();
        long none = Capabilities.effectiveMask("CapEff:\t0000000000000000\n");
        assertThat(Capabilities.has(none, Capabilities.CAP_NET_RAW)).isFalse();
    }

    @Test
    void hostLayerIsAvailableOnLinuxWithNativeAccess() {
        assertThat(HostOs.unavailabilityCause()).isNull();
        assertThat(HostOs.isAvailable()).isTrue();
    }
}
