package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.testing.Await;
import halo.testing.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nftables data plane through {@code halo run} in namespaces: a client, a director (VRRP holds the VIP
 * 192.0.2.100, {@code lvs_dataplane nftables}) and two real servers on one LAN, wrr 3/1 as in seed 003, HTTP_GET
 * checks. NAT: the real servers route the client's address back through the director, which forwards. DR: the real
 * servers carry the VIP on lo with arp_ignore=1 and arp_announce=2 and answer the client directly.
 */
class NftablesLoadBalancingNetnsTest {
    private static final Duration CHECKER_TIME = Duration.ofSeconds(20);
    private static final Path SCRIPTS = LoadBalancingNetnsTest.SCRIPTS;

    @TempDir
    Path dir;

    private SeedTopology lan;
    private NodeProcess director;
    private final Map<String, Process> realServers = new HashMap<>();
    private String bind;

    @AfterEach
    void cleanUp() {
        if (director != null) director.close();
        realServers.values().forEach(NftablesLoadBalancingNetnsTest::stop);
        if (lan != null) lan.close();
    }

    /**
     * NAT, wrr 3/1: {@code numgen inc} over the wrr cycle schedules each new connection, so 40 connections go exactly
     * 30 and 10; a stopped server is left out until its checker sees it again, then the spread is exact again;
     * {@code halo lvs --stats} shows each real server's connections and packets both ways.
     */
    @Test
    void natSpreadsByWeightExactlyAndFollowsTheChecker() throws Exception {
        topology("NAT", "192.0.2.21");
        for (String rs : List.of("rs1", "rs2")) {
            lan.ipOn(rs, "route", "add", "192.0.2.50/32", "via", "192.0.2.11");
        }
        sysctl("dir1", "net.ipv4.ip_forward", "1");
        sysctl("dir1", "net.ipv4.conf.all.send_redirects", "0");
        sysctl("dir1", "net.ipv4.conf.eth0.send_redirects", "0");
        startDirector("NAT");

        assertThat(counts(requests(40))).isEqualTo(Map.of("rs1", 30, "rs2", 10));

        int removed = director.mark("Removing service \\[192.0.2.21\\]:tcp:80 from VS");
        stop(realServers.remove("rs1"));
        director.awaitLog("Removing service \\[192.0.2.21\\]:tcp:80 from VS", removed, CHECKER_TIME);
        assertThat(counts(requests(8))).isEqualTo(Map.of("rs2", 8));

        int added = director.mark("Adding service \\[192.0.2.21\\]:tcp:80 to VS");
        startRealServer("rs1");
        director.awaitLog("Adding service \\[192.0.2.21\\]:tcp:80 to VS", added, CHECKER_TIME);
        assertThat(counts(requests(8))).as("table: %s", lvs("-L", "-n")).isEqualTo(Map.of("rs1", 6, "rs2", 2));

        // every connection was counted on its server, with packets in both directions (rs1 came back as a new
        // destination: its counters start again, as the 6 connections since)
        String stats = lvs("-L", "-n", "--stats");
        long[] rs1 = statsRow(stats, "192.0.2.21:80");
        long[] rs2 = statsRow(stats, "192.0.2.22:80");
        assertThat(rs1[0]).as(stats).isEqualTo(6);
        assertThat(rs2[0]).as(stats).isGreaterThanOrEqualTo(20);
        assertThat(rs2[1]).as("in packets: " + stats).isGreaterThan(rs2[0]);
        assertThat(rs2[2]).as("out packets: " + stats).isGreaterThan(rs2[0]);

        // -Z zeroes the plane's counters
        lvs("-Z");
        String zeroed = lvs("-L", "-n", "--stats");
        assertThat(statsRow(zeroed, "192.0.2.21:80")).as(zeroed).containsExactly(0, 0, 0);
        assertThat(statsRow(zeroed, "192.0.2.22:80")).as(zeroed).containsExactly(0, 0, 0);

        // a graceful stop removes Halo's tables
        assertThat(nft("dir1", "list tables\n")).contains("table inet halo_lvs");
        assertThat(director.stop(Duration.ofSeconds(15))).isZero();
        assertThat(nft("dir1", "list tables\n")).doesNotContain("halo_lvs");
    }

