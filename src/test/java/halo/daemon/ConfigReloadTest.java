package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.vrrp.HostPort;
import halo.vrrp.HostSetup;
import halo.vrrp.VrrpHost;
import halo.vrrp.InstanceMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload's hand-over of the running instances and its address diff, over a host network in memory: what a MASTER
 * keeps, gains and loses, without root.
 */
class ConfigReloadTest {

    @TempDir
    Path dir;

    private final FakeHostNetwork network = new FakeHostNetwork(Map.of("eth0", 2));
    private final List<String> logged = new ArrayList<>();
    private final DaemonLog log = new DaemonLog(Clock.systemUTC(), null, logged::add, false);
    private final VipInstaller vips = new VipInstaller(network, log, () -> false);
    private final HostPort port = new HostPort() {
        @Override
        public byte[] primaryAddress(String interfaceName, boolean ipv6) {
            return new byte[] {(byte) 192, 0, 2, 11};
        }

        @Override
        public boolean isUp(String interfaceName) {
            return true;
        }

        @Override
        public void sendAdvert(HostSetup.Instance instance, boolean ipv6, byte[] destination, int ttl, byte[] message,
                               int offset, int length) {
        }

        @Override
        public void virtualAddresses(InstanceMachine instance, HostSetup.Instance setup, boolean set) {
            vips.change(setup, set);
        }

        @Override
        public void gratuitousArps(InstanceMachine instance, HostSetup.Instance setup, int repeat) {
        }

        @Override
        public void runTrackScript(HostSetup.Script script) {
        }

        @Override
        public void runNotifyScript(String command, List<String> extraArgs, boolean stop) {
        }

        @Override
        public void writeFifo(String line) {
        }

        @Override
        public void log(String line) {
            logged.add(line);
        }
    };

    private int files;

    private KeepalivedConfig config(String text) throws IOException {
        Path p = dir.resolve("keepalived-" + files++ + ".conf");
        Files.writeString(p, text);
        return ConfigLoader.load(p, new LoadOptions("test", false)).config();
    }

    /** The owner of VRID 51 (priority 255: MASTER at once) with VIPS, and the static addresses STATIC. */
    private KeepalivedConfig owner(String vips, String statics) throws IOException {
        return config("""
                static_ipaddress {
                    %s
                }
                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 51
                    priority 255
                    version 3
                    virtual_ipaddress {
                        %s
                    }
                }
                """.formatted(statics, vips));
    }

    private VrrpHost master(KeepalivedConfig config) {
        vips.changeStatic(config, true);
        VrrpHost host = new VrrpHost(HostSetup.fromConfig(config), port);
        host.start(0);
        assertThat(host.slots().getFirst().machine.virtualAddressesSet()).as("the owner is MASTER").isTrue();
        return host;
    }

    private VrrpHost reload(VrrpHost old, KeepalivedConfig previous, KeepalivedConfig next) {
        network.changes.clear();
        return ConfigReload.swapHost(old, HostSetup.fromConfig(next), port, vips, previous, next, 1_000_000_000L);
    }

    @Test
    void aMasterKeepsTheVipsThatStayAndGainsAndLosesOnlyTheChangedOnes() throws IOException {
        KeepalivedConfig before = owner("192.0.2.100/24\n192.0.2.101/24", "");
        VrrpHost host = master(before);
        assertThat(network.addresses).containsExactlyInAnyOrder("192.0.2.100/24 eth0", "192.0.2.101/24 eth0");

        KeepalivedConfig after = owner("192.0.2.100/24\n192.0.2.102/24", "");
        VrrpHost next = reload(host, before, after);
        assertThat(next.slots().getFirst().machine.virtualAddressesSet()).as("still MASTER").isTrue();
        assertThat(network.addresses).containsExactlyInAnyOrder("192.0.2.100/24 eth0", "192.0.2.102/24 eth0");
        assertThat(network.changes).contains("+addr 192.0.2.102/24 eth0", "-addr 192.0.2.101/24 eth0")
                .doesNotContain("-addr 192.0.2.100/24 eth0");
        assertThat(logged).anyMatch(l -> l.startsWith("(VI_1) removing 192.0.2.101") && l.endsWith("(no longer configured)"));
    }

    @Test
    void theSameConfigurationAgainChangesNothingOnTheHost() throws IOException {
        KeepalivedConfig before = owner("192.0.2.100/24", "198.51.100.5/32 dev eth0");
        VrrpHost host = master(before);
        reload(host, before, owner("192.0.2.100/24", "198.51.100.5/32 dev eth0"));
        assertThat(network.changes).noneMatch(c -> c.startsWith("-"));
        assertThat(network.addresses).containsExactlyInAnyOrder("192.0.2.100/24 eth0", "198.51.100.5/32 eth0");
    }

    @Test
    void anInstanceGoneFromTheConfigurationReleasesItsAddresses() throws IOException {
        KeepalivedConfig before = owner("192.0.2.100/24", "");
        VrrpHost host = master(before);
        KeepalivedConfig after = config("""
                vrrp_instance VI_2 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 52
                    priority 100
                    version 3
                    virtual_ipaddress {
                        192.0.2.200/24
                    }
                }
                """);
        reload(host, before, after);
        assertThat(network.changes).contains("-addr 192.0.2.100/24 eth0");
        assertThat(network.addresses).isEmpty();
    }

    @Test
    void staticAddressesFollowTheConfiguration() throws IOException {
        KeepalivedConfig before = owner("192.0.2.100/24", "198.51.100.5/32 dev eth0");
        VrrpHost host = master(before);
        reload(host, before, owner("192.0.2.100/24", "198.51.100.6/32 dev eth0"));
        assertThat(network.changes).contains("-addr 198.51.100.5/32 eth0", "+addr 198.51.100.6/32 eth0");
        assertThat(network.addresses).containsExactlyInAnyOrder("192.0.2.100/24 eth0", "198.51.100.6/32 eth0");
    }
}
