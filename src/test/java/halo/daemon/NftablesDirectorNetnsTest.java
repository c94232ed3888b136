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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nftables plane's other paths through {@code halo run}, in the seeds' namespaces (client 192.0.2.50, director
 * dir1 192.0.2.11 holding the VIP 192.0.2.100 by VRRP, real servers rs1 .21 and rs2 .22 answering their names): DR
 * persistence with a granularity, a client on the director itself balanced over NAT (output hook), a fwmark NAT service,
 * and TUN refused with its reason on this kernel (no ipip module).
 */
class NftablesDirectorNetnsTest {
    private static final Duration CHECKER_TIME = Duration.ofSeconds(20);
    private static final Path SCRIPTS = LoadBalancingNetnsTest.SCRIPTS;
    /** The persistence timeout of the DR test: longer than a checker's removal or return takes on a busy machine. */
    private static final int PERSISTENCE_SECONDS = 15;

    /**
     * One request per new connection from each SOURCE:COUNT argument in turn, bound to that source address; prints
     * "SOURCE ANSWER" (or "SOURCE ERROR reason") per connection.
     */
    private static final String SOURCE_CLIENT = """
            import socket, sys
            for arg in sys.argv[1:]:
                source, count = arg.split(":")
                for _ in range(int(count)):
                    try:
                        with socket.create_connection(("192.0.2.100", 80), timeout=2, source_address=(source, 0)) as s:
                            s.sendall(b"GET / HTTP/1.1\\r\\nHost: vip\\r\\n\\r\\n")
                            data = b""
                            # the head and the body ("rs1\\n") may come in two segments
                            while b"\\r\\n\\r\\n" not in data or not data.split(b"\\r\\n\\r\\n", 1)[1].endswith(b"\\n"):
                                chunk = s.recv(4096)
                                if not chunk:
                                    raise ConnectionError("closed before the answer")
                                data += chunk
                            print(source, data.split(b"\\r\\n\\r\\n", 1)[1].decode().strip(), flush=True)
                    except Exception as e:
                        print(source, "ERROR", type(e).__name__, e, flush=True)
            """;

    @TempDir
    Path dir;

    private SeedTopology lan;
    private NodeProcess director;
    private final Map<String, Process> realServers = new HashMap<>();
    private String bind;

    @AfterEach
    void cleanUp() {
        if (director != null) director.close();
        realServers.values().forEach(NftablesDirectorNetnsTest::stop);
        if (lan != null) lan.close();
    }

