package halo.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.vrrp.wire.AuthType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** authentication blocks become the instance's auth type; only VRRPv2 over IPv4 with AH sends AH datagrams. */
class HostSetupAuthenticationTest {

    @TempDir
    Path dir;

    private HostSetup.Instance instance(String version, String address, String authentication) throws IOException {
        Path p = dir.resolve("keepalived.conf");
        Files.writeString(p, """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    version %s
                    %s
                    virtual_ipaddress {
                        %s
                    }
                }
                """.formatted(version, authentication, address));
        KeepalivedConfig config = ConfigLoader.load(p, new LoadOptions("test", false)).config();
        return HostSetup.fromConfig(config).instances().getFirst();
    }

    @Test
    void eachAuthTypeIsNamed() throws IOException {
        HostSetup.Instance pass = instance("2", "192.0.2.100", "authentication {\n auth_type PASS\n auth_pass secret\n }");
        assertThat(pass.authentication()).isEqualTo(AuthType.PASS);
        assertThat(pass.password()).isEqualTo("secret");
        assertThat(pass.sendsAh()).isFalse();

        HostSetup.Instance ah = instance("2", "192.0.2.100", "authentication {\n auth_type AH\n auth_pass secret\n }");
        assertThat(ah.authentication()).isEqualTo(AuthType.AH);
        assertThat(ah.sendsAh()).isTrue();
        assertThat(ah.authentication().wireValue).as("RFC 3768 5.3.6: AH is Auth Type 2").isEqualTo(2);

        HostSetup.Instance none = instance("2", "192.0.2.100", "");
        assertThat(none.authentication()).isEqualTo(AuthType.NONE);
        assertThat(none.sendsAh()).isFalse();
    }

    @Test
    void vrrpV3AndIpv6SendNoAh() throws IOException {
        assertThat(instance("3", "192.0.2.100", "authentication {\n auth_type AH\n auth_pass secret\n }").authentication())
                .isEqualTo(AuthType.NONE);
        HostSetup.Instance v6 = instance("2", "2001:db8::100", "authentication {\n auth_type AH\n auth_pass secret\n }");
        assertThat(v6.sendsAh()).isFalse();
    }
}
