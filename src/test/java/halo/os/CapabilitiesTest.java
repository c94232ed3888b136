package halo.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import halo.testing.Root;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("root")
class CapabilitiesTest {
    @Test
    void withoutNetRawAndNetAdminTheUserIsToldWhichCapabilityIsMissing() {
        assumeTrue(Root.isRoot(), "needs root to drop capabilities and make a namespace");
        assumeTrue(Shell.exec("sh", "-c", "command -v setpriv").code() == 0, "needs setpriv (util-linux)");
        // The child runs in a fresh namespace, so even if the drop failed it could not touch the host's addresses.
        String ns = "halo-caps-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        Shell.run("ip", "netns", "add", ns);
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Shell.Result r = Shell.exec("ip", "netns", "exec", ns, "setpriv", "--inh-caps=-all",
                    "--bounding-set=-net_raw,-net_admin", "--", java, "--enable-native-access=ALL-UNNAMED",
                    "-cp", "target/classes:target/test-classes", "halo.os.CapabilityProbe");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("missing: Halo needs CAP_NET_RAW to send and receive VRRP adverts and gratuitous ARPs:"
                    + " run it as root or grant CAP_NET_RAW");
            assertThat(r.out()).contains("Halo needs CAP_NET_ADMIN to add and remove virtual addresses");
            assertThat(r.out()).contains("socket: PermissionDeniedException: socket for a raw IPv4 VRRP socket (needs CAP_NET_RAW: "
                    + "run as root or grant CAP_NET_RAW) failed: EPERM (Operation not permitted)");
            assertThat(r.out()).contains("address: PermissionDeniedException: RTM_NEWADDR 192.0.2.1/32 dev lo (needs CAP_NET_ADMIN")
                    .contains("failed: EPERM (Operation not permitted)");
        } finally {
            Shell.exec("ip", "netns", "del", ns);
        }
    }
}