    /**
     * DR, rr (a hash of the client's address and port picks between two servers), persistence_timeout 15,
     * persistence_granularity 255.255.255.240: 30 new connections from 192.0.2.50 and 10 from 192.0.2.51 (the same
     * /28) all go to one server A (by the hash alone, 30 would split); when A fails, the client goes to the other
     * server B, and stays there after A is back; once the entry has expired (the persistence set shows it gone) the
     * hash picks again, and within 12 rounds (each a 50/50 pick) the client lands on A.
     */
    @Test
    void drPersistenceHoldsAClientOnItsServerUntilTheServerFailsOrTheTimeoutPasses() throws Exception {
        topology("DR", "0.0.0.0");
        for (String rs : List.of("rs1", "rs2")) {
            lan.ipOn(rs, "addr", "add", "192.0.2.100/32", "dev", "lo");
            sysctl(rs, "net.ipv4.conf.all.arp_ignore", "1");
            sysctl(rs, "net.ipv4.conf.all.arp_announce", "2");
            sysctl(rs, "net.ipv4.conf.eth0.arp_ignore", "1");
            sysctl(rs, "net.ipv4.conf.eth0.arp_announce", "2");
        }
        lan.ipOn("client", "addr", "add", "192.0.2.51/24", "dev", "eth0");
        lan.ipOn("client", "addr", "add", "192.0.2.70/24", "dev", "eth0");
        // closed flows leave the DR flow sets after 2 s, long before the client's TIME_WAIT (60 s) lets a source
        // port be used again: a new connection is never taken for an old one's last packets
        startDirector(config("""
                    lb_algo rr
                    lb_kind DR
                    protocol TCP
                    persistence_timeout %d
                    persistence_granularity 255.255.255.240
                """.formatted(PERSISTENCE_SECONDS), "virtual_server 192.0.2.100 80", "1", "1",
                "    lvs_timeouts tcp 900 tcpfin 2 udp 300\n"));

        Map<String, List<String>> first = fromSources("192.0.2.50:30", "192.0.2.51:10", "192.0.2.70:10");
        assertThat(first.get("192.0.2.50")).as("30 new connections from .50").hasSize(30).doesNotContain("ERROR");
        String held = first.get("192.0.2.50").getFirst();
        assertThat(first.get("192.0.2.50")).as("every connection from .50 on one server").containsOnly(held);
        assertThat(first.get("192.0.2.51")).as(".51 is in .50's /28: the same server").containsOnly(held);
        assertThat(first.get("192.0.2.70")).as(".70 (another /28): one server of its own").hasSize(10)
                .containsOnly(first.get("192.0.2.70").getFirst());
        assertThat(persistentClients()).as("persistence entries").containsKey("192.0.2.48");

        // A fails: the checker takes it out, the client goes to the other server
        String other = held.equals("rs1") ? "rs2" : "rs1";
        int removed = director.mark("Removing service \\[192.0.2.2[12]\\]:tcp:80 from VS");
        stop(realServers.remove(held));
        director.awaitLog("Removing service \\[192.0.2.2[12]\\]:tcp:80 from VS", removed, CHECKER_TIME);
        assertThat(fromSources("192.0.2.50:10").get("192.0.2.50")).as("after %s failed", held).containsOnly(other);

        // A is back: the client stays on B
        int added = director.mark("Adding service \\[192.0.2.2[12]\\]:tcp:80 to VS");
        startRealServer(held);
        director.awaitLog("Adding service \\[192.0.2.2[12]\\]:tcp:80 to VS", added, CHECKER_TIME);
        List<String> afterReturn = fromSources("192.0.2.50:20").get("192.0.2.50");
        assertThat(afterReturn).as("20 connections after %s's return", held).hasSize(20).containsOnly(other);
        assertThat(persistentClients().get("192.0.2.48")).as("the /28's entry is %s's", other).isNotNull();

        // the timeout passes without a packet: the entry goes, the hash picks again and the choice is held again
        List<String> rounds = new ArrayList<>();
        for (int round = 0; round < 12 && !rounds.contains(held); round++) {
            assertThat(Await.until(Duration.ofSeconds(PERSISTENCE_SECONDS * 3L),
                    () -> !persistentClients().containsKey("192.0.2.48")))
                    .as("the persistence entry of 192.0.2.48/28 expires").isTrue();
            List<String> answers = fromSources("192.0.2.50:5").get("192.0.2.50");
            assertThat(answers).as("round %d", round).hasSize(5).containsOnly(answers.getFirst());
            rounds.add(answers.getFirst());
        }
        assertThat(rounds).as("servers after each expiry").contains(held);
    }

    /**
     * NAT, wrr 3/1: 40 connections from a client on the director itself go 30 and 10, as from the client host (the
     * output hook's nat chain schedules them as IPVS schedules local clients).
     */
    @Test
    void natBalancesClientsOnTheDirectorItself() throws Exception {
        natTopology();
        startDirector(config("""
                    lb_algo wrr
                    lb_kind NAT
                    protocol TCP
                """, "virtual_server 192.0.2.100 80", "3", "1", ""));
        assertThat(counts(requests("dir1", 40))).isEqualTo(Map.of("rs1", 30, "rs2", 10));
        assertThat(counts(requests("client", 40))).isEqualTo(Map.of("rs1", 30, "rs2", 10));
    }

