package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.testing.Await;
import halo.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Halo puts on the wire, judged by Wireshark's dissectors (tshark): VRRPv2 with PASS authentication, VRRPv3 over
 * IPv4 and IPv6, gratuitous ARPs and unsolicited neighbour advertisements, captured with tcpdump on the peer.
 */
@Tag("root")
class DaemonWireNetnsTest {

    private static final Duration LONG = Duration.ofSeconds(20);
    /** Halo's own packets: adverts, ARPs (only Halo sends gratuitous ones here) and neighbour advertisements. */
    private static final String OURS = "vrrp || arp.isgratuitous || icmpv6.type == 136";

    @TempDir
    Path dir;

    private SeedTopology lan;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Process> tools = new ArrayList<>();

    @BeforeEach
    void topology() throws IOException {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        assumeThat(onPath("tshark") && onPath("tcpdump")).as("needs tshark and tcpdump").isTrue();
        lan = SeedTopology.directors("wire");
    }

    @AfterEach
    void cleanUp() {
        nodes.forEach(NodeProcess::close);
        for (Process p : tools) {
            p.destroyForcibly();
        }
        if (lan != null) {
            lan.close();
        }
    }

    private static boolean onPath(String tool) {
        return ScriptRunner.resolveExecutable(tool) != null;
    }

    private String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        tools.add(p);
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void tsharkFindsNothingWrongInHalosAdvertsArpsAndNeighbourAdverts() throws Exception {
        Path conf = dir.resolve("dir1.conf");
        Files.writeString(conf, """
                global_defs {
                    router_id dir1
                }
                vrrp_instance V2_PASS {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    advert_int 1
                    authentication {
                        auth_type PASS
                        auth_pass s3cret
                    }
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                vrrp_instance V3_IPV4 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 52
                    priority 100
                    version 3
                    advert_int 0.1
                    virtual_ipaddress {
                        192.0.2.101/24
                        192.0.2.102/24
                    }
                }
                vrrp_instance V3_IPV6 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 53
                    priority 100
                    version 3
                    advert_int 0.1
                    virtual_ipaddress {
                        2001:db8::100/64
                    }
                }
                """);
        Path pcap = dir.resolve("wire.pcap");
        List<String> tcpdump = new ArrayList<>(lan.exec("dir2"));
        tcpdump.addAll(List.of("tcpdump", "-i", "eth0", "-U", "-w", pcap.toString(), "ip proto 112 or ip6 proto 112 or arp or icmp6"));
        Process capture = new ProcessBuilder(tcpdump).redirectErrorStream(true).redirectOutput(dir.resolve("tcpdump.log").toFile()).start();
        tools.add(capture);
        Path tcpdumpLog = dir.resolve("tcpdump.log");
        assertThat(Await.until(LONG, () -> Files.readString(tcpdumpLog).contains("listening on")))
                .as("tcpdump listening").isTrue();
        NodeProcess d1 = NodeProcess.halo("dir1", lan.exec("dir1"), conf, dir);
        nodes.add(d1);
        for (String name : List.of("V2_PASS", "V3_IPV4", "V3_IPV6")) {
            d1.awaitLog("\\(" + name + "\\) Entering MASTER STATE", LONG);
        }
        // the GARP / NA batches, then 30 adverts more (1 s at 3 x 100 ms)
        d1.awaitLog("Sending gratuitous ARP on eth0", LONG);
        d1.awaitLog("Sending unsolicited Neighbour Advert on eth0", LONG);
        d1.awaitMore("adverts_sent", 30, LONG);
        assertThat(d1.stop(LONG)).isZero(); // priority-0 adverts too
        // tcpdump may lag on a busy host: wait (bounded) until the three priority-0 adverts are in the file
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end && run(List.of("tshark", "-r", pcap.toString(), "-Y", "vrrp.prio == 0", "-T", "fields",
                "-e", "vrrp.virt_rtr_id")).lines().filter(l -> l.matches("\\d+")).count() < 3) {
            NodeProcess.sleep(200);
        }
        capture.destroy();
        capture.waitFor(5, TimeUnit.SECONDS);

        String fields = run(List.of("tshark", "-r", pcap.toString(), "-Y", OURS, "-T", "fields", "-e", "vrrp.version",
                "-e", "vrrp.auth_type", "-e", "vrrp.prio", "-e", "ipv6.src", "-e", "arp.isgratuitous", "-e", "icmpv6.type"));
        List<String> lines = fields.lines().filter(l -> !l.startsWith("Running as")).toList();
        assertThat(lines).as("v2 PASS adverts").anyMatch(l -> l.startsWith("2\t1\t100"));
        assertThat(lines).as("v2 priority 0 at the stop").anyMatch(l -> l.startsWith("2\t1\t0"));
        assertThat(lines).as("v3 IPv4 adverts").anyMatch(l -> l.matches("3\t\t100\t\t.*"));
        assertThat(lines).as("v3 IPv6 adverts").anyMatch(l -> l.matches("3\t\t100\tfe80::.*"));
        assertThat(lines).as("gratuitous ARPs").anyMatch(l -> l.contains("\t1\t") && l.startsWith("\t"));
        assertThat(lines).as("neighbour adverts").anyMatch(l -> l.endsWith("\t136"));

        // every advert's checksum verified good (Wireshark: 1 good, 0 bad, 2 unverified), v2 and v3, IPv4 and IPv6
        String checksums = run(List.of("tshark", "-r", pcap.toString(), "-Y", "vrrp", "-T", "fields", "-e", "vrrp.version",
                "-e", "vrrp.checksum.status", "-e", "vrrp.auth_string"));
        List<String> adverts = checksums.lines().filter(l -> !l.startsWith("Running as")).toList();
        assertThat(adverts).hasSizeGreaterThan(20).allMatch(l -> l.matches("[23]\t1\t.*"));
        assertThat(adverts).anyMatch(l -> l.equals("2\t1\ts3cret"));

        String verbose = run(List.of("tshark", "-r", pcap.toString(), "-Y", OURS, "-V"));
        assertThat(verbose).doesNotContainIgnoringCase("malformed").doesNotContain("[Expert Info (Warning")
                .doesNotContain("[Expert Info (Error").doesNotContainIgnoringCase("incorrect");
        String expert = run(List.of("tshark", "-r", pcap.toString(), "-q", "-z", "expert,warn," + OURS));
        assertThat(expert).doesNotContain("Warnings (").doesNotContain("Errors (");
    }
}
