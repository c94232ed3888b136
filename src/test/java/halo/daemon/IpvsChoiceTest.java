package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.KeepalivedConfig;
import halo.lvs.DataPlaneKind;
import halo.lvs.ipvs.IpvsKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On this machine's kernel (no IPVS: CONFIG_IP_VS unset) the IPVS family does not resolve, so auto runs the proxy and
 * a configuration that asks for ipvs is refused at start, with the reason, and exit status 3 (configuration cannot
 * run) as for the other refusals.
 */
class IpvsChoiceTest {
    private static final String NAT = """
            virtual_server 192.0.2.40 80 {
                lb_algo rr
                lb_kind NAT
                protocol TCP
                real_server 192.0.2.41 80 {
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void autoChoosesTheProxyOnAKernelWithoutIpvs() throws Exception {
        assertThat(IpvsKernel.isAvailable()).as("this machine's kernel has no IPVS").isFalse();
        assertThat(IpvsKernel.unavailabilityCause())
                .isEqualTo("the kernel has no IPVS (generic netlink family IPVS not found)");
        assertThat(DataPlaneKind.IPVS.available()).isFalse();
        assertThat(DataPlaneKind.choose(null)).isEqualTo(DataPlaneKind.PROXY);
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, NAT);
        KeepalivedConfig config = ConfigReload.load(conf, "test").config();
        assertThat(Daemon.dataPlane(null, config)).isEqualTo(DataPlaneKind.PROXY);
        assertThat(Daemon.dataPlane("auto", config)).isEqualTo(DataPlaneKind.PROXY);
        assertThat(Daemon.dataPlane("ipvs", config)).isEqualTo(DataPlaneKind.IPVS);
    }

    @Test
    void choosingIpvsIsRefusedWithTheReasonAndExitStatusThree() throws Exception {
        for (boolean inFile : new boolean[] {false, true}) {
            Path conf = dir.resolve("keepalived-" + inFile + ".conf");
            Files.writeString(conf, (inFile ? "global_defs {\n    lvs_dataplane ipvs\n}\n" : "") + NAT);
            List<String> logged = new ArrayList<>();
            DaemonLog log = new DaemonLog(Clock.systemUTC(), null, logged::add, false);
            Daemon daemon = new Daemon(new Daemon.Options(conf, "test", dir.resolve("halo.sock"),
                    dir.resolve("halo.pid"), dir.resolve("vrrp.pid"), false, false, false, true,
                    dir.resolve("checkers.pid"), false, false, inFile ? null : "ipvs", null), log);
            assertThat(daemon.run()).isEqualTo(Daemon.EXIT_CONFIG);
            assertThat(logged).anyMatch(l -> l.endsWith("lvs_dataplane ipvs: the kernel has no IPVS (generic netlink"
                    + " family IPVS not found) (available: proxy, nftables)"));
            assertThat(logged).anyMatch(l -> l.endsWith("Stopped - configuration cannot run"));
        }
    }
}