    /**
     * NAT, {@code virtual_server fwmark 7}, wrr 3/1: a table of the test's own marks the client's packets to the VIP
     * on ports 80 and 8080 in prerouting (mangle, before Halo's nat chain); both ports are balanced 30/10 onto the
     * real servers' port 80; a port not marked is not balanced.
     */
    @Test
    void aFwmarkServiceBalancesWhatTheMarkSelects() throws Exception {
        natTopology();
        startDirector(config("""
                    lb_algo wrr
                    lb_kind NAT
                    protocol TCP
                """, "virtual_server fwmark 7", "3", "1", ""), false);
        String mark = "halo_test_" + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current()
                .nextInt(0x1000, 0xffff));
        nft("dir1", "add table inet " + mark + "\n"
                + "add chain inet " + mark + " pre { type filter hook prerouting priority mangle; }\n"
                + "add rule inet " + mark + " pre ip daddr 192.0.2.100 tcp dport { 80, 8080 } meta mark set 7\n");
        assertThat(Await.until(Duration.ofSeconds(10), () -> {
            List<String> a = output(client("client", "requests", "192.0.2.100", "80", "1"), Duration.ofSeconds(10));
            return a.size() == 1 && !a.getFirst().startsWith("ERROR");
        })).as("served through the mark; log: %s", director.log()).isTrue();
        assertThat(counts(requests("client", 40))).isEqualTo(Map.of("rs1", 30, "rs2", 10));
        List<String> on8080 = output(client("client", "requests", "192.0.2.100", "8080", "40"), Duration.ofSeconds(90));
        assertThat(counts(on8080)).as("port 8080, marked too").isEqualTo(Map.of("rs1", 30, "rs2", 10));
        List<String> on81 = output(client("client", "requests", "192.0.2.100", "81", "1"), Duration.ofSeconds(30));
        assertThat(on81).as("port 81 is not marked: the director's own stack refuses it").singleElement().asString()
                .startsWith("ERROR");
    }

    /**
     * TUN on this kernel (no ipip module): {@code halo run} refuses the configuration at load, saying why, as for
     * any virtual server its data plane cannot carry (the plane applies the table whole: started, it would program no
     * virtual server at all); nothing is left behind. The plane's own refusal when the kernel refuses a tunnel is
     * {@code NftablesTunNetnsTest}'s.
     */
    @Test
    void tunIsRefusedAtLoadWithItsReasonWhereTheKernelHasNoIpip() throws Exception {
        topology("TUN", "0.0.0.0");
        String rulesBefore = lan.ipOn("dir1", "rule", "show");
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, config("""
                    lb_algo rr
                    lb_kind TUN
                    protocol TCP
                """, "virtual_server 192.0.2.100 80", "1", "1", ""));
        director = NodeProcess.halo("dir1", lan.exec("dir1"), conf, dir);
        assertThat(director.awaitExit(Duration.ofSeconds(30))).as("exit status; log: %s", director.log())
                .isEqualTo(Daemon.EXIT_CONFIG);
        assertThat(director.log()).contains("virtual_server [192.0.2.100]:tcp:80: lb_kind TUN on the nftables data"
                + " plane needs an IP-in-IP tunnel to each real server, and this kernel has none (no ipip module:"
                + " modprobe ipip)").contains("Stopped - configuration cannot run");
        assertThat(lan.ipOn("dir1", "link", "show")).doesNotContain("halot");
        assertThat(lan.ipOn("dir1", "rule", "show")).isEqualTo(rulesBefore);
        assertThat(nft("dir1", "list tables\n")).doesNotContain("halo_lvs");
    }

    // ------------------------------------------------------------------------------------------------ fixture

    private void natTopology() throws Exception {
        topology("NAT", "192.0.2.21");
        for (String rs : List.of("rs1", "rs2")) {
            lan.ipOn(rs, "route", "add", "192.0.2.50/32", "via", "192.0.2.11");
        }
        sysctl("dir1", "net.ipv4.ip_forward", "1");
        sysctl("dir1", "net.ipv4.conf.all.send_redirects", "0");
        sysctl("dir1", "net.ipv4.conf.eth0.send_redirects", "0");
    }

    private void topology(String kind, String bindAddress) throws IOException {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        bind = bindAddress;
        lan = SeedTopology.seeds("nftd" + kind.toLowerCase(java.util.Locale.ROOT));
        startRealServer("rs1");
        startRealServer("rs2");
    }

    private void startDirector(String config) throws Exception {
        startDirector(config, true);
    }

    private void startDirector(String config, boolean awaitServing) throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, config);
        director = NodeProcess.halo("dir1", lan.exec("dir1"), conf, dir);
        director.awaitLog("Entering MASTER STATE", Duration.ofSeconds(45));
        director.awaitLog("LVS data plane: nftables", Duration.ofSeconds(30));
        if (!awaitServing) return;
        assertThat(Await.until(Duration.ofSeconds(10), () -> {
            List<String> a = output(client("client", "requests", "192.0.2.100", "80", "1"), Duration.ofSeconds(10));
            return a.size() == 1 && !a.getFirst().startsWith("ERROR");
        })).as("served through the VIP; log: %s", director.log()).isTrue();
    }

    /** A director's configuration: VRRP for the VIP, one virtual server HEADER with SETTINGS and rs1, rs2 of weights W1, W2. */
    static String config(String settings, String header, String w1, String w2, String globals) {
        StringBuilder s = new StringBuilder("""
                global_defs {
                    router_id director
                    lvs_dataplane nftables
                %s}
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
                %s {
                    delay_loop 1
                %s""".formatted(globals, header, settings));
        for (String[] rs : List.of(new String[] {"192.0.2.21", w1}, new String[] {"192.0.2.22", w2})) {
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

    /** Connections from the client bound to each SOURCE:COUNT's address; answers by source address, in order. */
    private Map<String, List<String>> fromSources(String... sourceCounts) throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec("client"));
        cmd.addAll(List.of("python3", "-c", SOURCE_CLIENT));
        cmd.addAll(List.of(sourceCounts));
        List<String> lines = output(new ProcessBuilder(cmd).redirectErrorStream(true).start(), Duration.ofSeconds(90));
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : lines) {
            String[] parts = line.split(" ", 2);
            out.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(parts.length > 1 ? parts[1] : "");
        }
        for (String sc : sourceCounts) {
            String source = sc.split(":")[0];
            assertThat(out.getOrDefault(source, List.of())).as("answers to %s; log: %s", source, director.log())
                    .hasSize(Integer.parseInt(sc.split(":")[1])).noneMatch(a -> a.startsWith("ERROR"));
        }
        return out;
    }

    /** The DR persistence sets' entries on the director: masked client address -> set name. */
    private Map<String, String> persistentClients() throws IOException {
        String listed = nft("dir1", "list table netdev halo_lvs\n");
        Map<String, String> out = new TreeMap<>();
        Matcher set = Pattern.compile("(?s)set (s\\d+_d\\d+_p) \\{(.*?)\\n\\t\\}").matcher(listed);
        while (set.find()) {
            Matcher element = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)").matcher(set.group(2));
            while (element.find()) out.put(element.group(1), set.group(1));
        }
        return out;
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

    private List<String> requests(String from, int count) throws IOException {
        List<String> answers = output(client(from, "requests", "192.0.2.100", "80", Integer.toString(count)),
                Duration.ofSeconds(90));
        assertThat(answers).as("answers from %s; log: %s", from, director.log()).hasSize(count)
                .noneMatch(a -> a.startsWith("ERROR"));
        return answers;
    }

    private Process client(String from, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec(from));
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
