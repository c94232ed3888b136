package halo.lvs.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.lvs.Action;
import halo.lvs.DataPlaneException;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceKey;
import halo.os.Errno;
import halo.os.NativeException;
import halo.os.NetNamespace;
import halo.os.Nftables;
import halo.os.RtNetlink;
import halo.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TUN on the nftables plane against this kernel, which has no ipip module: the tunnel Halo asks rtnetlink for is
 * refused, the plane refuses the batch with a message that says so, and nothing is left behind (no table, no tunnel,
 * no mark rule, the local rule where the kernel put it); a NAT service already in place stays.
 */
class NftablesTunNetnsTest {
    private String ns;
    private NetNamespace inside;

    @BeforeEach
    void namespace() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        assertThat(Nftables.isAvailable()).as(() -> "libnftables: " + Nftables.unavailabilityCause()).isTrue();
        ns = "halo-nfttun-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        run("ip", "netns", "add", ns);
        run("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
        run("ip", "-n", ns, "link", "set", "eth0", "up");
        run("ip", "-n", ns, "link", "set", "eth1", "up");
        run("ip", "-n", ns, "addr", "add", "192.0.2.11/24", "dev", "eth0");
        inside = NetNamespace.enter(ns);
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (inside != null) inside.close();
        if (ns != null) exec("ip", "netns", "del", ns);
    }

    @Test
    void theKernelRefusesAnIpipTunnelAsUnknownDeviceType() throws Exception {
        NativeException refused = inside.call(() -> {
            try (RtNetlink rt = RtNetlink.open()) {
                rt.addIpipTunnel("halot00f000", null, Samples.ip("192.0.2.21"));
                return null;
            } catch (NativeException e) {
                return e;
            }
        });
        assertThat(refused).as("this kernel has no ipip module: the tunnel is refused").isNotNull();
        assertThat(refused.errno()).isEqualTo(Errno.EOPNOTSUPP);
        assertThat(refused).hasMessage("RTM_NEWLINK ipip halot00f000 remote 192.0.2.21 (kernel: Unknown device type)"
                + " failed: EOPNOTSUPP (Operation not supported)");
    }

    @Test
    void aTunServiceIsRefusedWithTheReasonAndLeavesNothingBehind() throws Exception {
        ServiceKey nat = Samples.tcp("192.0.2.100", 80);
        IpvsService natService = IpvsService.of(nat, SchedulingMethod.RR, Set.of(), null).withDestinations(List.of(
                Samples.destination(nat, 0, ForwardingMethod.NAT, 1)));
        ServiceKey tun = Samples.tcp("192.0.2.100", 443);
        IpvsService tunService = IpvsService.of(tun, SchedulingMethod.RR, Set.of(), null).withDestinations(List.of(
                Samples.destination(tun, 0, ForwardingMethod.TUN, 1),
                Samples.destination(tun, 1, ForwardingMethod.TUN, 1)));
        String expected = "TUN forwarding to 192.0.2.21, 192.0.2.22 needs an ipip tunnel to each real server, and the"
                + " kernel refused one: RTM_NEWLINK ipip halot002000 remote 192.0.2.21 (kernel: Unknown device type)"
                + " failed: EOPNOTSUPP (Operation not supported): this kernel has no IP-in-IP tunnels (the ipip"
                + " module; modprobe ipip)";
        String rulesBefore = exec("ip", "-n", ns, "rule", "show");
        String[] after = inside.call(() -> {
            NftablesDataPlane plane = NftablesDataPlane.open(System::nanoTime);
            try (Nftables nft = Nftables.open()) {
                assertThatThrownBy(() -> plane.resync(1, new IpvsSnapshot(List.of(natService, tunService))))
                        .isInstanceOf(DataPlaneException.class).hasMessage(expected);
                String refusedResync = nft.run("list tables");
                plane.resync(2, new IpvsSnapshot(List.of(natService)));
                // the service ids go on from the refused resync's: s2 is the NAT service now, s3 the TUN one
                assertThatThrownBy(() -> plane.apply(3, List.of(new Action.AddService(tunService))))
                        .isInstanceOf(DataPlaneException.class).hasMessageContaining("this kernel has no IP-in-IP");
                String refusedApply = nft.run("list table inet halo_lvs");
                plane.close();
                return new String[] {refusedResync, refusedApply, nft.run("list tables")};
            }
        });
        assertThat(after[0]).as("tables after the refused resync").doesNotContain("halo_lvs");
        assertThat(after[1]).as("the NAT service stays; no TUN chain").contains("tcp dport 80")
                .doesNotContain("tcp dport 443").doesNotContain("tun_prerouting");
        assertThat(after[2]).as("tables after close").doesNotContain("halo_lvs");
        assertThat(exec("ip", "-n", ns, "link", "show")).doesNotContain("halot");
        assertThat(exec("ip", "-n", ns, "rule", "show")).as("rules as before").isEqualTo(rulesBefore)
                .startsWith("0:\tfrom all lookup local");
    }

    private static void run(String... cmd) throws IOException {
        String out = exec(cmd);
        if (out.startsWith("!")) throw new IOException(String.join(" ", cmd) + ": " + out.substring(1));
    }

    /** Output, or "!" + output when the command failed. */
    private static String exec(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "!timed out";
            }
            return p.exitValue() == 0 ? out : "!" + out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
