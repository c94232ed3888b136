package halo.lvs.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.IpvsTimeouts;
import halo.lvs.IpvsadmView;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceKey;
import halo.lvs.nft.NameServers.Connection;
import halo.os.NetNamespace;
import halo.os.Nftables;
import halo.testing.Await;
import halo.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The NAT plane's connections as the operator sees them (the seeds' LAN in namespaces: a client, director dir1 with
 * the VIP, real servers rs1 and rs2 answering through dir1): {@code ipvsadm -L -n}'s ActiveConn and InActConn and
 * {@code ipvsadm -L -c -n}'s rows come from the director's conntrack table, and {@code ipvsadm --set}'s timeouts
 * are the ones conntrack gives the VIP's new connections.
 */
@Tag("root")
class NftablesNatConntrackNetnsTest {
    private static final String VIP = SeedTopology.VIP4;
    private static final int PORT = 80;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private SeedTopology lan;
    private final List<NetNamespace> namespaces = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private NetNamespace director;
    private NetNamespace client;
    private NftablesDataPlane plane;
    private IpvsSnapshot table;
    private String rs1;
    private String rs2;

    @BeforeEach
    void topology() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        assertThat(Nftables.isAvailable()).as(() -> "libnftables: " + Nftables.unavailabilityCause()).isTrue();
        lan = SeedTopology.seeds("nftct");
        lan.ipOn("dir1", "addr", "add", VIP + "/24", "dev", "eth0");
        String dir1 = lan.host("dir1").namespace();
        for (String key : List.of("net.ipv4.ip_forward=1", "net.ipv4.conf.all.send_redirects=0",
                "net.ipv4.conf.eth0.send_redirects=0")) {
            NameServers.run(List.of("ip", "netns", "exec", dir1, "sysctl", "-q", "-w", key));
        }
        for (String rs : List.of("rs1", "rs2")) {
            lan.ipOn(rs, "route", "add", lan.host("client").ipv4() + "/32", "via", lan.host("dir1").ipv4());
            NetNamespace ns = NetNamespace.enter(lan.host(rs).namespace());
            namespaces.add(ns);
            closing.add(NameServers.start(ns, PORT, rs));
        }
        rs1 = lan.host("rs1").ipv4();
        rs2 = lan.host("rs2").ipv4();
        director = NetNamespace.enter(lan.host("dir1").namespace());
        namespaces.add(director);
        client = NetNamespace.enter(lan.host("client").namespace());
        namespaces.add(client);

        ServiceKey key = new ServiceKey.Inet(Samples.ip(VIP), PORT, halo.lvs.Protocol.TCP);
        table = new IpvsSnapshot(List.of(IpvsService.of(key, SchedulingMethod.RR, Set.of(), null).withDestinations(
                List.of(IpvsDestination.of(new DestinationKey(Samples.ip(rs1), PORT), ForwardingMethod.NAT, 1),
                        IpvsDestination.of(new DestinationKey(Samples.ip(rs2), PORT), ForwardingMethod.NAT, 1)))));
        plane = director.call(() -> NftablesDataPlane.open(System::nanoTime));
        closing.add(() -> director.call(() -> {
            plane.close();
            return null;
        }));
        director.call(() -> {
            plane.resync(1, table);
            return null;
        });
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
    void ipvsadmListsConntracksConnectionsPerRealServer() throws Exception {
        // rr: four connections, two to each real server; the last one is closed by the client (TIME_WAIT)
        List<Connection> open = new ArrayList<>();
        List<String> servedBy = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Connection c = NameServers.connect(client, VIP, PORT);
            closing.add(c);
            servedBy.add(c.ask());
            open.add(c);
        }
        assertThat(servedBy).as("rr over four connections").containsExactlyInAnyOrder("rs1", "rs1", "rs2", "rs2");
        Connection closed = open.removeLast();
        String closedBy = servedBy.getLast();
        int closedPort = closed.socket.getLocalPort();
        closed.close();

        String closedRealServer = closedBy.equals("rs1") ? rs1 : rs2;
        String otherRealServer = closedBy.equals("rs1") ? rs2 : rs1;
        assertThat(Await.until(WAIT, () -> row(listing(), closedRealServer).equals(List.of(1L, 1L))))
                .as("ipvsadm -L -n:%n%s", listing()).isTrue();
        String listed = listing();
        System.out.println("ipvsadm -L -n of the NAT plane:\n" + listed);
        assertThat(row(listed, closedRealServer)).as("%s: ActiveConn, InActConn (one open, one closed)%n%s",
                closedRealServer, listed).containsExactly(1L, 1L);
        assertThat(row(listed, otherRealServer)).as("%s: ActiveConn, InActConn (two open)%n%s", otherRealServer,
                listed).containsExactly(2L, 0L);

