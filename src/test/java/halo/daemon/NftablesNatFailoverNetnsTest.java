package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.lvs.IpvsadmText;
import halo.testing.Await;
import halo.testing.Root;
import halo.os.NetNamespace;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LVS-NAT through Halo's own nftables plane across a director failover: two directors running {@code halo run}
 * ({@code lvs_dataplane nftables}, lb_kind NAT, rr over two real servers with TCP_CHECKs, and {@code lvs_sync_daemon}
 * on a dedicated sync link, so Halo runs conntrackd), the real servers' default route via a gateway address the VRRP
 * instance holds (as keepalived NAT setups do). Long-lived TCP connections through the VIP, spread over both real
 * servers, keep going when the master crashes (links down, processes killed): no reset, a stall bounded by the VRRP
 * takeover and the client's retransmission. The directors forward and adopt no connection from mid-stream packets
 * (nf_conntrack_tcp_loose=0), as a NAT director must: only the synchronised entry carries a connection.
 */
@Tag("root")
class NftablesNatFailoverNetnsTest {

    private static final String VIP = "192.0.2.100";
    private static final String GATEWAY = "198.51.100.1";
    private static final int PORT = 8080;
    private static final List<String> REAL_SERVERS = List.of("198.51.100.21", "198.51.100.22");
    private static final int CONNECTIONS = 4;
    private static final Duration LONG = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    private String tag;
    private final List<String> namespaces = new ArrayList<>();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    /** Per real server, the client ports of the connections it accepted (NAT keeps the client's address and port). */
    private final Map<String, Set<Integer>> accepted = new ConcurrentHashMap<>();