    /**
     * DR, wrr 3/1: the director forwards the client's frames with {@code fwd} in the netdev ingress hook, flows
     * spread by a seeded hash of address and port over the wrr cycle: 200 connections, 150 expected on rs1, within
     * 25 (four standard deviations of the binomial spread). The real servers see the client's own address, no reply
     * reaches the director (counted on its eth0 by a table of the test's own), and the checker takes a stopped server
     * out and back.
     */
    @Test
    void drSpreadsByWeightRepliesBypassTheDirectorAndTheRealServersSeeTheClient() throws Exception {
        topology("DR", "0.0.0.0");
        for (String rs : List.of("rs1", "rs2")) {
            lan.ipOn(rs, "addr", "add", "192.0.2.100/32", "dev", "lo");
            sysctl(rs, "net.ipv4.conf.all.arp_ignore", "1");
            sysctl(rs, "net.ipv4.conf.all.arp_announce", "2");
            sysctl(rs, "net.ipv4.conf.eth0.arp_ignore", "1");
            sysctl(rs, "net.ipv4.conf.eth0.arp_announce", "2");
        }
        startDirector("DR");
        String tap = "halo_test_" + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        nft("dir1", "add table netdev " + tap + "\n"
                + "add chain netdev " + tap + " c { type filter hook ingress device \"eth0\" priority -10; }\n"
                + "add rule netdev " + tap + " c ip daddr 192.0.2.100 tcp dport 80 counter\n"
                + "add rule netdev " + tap + " c ip saddr 192.0.2.100 tcp sport 80 counter\n");

        Map<String, Integer> spread = counts(requests(200));
        assertThat(spread.keySet()).containsExactlyInAnyOrder("rs1", "rs2");
        assertThat(spread.get("rs1")).as("rs1 of 200 (expected 150 ± 25): %s", spread).isBetween(125, 175);

        assertThat(peer()).isEqualTo("192.0.2.50");

        String counted = nft("dir1", "list table netdev " + tap + "\n");
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(counted);
        List<Long> packets = new ArrayList<>();
        while (m.find()) packets.add(Long.parseLong(m.group(1)));
        assertThat(packets).as(counted).hasSize(2);
        assertThat(packets.get(0)).as("client packets through the director").isGreaterThan(400);
        assertThat(packets.get(1)).as("reply packets at the director").isZero();

        String stats = lvs("-L", "-n", "--stats");
        long[] rs1 = statsRow(stats, "192.0.2.21:80");
        assertThat(rs1[0]).as("connections (SYNs): " + stats).isGreaterThanOrEqualTo(spread.get("rs1"));
        assertThat(rs1[1]).as("in packets: " + stats).isGreaterThan(rs1[0]);
        assertThat(rs1[2]).as("out packets never pass a DR director: " + stats).isZero();

        int removed = director.mark("Removing service \\[192.0.2.21\\]:tcp:80 from VS");
        stop(realServers.remove("rs1"));
        director.awaitLog("Removing service \\[192.0.2.21\\]:tcp:80 from VS", removed, CHECKER_TIME);
        assertThat(counts(requests(8))).isEqualTo(Map.of("rs2", 8));
        int added = director.mark("Adding service \\[192.0.2.21\\]:tcp:80 to VS");
        startRealServer("rs1");
        director.awaitLog("Adding service \\[192.0.2.21\\]:tcp:80 to VS", added, CHECKER_TIME);
        assertThat(counts(requests(40)).keySet()).containsExactlyInAnyOrder("rs1", "rs2");
    }

    // ------------------------------------------------------------------------------------------------ fixture

    private void topology(String kind, String bindAddress) throws IOException {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        bind = bindAddress;
        lan = SeedTopology.seeds("nft" + kind.toLowerCase(java.util.Locale.ROOT));
        startRealServer("rs1");
        startRealServer("rs2");
    }

