package halo.lvs.nft;

import halo.lvs.nft.NameServers.Connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.lvs.Action;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceKey;
import halo.os.NetNamespace;
import halo.os.Nftables;
import halo.testing.Root;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * DR through the nftables plane with real traffic (the seeds' LAN in namespaces: a client, director dir1 holding the
 * VIP, real servers rs1 and rs2 with the VIP on lo): connections established on a healthy real server keep going,
 * with no reset, when the checker removes another real server and brings it back (the table, and so the hash of those
 * very flows, changes), and a real server set to weight 0 keeps its established connections and gets no new one.
 */
@Tag("root")
class NftablesDrFlowsNetnsTest {
    private static final String VIP = SeedTopology.VIP4;
    private static final int PORT = 80;

    private SeedTopology lan;
    private final List<NetNamespace> namespaces = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private NetNamespace director;
    private NetNamespace client;

    @BeforeEach
    void topology() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        assertThat(Nftables.isAvailable()).as(() -> "libnftables: " + Nftables.unavailabilityCause()).isTrue();
        lan = SeedTopology.seeds("nftdr");
        lan.ipOn("dir1", "addr", "add", VIP + "/24", "dev", "eth0");
        for (String rs : List.of("rs1", "rs2")) {
            lan.ipOn(rs, "addr", "add", VIP + "/32", "dev", "lo");
            for (String key : List.of("all/arp_ignore=1", "all/arp_announce=2", "lo/arp_ignore=1", "lo/arp_announce=2")) {
                NameServers.run(List.of("ip", "netns", "exec", lan.host(rs).namespace(), "sysctl", "-q", "-w",
                        "net.ipv4.conf." + key.replace('/', '.')));
            }
            NetNamespace ns = NetNamespace.enter(lan.host(rs).namespace());
            namespaces.add(ns);
            ServerSocket server = NameServers.start(ns, PORT, rs);
            closing.add(server);
        }
        director = NetNamespace.enter(lan.host("dir1").namespace());
        namespaces.add(director);
        client = NetNamespace.enter(lan.host("client").namespace());
        namespaces.add(client);
    }

    @AfterEach
    void cleanUp() {
        for (AutoCloseable c : closing.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the namespaces go anyway
            }
        }
        for (NetNamespace ns : namespaces) ns.close();
        if (lan != null) lan.close();
    }

    @Test
    void establishedFlowsStayOnTheirHealthyServerAcrossAnotherServersRemovalReturnAndWeightZero() throws Exception {
        ServiceKey key = new ServiceKey.Inet(Samples.ip(VIP), PORT, halo.lvs.Protocol.TCP);
        DestinationKey rs1 = new DestinationKey(Samples.ip(lan.host("rs1").ipv4()), PORT);
        DestinationKey rs2 = new DestinationKey(Samples.ip(lan.host("rs2").ipv4()), PORT);
        IpvsService service = IpvsService.of(key, SchedulingMethod.RR, Set.of(), null).withDestinations(List.of(
                IpvsDestination.of(rs1, ForwardingMethod.DR, 1), IpvsDestination.of(rs2, ForwardingMethod.DR, 1)));
        NftablesDataPlane plane = in(director, () -> NftablesDataPlane.open(System::nanoTime));
        closing.add(() -> in(director, () -> {
            plane.close();
            return null;
        }));
        in(director, () -> {
            plane.resync(1, new IpvsSnapshot(List.of(service)));
            return null;
        });

        // connections from the client until some are on each server (rr on a hash of the client's port)
        List<Connection> onRs1 = new ArrayList<>();
        List<Connection> onRs2 = new ArrayList<>();
        for (int i = 0; i < 60 && (onRs1.size() < 4 || onRs2.size() < 4); i++) {
            Connection c = connect();
            (c.ask().equals("rs1") ? onRs1 : onRs2).add(c);
        }
        assertThat(onRs1).as("connections on rs1").isNotEmpty();
        assertThat(onRs2).as("connections on rs2").isNotEmpty();

        // the checker takes rs1 out and brings it back (under a new id: rs2 comes first in the table now, so the
        // hash sends half of all flows, these among them, to the other server than before)
        in(director, () -> {
            plane.apply(2, List.of(new Action.RemoveDestination(key, rs1)));
            return null;
        });
        for (Connection c : onRs2) assertThat(c.ask()).as("a connection on rs2 after rs1's removal").isEqualTo("rs2");
        in(director, () -> {
            plane.apply(3, List.of(new Action.AddDestination(key, IpvsDestination.of(rs1, ForwardingMethod.DR, 1))));
            return null;
        });
        for (Connection c : onRs2) assertThat(c.ask()).as("a connection on rs2 after rs1's return").isEqualTo("rs2");

        // rs2 quiesced: its connections go on, new ones go to rs1
        in(director, () -> {
            plane.apply(4, List.of(new Action.EditDestination(key, IpvsDestination.of(rs2, ForwardingMethod.DR, 0))));
            return null;
        });
        for (Connection c : onRs2) assertThat(c.ask()).as("a connection on rs2 at weight 0").isEqualTo("rs2");
        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            try (Connection c = connect()) {
                fresh.add(c.ask());
            }
        }
        assertThat(fresh).as("new connections with rs2 at weight 0").containsOnly("rs1");

        // lvs_timeouts: the flow sets' entries are refreshed with the new timeouts, the flows kept
        String listed = in(director, () -> {
            plane.timeouts(new halo.lvs.IpvsTimeouts(60, 0, 0));
            try (Nftables nft = Nftables.open()) {
                return nft.run("list table netdev halo_lvs");
            }
        });
        assertThat(listed).as("the DR chains after lvs_timeouts 60 0 0")
                .contains("update @s1_d1_f { ip saddr . tcp sport timeout 1m }")
                .contains("update @s1_d1_f { ip saddr . tcp sport timeout 2m }")
                .containsPattern("set s1_d1_f \\{[^}]*elements = \\{ 192\\.0\\.2\\.50 \\. \\d+ ");
        for (Connection c : onRs2) assertThat(c.ask()).as("a connection on rs2 after lvs_timeouts").isEqualTo("rs2");

        // a closed connection's entry lives tcpfin (120 s) from its FIN on, its last ACKs included, not the tcp
        // timeout (60 s now), as IPVS's FIN_WAIT/TIME_WAIT do
        List<Integer> closed = new ArrayList<>();
        for (Connection c : onRs2) {
            closed.add(c.socket.getLocalPort());
            c.close();
        }
        String[] last = {""};
        boolean shortened = halo.testing.Await.until(java.time.Duration.ofSeconds(20), () -> {
            last[0] = in(director, () -> {
                try (Nftables nft = Nftables.open()) {
                    return nft.run("list set netdev halo_lvs s1_d1_f");
                }
            });
            return closed.stream().allMatch(port -> {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("192\\.0\\.2\\.50 \\. " + port
                        + " timeout \\S+ expires (?:(\\d+)m)?(?:(\\d+)s)?").matcher(last[0]);
                if (!m.find()) return false;
                int seconds = (m.group(1) == null ? 0 : 60 * Integer.parseInt(m.group(1)))
                        + (m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
                return seconds > 60 && seconds <= 120;
            });
        });
        assertThat(shortened).as("the closed connections' entries (ports %s) expire within tcpfin, after tcp: %s",
                closed, last[0]).isTrue();
        for (Connection c : onRs1) c.close();
    }

    private Connection connect() throws Exception {
        Connection c = NameServers.connect(client, VIP, PORT);
        closing.add(c);
        return c;
    }

    private static <T> T in(NetNamespace ns, Callable<T> work) throws Exception {
        return ns.call(work);
    }
}