        String connections = director.call(() -> plane.connectionListing(true, false));
        System.out.println("ipvsadm -L -c -n of the NAT plane:\n" + connections);
        assertThat(connections).startsWith("IPVS connection entries\n"
                + "pro expire state       source             virtual            destination\n");
        String clientAddress = lan.host("client").ipv4();
        for (Connection c : open) {
            String server = c.ask().equals("rs1") ? rs1 : rs2;
            assertThat(connections).as("the row of the open connection from port %d", c.socket.getLocalPort())
                    .containsPattern("(?m)^TCP \\d\\d:\\d\\d  ESTABLISHED " + Pattern.quote(clientAddress + ":"
                            + c.socket.getLocalPort()) + " +" + Pattern.quote(VIP + ":" + PORT) + " +"
                            + Pattern.quote(server + ":" + PORT) + "$");
        }
        assertThat(connections).as("the closed connection's row").containsPattern("(?m)^TCP \\d\\d:\\d\\d  TIME_WAIT +"
                + Pattern.quote(clientAddress + ":" + closedPort) + " +" + Pattern.quote(VIP + ":" + PORT) + " +"
                + Pattern.quote(closedRealServer + ":" + PORT) + "$");
        // the director's own connections (none here but the NAT ones) and other services' are not listed
        assertThat(connections.lines().count()).as(connections).isEqualTo(2 + 4);
        // IPVS's default tcp timeout (900 s), not conntrack's (5 days): the open connections expire within 15:00
        // (read again until no answer waits for its delayed ACK: conntrack caps such an entry at 300 s meanwhile)
        String[] latest = {connections};
        Await.until(Duration.ofSeconds(5), () -> {
            latest[0] = director.call(() -> plane.connectionListing(true, false));
            return expiries(latest[0], "ESTABLISHED").stream().allMatch(s -> s > 800 && s <= 900);
        });
        assertThat(expiries(latest[0], "ESTABLISHED")).as(latest[0]).hasSize(3)
                .allMatch(s -> s > 800 && s <= 900);
    }

    @Test
    void setTimeoutsAreTheOnesConntrackGivesTheVipsConnections() throws Exception {
        Connection before = NameServers.connect(client, VIP, PORT);
        closing.add(before);
        before.ask();
        assertThat(director.call(() -> plane.timeouts())).isEqualTo(IpvsTimeouts.DEFAULT);

        director.call(() -> {
            plane.timeouts(new IpvsTimeouts(30, 10, 0));
            return null;
        });
        assertThat(director.call(() -> plane.timeouts())).as("ipvsadm -L --timeout")
                .isEqualTo(new IpvsTimeouts(30, 10, 300));
        String ruleset = nft("list", "table", "inet", NftLayout.TABLE);
        System.out.println("the NAT plane's table after --set 30 10 0:\n" + ruleset);
        assertThat(ruleset).contains("policy = { established : 30, fin_wait : 10 }")
                .containsPattern("ip daddr " + Pattern.quote(VIP) + " tcp dport 80 ct timeout set \"tcp4_30_10\"");

        Connection after = NameServers.connect(client, VIP, PORT);
        closing.add(after);
        after.ask();
        String connections = director.call(() -> plane.connectionListing(true, false));
        System.out.println("ipvsadm -L -c -n after --set 30 10 0:\n" + connections);
        assertThat(expiry(connections, after.socket.getLocalPort())).as("a new connection's expiry (tcp 30 s)%n%s",
                connections).isBetween(1L, 30L);
        // the connection that began under the old policy keeps it (900 s), not conntrack's own 5 days; conntrack caps
        // an entry with data not yet acknowledged at 300 s (tcp_timeout_unacknowledged) until the client's delayed
        // ACK of the answer passes, so the expiry is read once that has happened
        before.ask();
        long[] old = new long[1];
        Await.until(Duration.ofSeconds(5), () -> {
            old[0] = expiry(director.call(() -> plane.connectionListing(true, false)), before.socket.getLocalPort());
            return old[0] >= 800 && old[0] <= 900;
        });
        assertThat(old[0]).as("the older connection's expiry after --set").isBetween(800L, 900L);

        // the same again: nothing changes; back to the defaults: the new policy is the default's
        director.call(() -> {
            plane.timeouts(new IpvsTimeouts(30, 10, 300));
            plane.timeouts(IpvsTimeouts.DEFAULT);
            return null;
        });
        assertThat(nft("list", "table", "inet", NftLayout.TABLE)).contains("ct timeout set \"tcp4_900_120\"")
                .doesNotContain("ct timeout set \"tcp4_30_10\"");
    }

    /** The expiry in seconds of the listing's row for the client port PORT. */
    private static long expiry(String listing, int port) {
        Matcher m = Pattern.compile("(?m)^TCP (\\d+):(\\d\\d) +\\S+ +\\S+:" + port + " ").matcher(listing);
        assertThat(m.find()).as("a row for client port %d in%n%s", port, listing).isTrue();
        return Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2));
    }

    private static List<Long> expiries(String listing, String state) {
        List<Long> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^TCP (\\d+):(\\d\\d) +" + state + " ").matcher(listing);
        while (m.find()) out.add(Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2)));
        return out;
    }

    /** {@code ipvsadm -L -n} of the plane's counters over the table. */
    private String listing() throws Exception {
        return director.call(() -> IpvsadmView.list(plane.counters().mergeInto(table)));
    }

    /** ActiveConn and InActConn of the real server at ADDRESS in an ipvsadm -L -n listing (empty when absent). */
    private static List<Long> row(String listing, String address) {
        for (String line : listing.lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 6 && f[0].equals("->") && f[1].equals(address + ":" + PORT)) {
                return List.of(Long.parseLong(f[4]), Long.parseLong(f[5]));
            }
        }
        return List.of();
    }

    private String nft(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lan.host("dir1").namespace(), "nft"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