    private void startDirector(String kind) throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, config(kind));
        director = NodeProcess.halo("dir1", lan.exec("dir1"), conf, dir);
        director.awaitLog("Entering MASTER STATE", Duration.ofSeconds(15));
        director.awaitLog("LVS data plane: nftables", Duration.ofSeconds(5));
        assertThat(Await.until(Duration.ofSeconds(10), () -> {
            List<String> a = output(client("requests", "192.0.2.100", "80", "1"), Duration.ofSeconds(10));
            return a.size() == 1 && !a.getFirst().startsWith("ERROR");
        })).as("served through the VIP; log: %s", director.log()).isTrue();
    }

    static String config(String kind) {
        StringBuilder s = new StringBuilder("""
                global_defs {
                    router_id director
                    lvs_dataplane nftables
                }
                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    advert_int 1
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                virtual_server 192.0.2.100 80 {
                    delay_loop 1
                    lb_algo wrr
                    lb_kind %s
                    protocol TCP
                """.formatted(kind));
        for (String[] rs : List.of(new String[] {"192.0.2.21", "3"}, new String[] {"192.0.2.22", "1"})) {
            s.append("""
                        real_server %s 80 {
                            weight %s
                            HTTP_GET {
                                url {
                                    path /
                                    status_code 200
                                }
                                connect_timeout 1
                                retry 1
                                delay_before_retry 1
                            }
                        }
                    """.formatted(rs[0], rs[1]));
        }
        return s.append("}\n").toString();
    }

    private void startRealServer(String role) throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec(role));
        cmd.addAll(List.of("python3", SCRIPTS.resolve("named_http_server.py").toString(), role,
                bind.equals("0.0.0.0") ? bind : lan.host(role).ipv4(), "80"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(role + ".out").toFile()).start();
        realServers.put(role, p);
        try {
            boolean listening = Await.until(Duration.ofSeconds(10), () -> {
                List<String> ss = new ArrayList<>(lan.exec(role));
                ss.addAll(List.of("ss", "-Htln", "sport = :80"));
                return !run(ss).isBlank();
            });
            assertThat(listening).as(role + " listens on port 80").isTrue();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private void sysctl(String role, String key, String value) throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec(role));
        cmd.addAll(List.of("sysctl", "-q", "-w", key + "=" + value));
        run(cmd);
    }

    private String nft(String role, String commands) throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec(role));
        cmd.addAll(List.of("nft", "-f", "-"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write(commands.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.getOutputStream().close();
        return String.join("\n", output(p, Duration.ofSeconds(10)));
    }

    /** The address the real server saw the client connect from. */
    private String peer() throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec("client"));
        cmd.addAll(List.of("python3", "-c", "import urllib.request; print(urllib.request.urlopen("
                + "'http://192.0.2.100/peer', timeout=2).read().decode().strip())"));
        return String.join("\n", output(new ProcessBuilder(cmd).redirectErrorStream(true).start(),
                Duration.ofSeconds(10)));
    }

    private String lvs(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        List<String> all = new ArrayList<>(List.of("--control-socket", director.controlSocket.toString()));
        all.addAll(List.of(args));
        int exit = halo.cli.LvsCommand.run(all, java.io.InputStream.nullInputStream(), new java.io.PrintWriter(out),
                new java.io.PrintWriter(err));
        assertThat(exit).as("halo lvs %s: %s", all, err).isZero();
        return out.toString();
    }

    /** A destination row of {@code --stats}: connections, in packets, out packets. */
    private static long[] statsRow(String stats, String destination) {
        Matcher m = Pattern.compile("(?m)^  -> " + Pattern.quote(destination) + " +(\\d+) +(\\d+) +(\\d+)")
                .matcher(stats);
        assertThat(m.find()).as("row of %s in%n%s", destination, stats).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    private List<String> requests(int count) throws IOException {
        List<String> answers = output(client("requests", "192.0.2.100", "80", Integer.toString(count)),
                Duration.ofSeconds(90));
        assertThat(answers).as("answers; log: %s", director.log()).hasSize(count).noneMatch(a -> a.startsWith("ERROR"));
        return answers;
    }

    private Process client(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec("client"));
        cmd.add("python3");
        cmd.add(SCRIPTS.resolve("lb_client.py").toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static List<String> output(Process p, Duration timeout) throws IOException {
        return LoadBalancingNetnsTest.output(p, timeout);
    }

    private static Map<String, Integer> counts(List<String> answers) {
        return LoadBalancingNetnsTest.counts(answers);
    }

    private static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return String.join("\n", output(p, Duration.ofSeconds(10)));
    }

    private static void stop(Process p) {
        if (p == null) return;
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
