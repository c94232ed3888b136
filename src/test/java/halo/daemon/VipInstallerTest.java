package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.vrrp.HostSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VIP installer over a host network in memory: what it sets and removes, in which order, and what it logs. */
class VipInstallerTest {

    @TempDir
    Path dir;

    private final FakeHostNetwork network = new FakeHostNetwork(Map.of("eth0", 2, "eth1", 3));
    private final List<String> logged = new ArrayList<>();
    private final DaemonLog log = new DaemonLog(Clock.systemUTC(), null, logged::add, true);
    private final AtomicBoolean keepAtStop = new AtomicBoolean();
    private final VipInstaller vips = new VipInstaller(network, log, keepAtStop::get);

    private HostSetup.Instance instance(String body) throws IOException {
        Path p = dir.resolve("keepalived.conf");
        Files.writeString(p, """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    %s
                }
                """.formatted(body));
        KeepalivedConfig config = ConfigLoader.load(p, new LoadOptions("test", false)).config();
        return HostSetup.fromConfig(config).instances().getFirst();
    }

    @Test
    void aMasterSetsAddressesThenRoutesThenRulesAndRemovesThemInReverse() throws IOException {
        HostSetup.Instance vi1 = instance("""
                virtual_ipaddress {
                    192.0.2.100/24
                    198.51.100.7/32 dev eth1
                }
                virtual_routes {
                    203.0.113.0/24 via 192.0.2.1 dev eth0
                }
                virtual_rules {
                    from 203.0.113.0/24 table 100
                }
                """);
        vips.change(vi1, true);
        assertThat(network.changes).hasSize(4);
        assertThat(network.changes.subList(0, 2)).containsExactly("+addr 192.0.2.100/24 eth0", "+addr 198.51.100.7/32 eth1");
        assertThat(network.changes.get(2)).startsWith("+route ");
        assertThat(network.changes.get(3)).startsWith("+rule ");
        assertThat(logged).contains("(VI_1) setting Virtual Routes", "(VI_1) setting Virtual Rules");

        network.changes.clear();
        vips.change(vi1, false);
        assertThat(network.changes).hasSize(4);
        assertThat(network.changes.get(0)).startsWith("-rule ");
        assertThat(network.changes.get(1)).startsWith("-route ");
        assertThat(network.changes.subList(2, 4)).containsExactly("-addr 192.0.2.100/24 eth0", "-addr 198.51.100.7/32 eth1");
        assertThat(network.addresses).isEmpty();
        assertThat(network.routes).isEmpty();
        assertThat(network.rules).isEmpty();
    }

    @Test
    void settingWhatIsThereOrRemovingWhatIsGoneIsNoError() throws IOException {
        HostSetup.Instance vi1 = instance("""
                virtual_ipaddress {
                    192.0.2.100/24
                }
                virtual_routes {
                    203.0.113.0/24 via 192.0.2.1 dev eth0
                }
                """);
        vips.change(vi1, false); // at start-up keepalived removes residual VIPs: none here
        vips.change(vi1, true);
        vips.change(vi1, true);
        assertThat(network.addresses).containsExactly("192.0.2.100/24 eth0");
        assertThat(logged).noneMatch(l -> l.contains("cannot") || l.contains("Cannot"));
    }

    @Test
    void anAddressOnAMissingInterfaceIsLoggedAndSkipped() throws IOException {
        HostSetup.Instance vi1 = instance("""
                virtual_ipaddress {
                    192.0.2.100/24 dev eth9
                }
                """);
        vips.change(vi1, true);
        assertThat(network.changes).isEmpty();
        assertThat(logged).anyMatch(l -> l.startsWith("(VI_1) interface eth9 for 192.0.2.100") && l.endsWith("doesn't exist"));
    }

    @Test
    void withDontReleaseVrrpAStoppingDaemonLeavesItsAddressesAndRoutes() throws IOException {
        HostSetup.Instance vi1 = instance("""
                virtual_ipaddress {
                    192.0.2.100/24
                }
                virtual_routes {
                    203.0.113.0/24 via 192.0.2.1 dev eth0
                }
                """);
        vips.change(vi1, true);
        keepAtStop.set(true);
        network.changes.clear();
        vips.change(vi1, false);
        assertThat(network.changes).isEmpty();
        assertThat(network.addresses).containsExactly("192.0.2.100/24 eth0");
    }

    @Test
    void anAddressDeletedBehindItsBackIsToldFromItsOwnRemovals() throws IOException {
        HostSetup.Instance vi1 = instance("""
                virtual_ipaddress {
                    192.0.2.100/24
                    192.0.2.101/24
                }
                """);
        vips.change(vi1, true);
        // the netlink monitor reports a removal: ours is still counted set, so someone else removed it
        assertThat(vips.forgetOurs("192.0.2.100")).isTrue();
        assertThat(vips.forgetOurs("192.0.2.100")).isFalse();
        vips.change(vi1, false);
        assertThat(vips.forgetOurs("192.0.2.101")).as("our own removal").isFalse();
    }

    @Test
    void addressesLeftAtStopGoOnlyWhenReleased() throws IOException {
        HostSetup.Instance vi1 = instance("""
                advert_int 0.05
                virtual_ipaddress {
                    192.0.2.100/24
                }
                """);
        vips.change(vi1, true);
        vips.leaveUntilStop(vi1);
        assertThat(network.addresses).containsExactly("192.0.2.100/24 eth0");
        List<String> heldWhileWaiting = new java.util.ArrayList<>();
        vips.releaseLeftAtStop((waiting, deadline) -> {
            heldWhileWaiting.addAll(network.addresses);
            return null; // no advert: the interval runs out
        });
        assertThat(heldWhileWaiting).containsExactly("192.0.2.100/24 eth0");
        assertThat(network.addresses).isEmpty();
    }

    @Test
    void theNewMastersAdvertEndsTheStopAtOnceForItsInstanceOnly() throws IOException {
        HostSetup.Instance vi1 = instance("""
                advert_int 1
                virtual_ipaddress {
                    192.0.2.100/24
                }
                """);
        HostSetup.Instance vi2 = instance("""
                advert_int 1
                virtual_ipaddress {
                    192.0.2.101/24
                }
                """);
        vips.change(vi1, true);
        vips.change(vi2, true);
        vips.leaveUntilStop(vi1);
        vips.leaveUntilStop(vi2);
        List<List<String>> seen = new java.util.ArrayList<>();
        vips.releaseLeftAtStop((waiting, deadline) -> {
            seen.add(List.copyOf(network.addresses));
            // vi1's new master speaks first; then nothing more until the deadline
            return waiting.contains(vi1) ? vi1 : null;
        });
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).containsExactlyInAnyOrder("192.0.2.100/24 eth0", "192.0.2.101/24 eth0");
        assertThat(seen.get(1)).as("vi1 removed at its new master's advert, vi2 still held").containsExactly("192.0.2.101/24 eth0");
        assertThat(network.addresses).isEmpty();
    }
}