    @BeforeEach
    void topology() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        assertThat(ScriptRunner.resolveExecutable("conntrackd")).as("conntrackd (Debian package conntrackd)").isNotNull();
        tag = "hnf-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        for (String role : List.of("lan", "client", "dir1", "dir2", "rs1", "rs2")) {
            run("ip", "netns", "add", ns(role));
            namespaces.add(ns(role));
            run("ip", "-n", ns(role), "link", "set", "lo", "up");
        }
        // outside LAN (br0): the client and the directors' eth0; inside LAN (br1): the directors' eth1, the real servers
        for (String br : List.of("br0", "br1")) {
            run("ip", "-n", ns("lan"), "link", "add", br, "type", "bridge");
            run("ip", "-n", ns("lan"), "link", "set", br, "type", "bridge", "forward_delay", "0", "mcast_snooping", "0");
            run("ip", "-n", ns("lan"), "link", "set", br, "up");
        }
        port("client", "eth0", "br0", "192.0.2.50/24");
        port("dir1", "eth0", "br0", "192.0.2.11/24");
        port("dir2", "eth0", "br0", "192.0.2.12/24");
        port("dir1", "eth1", "br1", "198.51.100.11/24");
        port("dir2", "eth1", "br1", "198.51.100.12/24");
        for (int i = 0; i < REAL_SERVERS.size(); i++) {
            String rs = "rs" + (i + 1);
            port(rs, "eth0", "br1", REAL_SERVERS.get(i) + "/24");
            // LVS-NAT: the real server answers the client through the director that holds the gateway address
            run("ip", "-n", ns(rs), "route", "add", "default", "via", GATEWAY);
        }
        // the sync link: a cable between the directors
        run("ip", "-n", ns("dir1"), "link", "add", "eth2", "type", "veth", "peer", "name", "eth2", "netns", ns("dir2"));
        for (String d : List.of("dir1", "dir2")) {
            String n = d.equals("dir1") ? "1" : "2";
            run("ip", "-n", ns(d), "addr", "add", "203.0.113." + n + "/24", "dev", "eth2");
            run("ip", "-n", ns(d), "link", "set", "eth2", "up");
            for (String key : List.of("net.ipv4.ip_forward=1", "net.netfilter.nf_conntrack_tcp_loose=0")) {
                run("ip", "netns", "exec", ns(d), "sysctl", "-q", "-w", key);
            }
        }
    }

    private String ns(String role) {
        return tag + "-" + role;
    }

    private void port(String role, String dev, String bridge, String address) throws IOException {
        String lanSide = "v" + role.replace("dir", "d") + dev;
        run("ip", "-n", ns("lan"), "link", "add", lanSide, "type", "veth", "peer", "name", dev, "netns", ns(role));
        run("ip", "-n", ns("lan"), "link", "set", lanSide, "master", bridge, "up");
        run("ip", "-n", ns(role), "addr", "add", address, "dev", dev);
        run("ip", "-n", ns(role), "link", "set", dev, "up");
    }

    @AfterEach
    void cleanUp() {
        for (AutoCloseable c : closing.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // cleaning up anyway
            }
        }
        nodes.forEach(NodeProcess::close);
        for (String n : namespaces) {
            try {
                // what the test started in its namespaces (conntrackd, once its Halo was killed)
                for (String pid : run("ip", "netns", "pids", n).strip().split("\\s+")) {
                    if (!pid.isEmpty()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // deleting is what matters
            }
        }
        for (String n : namespaces) {
            try {
                run("ip", "netns", "delete", n);
            } catch (IOException e) {
                // already gone
            }
        }
    }

    private Path conf(String router, int priority) throws IOException {
        StringBuilder realServers = new StringBuilder();
        for (String rs : REAL_SERVERS) {
            realServers.append("""
                        real_server %s %d {
                            TCP_CHECK {
                                connect_timeout 1
                            }
                        }
                    """.formatted(rs, PORT));
        }
        Path p = dir.resolve(router + ".conf");
        Files.writeString(p, """
                global_defs {
                    router_id %s
                    lvs_dataplane nftables
                    lvs_sync_daemon eth2 VI_1
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    version 3
                    advert_int 0.1
                    virtual_ipaddress {
                        %s/24 dev eth0
                        %s/24 dev eth1
                    }
                }
                virtual_server %s %d {
                    delay_loop 1
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                %s}
                """.formatted(router, priority, VIP, GATEWAY, VIP, PORT, realServers));
        return p;
    }

    /** One long-lived connection's pump: an 8-byte sequence number echoed every 5 ms. */
    private static final class Pump {
        final Socket socket;
        final AtomicLong echoes = new AtomicLong();
        final AtomicLong lastEcho = new AtomicLong(System.nanoTime());
        final AtomicLong longestGapMillis = new AtomicLong();
        final AtomicReference<String> failure = new AtomicReference<>();
        Thread thread;

        Pump(Socket socket) {
            this.socket = socket;
        }

        void start() {
            thread = Thread.ofPlatform().daemon(true).name("client-" + socket.getLocalPort()).start(() -> {
                try {
                    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                    for (long seq = 0; seq < 100_000 && System.nanoTime() < deadline && !Thread.interrupted(); seq++) {
                        out.writeLong(seq);
                        out.flush();
                        if (in.readLong() != seq) {
                            failure.set("echo out of order at " + seq);
                            return;
                        }
                        long now = System.nanoTime();
                        longestGapMillis.accumulateAndGet((now - lastEcho.getAndSet(now)) / 1_000_000, Math::max);
                        echoes.incrementAndGet();
                        Thread.sleep(5);
                    }
                } catch (IOException e) {
                    failure.set(e.toString());
                } catch (InterruptedException e) {
                    // stopped by the test
                }
            });
        }

        void stop() throws IOException, InterruptedException {
            thread.interrupt();
            socket.close();
            thread.join(30_000);
        }

        @Override
        public String toString() {
            return "port " + socket.getLocalPort() + ": " + echoes.get() + " echoes, longest gap " + longestGapMillis.get()
                    + " ms, failure " + failure.get();
        }
    }

    @Test
    void natConnectionsToBothRealServersSurviveTheMastersCrash() throws Exception {
        for (int i = 0; i < REAL_SERVERS.size(); i++) startEchoServer("rs" + (i + 1));
        NodeProcess d1 = NodeProcess.halo("dir1", exec("dir1"), conf("dir1", 150), dir);
        nodes.add(d1);
        d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        NodeProcess d2 = NodeProcess.halo("dir2", exec("dir2"), conf("dir2", 100), dir);
        nodes.add(d2);
        d2.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        d1.awaitLog("conntrackd: MASTER .*done in", LONG);
        d2.awaitLog("conntrackd: BACKUP .*done in", LONG);
        d1.awaitLog("LVS data plane: nftables", LONG);
        d2.awaitLog("LVS data plane: nftables", LONG);
        // both real servers in dir1's table (their checkers passed) before the client connects
        assertThat(Await.until(LONG, () -> ipvsadm(d1, "-L", "-n").contains(REAL_SERVERS.get(1) + ":" + PORT)
                        && ipvsadm(d1, "-L", "-n").contains(REAL_SERVERS.get(0) + ":" + PORT)))
                .as("dir1's table: %s", ipvsadm(d1, "-L", "-n")).isTrue();

        NetNamespace inClient = NetNamespace.enter(ns("client"));
        closing.add(inClient);
        List<Pump> pumps = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            Socket socket = inClient.call(() -> {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(VIP, PORT), 10_000);
                return s;
            });
            closing.add(socket);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(15_000);
            Pump p = new Pump(socket);
            pumps.add(p);
            p.start();
        }
        try {
            assertThat(Await.until(LONG, () -> pumps.stream().allMatch(p -> p.echoes.get() >= 100 || p.failure.get() != null)))
                    .as("echoes before the crash: %s", pumps).isTrue();
            assertThat(pumps).as("before the crash").allMatch(p -> p.failure.get() == null);
            for (int i = 0; i < REAL_SERVERS.size(); i++) {
                assertThat(accepted.getOrDefault("rs" + (i + 1), Set.of()))
                        .as("rs%d's connections from the client (rr over %d connections)", i + 1, CONNECTIONS)
                        .containsAnyElementsOf(pumps.stream().map(p -> p.socket.getLocalPort()).toList());
            }
            // the backup holds the master's entries (its external cache) before the master goes
            for (Pump p : pumps) {
                String sport = "sport=" + p.socket.getLocalPort() + " ";
                assertThat(Await.until(LONG, () -> conntrackd("dir2", d2, "-e").contains(sport)))
                        .as("dir2's external cache holds %s: %s", sport, conntrackd("dir2", d2, "-e")).isTrue();
            }
            long[] before = pumps.stream().mapToLong(p -> p.echoes.get()).toArray();
            pumps.forEach(p -> p.longestGapMillis.set(0));
            // the crash: cables out, then the processes die (Halo and its conntrackd)
            long crash = System.nanoTime();
            for (String dev : List.of("eth0", "eth1", "eth2")) {
                run("ip", "-n", ns("dir1"), "link", "set", dev, "down");
            }
            d1.kill9();
            d2.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
            long takeover = (System.nanoTime() - crash) / 1_000_000;
            // every connection's fate: 200 more echoes, or a failure
            Await.until(LONG, () -> {
                for (int i = 0; i < pumps.size(); i++) {
                    Pump p = pumps.get(i);
                    if (p.failure.get() == null && p.thread.isAlive() && p.echoes.get() < before[i] + 200) return false;
                }
                return true;
            });
            long afterCrashMillis = (System.nanoTime() - crash) / 1_000_000;
            long longest = pumps.stream().mapToLong(p -> p.longestGapMillis.get()).max().orElse(0);
            System.out.printf("NAT failover through Halo's nftables plane: %d connections, takeover seen %d ms after"
                    + " the crash, longest stall %d ms (all settled %d ms after the crash): %s%n", CONNECTIONS, takeover,
                    longest, afterCrashMillis, pumps);
            System.out.println("dir2's log:\n" + d2.log().lines()
                    .filter(l -> l.contains("conntrackd") || l.contains("VI_1") || l.contains("data plane"))
                    .reduce("", (a, b) -> a + b + "\n"));
            for (int i = 0; i < pumps.size(); i++) {
                Pump p = pumps.get(i);
                assertThat(p.failure.get()).as("connection %s across the failover", p).isNull();
                assertThat(p.echoes.get() - before[i]).as("echoes after the crash, %s", p).isGreaterThanOrEqualTo(200);
            }
            // advert_int 0.1: master down after 3 x 0.1 s + skew 0.06 s, then conntrackd commits the synchronised
            // entries and the client retransmits what the new master dropped meanwhile (RTO 200 ms, doubling);
            // 5 s leaves room for a machine with eight busy test runs on two cores
            assertThat(longest).as("the longest stall of a connection (takeover seen after %d ms)", takeover)
                    .isLessThan(5_000);

            // the new master's own table shows the adopted connections as established (ActiveConn from conntrack)
            String listing = ipvsadm(d2, "-L", "-n");
            System.out.println("dir2's ipvsadm -L -n after the failover:\n" + listing);
            assertThat(activeConnections(listing)).as("dir2's ActiveConn over both real servers:%n%s", listing)
                    .isEqualTo(CONNECTIONS);
        } finally {
            for (Pump p : pumps) p.stop();
        }
    }

    /** The sum of ActiveConn over the real servers' lines of an {@code ipvsadm -L -n} listing. */
    static long activeConnections(String listing) {
        long sum = 0;
        for (String line : listing.lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 6 && f[0].equals("->") && f[4].matches("\\d+")) sum += Long.parseLong(f[4]);
        }
        return sum;
    }

    private String ipvsadm(NodeProcess node, String... args) {
        try {
            String request = IpvsadmText.CONTROL_COMMAND + " " + String.join(" ", args);
            IpvsadmText.Answer a = IpvsadmText.decodeAnswer(ControlServer.ask(node.controlSocket, request));
            return a.out() + a.err();
        } catch (IOException | RuntimeException e) {
            return "error: " + e;
        }
    }

    private void startEchoServer(String rs) throws Exception {
        NetNamespace in = NetNamespace.enter(ns(rs));
        closing.add(in);
        ServerSocket server = in.call(() -> new ServerSocket(PORT, 64));
        closing.add(server);
        Thread.ofPlatform().daemon(true).name("echo-" + rs).start(() -> {
            for (int i = 0; i < 100_000; i++) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return; // the test ended
                }
                accepted.computeIfAbsent(rs, k -> ConcurrentHashMap.newKeySet()).add(s.getPort());
                Thread.ofPlatform().daemon(true).start(() -> echo(s));
            }
        });
    }

    private static void echo(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            s.getInputStream().transferTo(s.getOutputStream());
        } catch (IOException e) {
            // a checker's connection, or the test ended
        }
    }

    private List<String> exec(String role) {
        return List.of("ip", "netns", "exec", ns(role));
    }

    /** conntrackd's answer to a request (-e external cache, -i internal) from the daemon Halo started on a director. */
    private String conntrackd(String role, NodeProcess node, String flag) throws IOException {
        Path conf = node.controlSocket.resolveSibling(node.controlSocket.getFileName() + ".conntrackd").resolve("conntrackd.conf");
        return run("ip", "netns", "exec", ns(role), "conntrackd", "-C", conf.toString(), flag);
    }

    private static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
