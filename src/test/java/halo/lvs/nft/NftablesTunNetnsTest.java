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

    /**
     * The marks and policy routing on a kernel, with a veth standing in for the ipip tunnel (which this kernel cannot
     * make; the packets go unencapsulated, as in routed DR): the seeds' LAN (client .50, director .11 holding the VIP,
     * rs1 .21 with the VIP on lo and arp_ignore/arp_announce on its LAN side), and a veth {@code halot001000} from the director to rs1.
     * A client's connection to the VIP is answered by rs1: the ruleset marked its packets, the mark rule sent them to
     * the tunnel's table, whose default route goes into the veth, and the local rule moved after the mark rules (else
     * the director, which holds the VIP, would have refused the connection itself). Closing the plane removes the
     * "tunnel", the rule and the table, and puts the local rule back at 0.
     */
    @Test
    void marksAndPolicyRoutingSendTheClientsConnectionsIntoTheTunnelDevice() throws Exception {
        halo.demo.SeedTopology lan = halo.demo.SeedTopology.seeds("nfttunveth");
        java.net.ServerSocket server = null;
        try (NetNamespace director = NetNamespace.enter(lan.host("dir1").namespace());
             NetNamespace client = NetNamespace.enter(lan.host("client").namespace());
             NetNamespace rs1 = NetNamespace.enter(lan.host("rs1").namespace())) {
            String dir1 = lan.host("dir1").namespace();
            String rs = lan.host("rs1").namespace();
            lan.ipOn("dir1", "addr", "add", "192.0.2.100/24", "dev", "eth0");
            run("ip", "netns", "exec", dir1, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            lan.ipOn("rs1", "addr", "add", "192.0.2.100/32", "dev", "lo");
            // quiet about the VIP on the LAN only: on the veth it answers ARP for it (an ipip tunnel has no ARP)
            for (String key : List.of("net.ipv4.conf.eth0.arp_ignore=1", "net.ipv4.conf.eth0.arp_announce=2",
                    "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0")) {
                run("ip", "netns", "exec", rs, "sysctl", "-q", "-w", key);
            }
            String rulesBefore = exec("ip", "-n", dir1, "rule", "show");
            server = NameServers.start(rs1, 80, "rs1");

            ServiceKey key = Samples.tcp("192.0.2.100", 80);
            IpvsService service = IpvsService.of(key, SchedulingMethod.RR, Set.of(), null).withDestinations(List.of(
                    Samples.destination(key, 0, ForwardingMethod.TUN, 1)));
            NftablesDataPlane plane = director.call(() -> NftablesDataPlane.open(System::nanoTime));
            try {
                // after the open, which removes every halot link as a crashed run's
                run("ip", "-n", dir1, "link", "add", "halot001000", "type", "veth", "peer", "name", "tun0", "netns", rs);
                run("ip", "-n", dir1, "link", "set", "halot001000", "up");
                run("ip", "-n", rs, "link", "set", "tun0", "up");
                run("ip", "netns", "exec", rs, "sysctl", "-q", "-w", "net.ipv4.conf.tun0.rp_filter=0");
                plane.wrapTunnelHost(host -> new TunnelRouting.Host() {
                    @Override
                    public int addTunnel(String name, java.net.InetAddress remote) throws NativeException {
                        // the veth made above, in place of the ipip tunnel to 192.0.2.21
                        return host.links().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow()
                                .index();
                    }

                    @Override
                    public void removeLink(int index) throws NativeException {
                        host.removeLink(index);
                    }

                    @Override
                    public List<halo.os.Link> links() throws NativeException {
                        return host.links();
                    }

                    @Override
                    public void addRoute(halo.os.Route route) throws NativeException {
                        host.addRoute(route);
                    }

                    @Override
                    public List<halo.os.Rule> rules() throws NativeException {
                        return host.rules();
                    }

                    @Override
                    public void addRule(halo.os.Rule rule) throws NativeException {
                        host.addRule(rule);
                    }

                    @Override
                    public void removeRule(halo.os.Rule rule) throws NativeException {
                        host.removeRule(rule);
                    }
                });
                plane.resync(1, new IpvsSnapshot(List.of(service)));
                assertThat(exec("ip", "-n", dir1, "rule", "show")).as("rules with the tunnel").isEqualTo("""
                        1:\tfrom all fwmark 0x48001000 lookup 1207963648
                        2:\tfrom all lookup local
                        32766:\tfrom all lookup main
                        32767:\tfrom all lookup default
                        """);
                assertThat(exec("ip", "-n", dir1, "route", "show", "table", "1207963648"))
                        .startsWith("default dev halot001000 proto keepalived scope link");
                for (int i = 0; i < 5; i++) {
                    try (NameServers.Connection c = NameServers.connect(client, "192.0.2.100", 80)) {
                        assertThat(c.ask()).isEqualTo("rs1");
                        assertThat(c.ask()).as("later packets of the connection (its flow set)").isEqualTo("rs1");
                    }
                }
            } finally {
                plane.close();
            }
            assertThat(exec("ip", "-n", dir1, "rule", "show")).as("rules after close").isEqualTo(rulesBefore)
                    .startsWith("0:\tfrom all lookup local");
            assertThat(exec("ip", "-n", dir1, "link", "show")).doesNotContain("halot");
        } finally {
            if (server != null) server.close();
            lan.close();
        }
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
