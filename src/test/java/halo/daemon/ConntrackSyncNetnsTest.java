package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.os.NetNamespace;
import halo.testing.Await;
import halo.testing.Root;
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
 * lvs_sync_daemon on the kernel NAT path: two directors with Halo (VRRP, a VIP outside and the real server's gateway
 * inside) and a hand-written nftables dnat of the VIP to the real server, their conntrack tables synchronised by the
 * conntrackd Halo runs over a dedicated sync link. A long-lived TCP connection from the client through the master
 * keeps going when the master crashes (links down, processes killed): no reset, a stall bounded by the takeover.
 * Without lvs_sync_daemon the same crash breaks it (the new master has no entry for it: its packets are invalid and
 * dropped, and the client's read times out; without the drop rule the new master's stack resets it), which is what
 * the sync is for. The directors refuse to adopt a
 * connection from its mid-stream packets (nf_conntrack_tcp_loose=0), as a director must when several real servers
 * could be chosen for it; only a synchronised entry carries it.
 */
@Tag("root")
class ConntrackSyncNetnsTest {

    private static final String VIP = "192.0.2.100";
    private static final int PORT = 8080;
    private static final String REAL_SERVER = "198.51.100.21";
    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private String tag;
    private final List<String> namespaces = new ArrayList<>();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void topology() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        assertThat(ScriptRunner.resolveExecutable("conntrackd")).as("conntrackd (Debian package conntrackd)").isNotNull();
        assertThat(ScriptRunner.resolveExecutable("nft")).as("nft (Debian package nftables)").isNotNull();
        tag = "hcs-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        for (String role : List.of("lan", "client", "dir1", "dir2", "rs")) {
            run("ip", "netns", "add", ns(role));
            namespaces.add(ns(role));
            run("ip", "-n", ns(role), "link", "set", "lo", "up");
        }
        // outside LAN (br0): client and the directors' eth0; inside LAN (br1): the directors' eth1 and the real server
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
        port("rs", "eth0", "br1", REAL_SERVER + "/24");
        run("ip", "-n", ns("rs"), "route", "add", "default", "via", "198.51.100.1");
        // the sync link: a cable between the directors
        run("ip", "-n", ns("dir1"), "link", "add", "eth2", "type", "veth", "peer", "name", "eth2", "netns", ns("dir2"));
        for (String d : List.of("dir1", "dir2")) {
            String n = d.equals("dir1") ? "1" : "2";
            run("ip", "-n", ns(d), "addr", "add", "203.0.113." + n + "/24", "dev", "eth2");
            run("ip", "-n", ns(d), "link", "set", "eth2", "up");
            Path rules = dir.resolve(d + ".nft");
            Files.writeString(rules, """
                    table ip halo_sync_test {
                        chain prerouting {
                            type nat hook prerouting priority dstnat; policy accept;
                            ip daddr %s tcp dport %d dnat to %s:%d
                        }
                        chain postrouting {
                            type nat hook postrouting priority srcnat; policy accept;
                        }
                        # A new master holds the VIP a little before conntrackd has committed the old master's
                        # connections (conntrackd -c, 80-200 ms here): a packet of one of them in that window has no
                        # conntrack entry, would reach the local stack and be answered with a reset. Dropped, it is
                        # retransmitted by the client and finds the committed entry.
                        chain input {
                            type filter hook input priority filter; policy accept;
                            ip daddr %s tcp dport %d ct state invalid drop
                        }
                    }
                    """.formatted(VIP, PORT, REAL_SERVER, PORT, VIP, PORT));
            run("ip", "netns", "exec", ns(d), "nft", "-f", rules.toString());
            run("ip", "netns", "exec", ns(d), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            run("ip", "netns", "exec", ns(d), "sysctl", "-q", "-w", "net.netfilter.nf_conntrack_tcp_loose=0");
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

    private Path conf(String router, int priority, boolean sync) throws IOException {
        Path p = dir.resolve(router + (sync ? "-sync" : "") + ".conf");
        Files.writeString(p, """
                global_defs {
                    router_id %s
                    %s
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
                        198.51.100.1/24 dev eth1
                    }
                }
                virtual_server %s %d {
                    lb_kind NAT
                    protocol TCP
                    real_server %s %d {
                    }
                }
                """.formatted(router, sync ? "lvs_sync_daemon eth2 VI_1" : "", priority, VIP, VIP, PORT, REAL_SERVER, PORT));
        return p;
    }

    /** What the client saw of its connection across the crash. */
    record Outcome(long echoesBefore, long echoesAfter, long longestGapMillis, String failure) {}

    @Test
    void anEstablishedNatConnectionSurvivesTheMastersCrash() throws Exception {
        Outcome o = crashTheMasterUnderAConnection(true);
        System.out.printf("conntrackd sync: %d echoes before the crash, %d after, longest gap %d ms, failure %s%n",
                o.echoesBefore(), o.echoesAfter(), o.longestGapMillis(), o.failure());
        assertThat(o.failure()).as("the connection across the failover").isNull();
        assertThat(o.echoesAfter()).isGreaterThan(50);
        assertThat(o.longestGapMillis()).as("the stall").isLessThan(10_000);

        // Halo stopping stops its conntrackd: nothing of the test is left running in the new master's namespace
        NodeProcess d2 = nodes.get(1);
        assertThat(d2.stop(LONG)).isZero();
        assertThat(Await.until(LONG, () -> run("ip", "netns", "pids", ns("dir2")).isBlank()))
                .as("processes left in dir2: " + run("ip", "netns", "pids", ns("dir2"))).isTrue();
        assertThat(d2.log()).contains("conntrackd: RUNNING -> CLOSED (Halo stops)");
    }

    @Test
    void withoutSyncTheSameCrashBreaksTheConnection() throws Exception {
        Outcome o = crashTheMasterUnderAConnection(false);
        System.out.printf("no sync: %d echoes before the crash, %d after, longest gap %d ms, failure %s%n",
                o.echoesBefore(), o.echoesAfter(), o.longestGapMillis(), o.failure());
        assertThat(o.failure()).as("the connection without conntrack sync").isNotNull();
    }

    private Outcome crashTheMasterUnderAConnection(boolean sync) throws Exception {
        NodeProcess d1 = NodeProcess.halo("dir1", exec("dir1"), conf("dir1", 150, sync), dir, List.of("-P"));
        nodes.add(d1);
        d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        NodeProcess d2 = NodeProcess.halo("dir2", exec("dir2"), conf("dir2", 100, sync), dir, List.of("-P"));
        nodes.add(d2);
        d2.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        if (sync) {
            d1.awaitLog("conntrackd: MASTER .*done in", LONG);
            d2.awaitLog("conntrackd: BACKUP .*done in", LONG);
        }

        NetNamespace inServer = NetNamespace.enter(ns("rs"));
        closing.add(inServer);
        ServerSocket server = inServer.call(() -> new ServerSocket(PORT));
        closing.add(server);
        Thread.ofPlatform().daemon(true).name("echo").start(() -> echo(server));
        NetNamespace inClient = NetNamespace.enter(ns("client"));
        closing.add(inClient);
        Socket socket = inClient.call(() -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(VIP, PORT), 10_000);
            return s;
        });
        closing.add(socket);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);

        AtomicLong echoes = new AtomicLong();
        AtomicLong lastEcho = new AtomicLong(System.nanoTime());
        AtomicLong longestGap = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread pump = Thread.ofPlatform().daemon(true).name("client").start(() -> {
            try {
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                DataInputStream in = new DataInputStream(socket.getInputStream());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                for (long seq = 0; seq < 100_000 && System.nanoTime() < deadline && !Thread.interrupted(); seq++) {
                    out.writeLong(seq);
                    out.flush();
                    if (in.readLong() != seq) {
                        failure.set("echo out of order at " + seq);
                        return;
                    }
                    long now = System.nanoTime();
                    longestGap.accumulateAndGet((now - lastEcho.getAndSet(now)) / 1_000_000, Math::max);
                    echoes.incrementAndGet();
                    Thread.sleep(5);
                }
            } catch (IOException e) {
                failure.set(e.toString());
            } catch (InterruptedException e) {
                // stopped by the test
            }
        });
        try {
            assertThat(Await.until(LONG, () -> echoes.get() >= 100 || failure.get() != null)).isTrue();
            assertThat(failure.get()).as("before the crash").isNull();
            if (sync) {
                // the backup holds the master's entry (external cache) before the master goes
                assertThat(Await.until(LONG, () -> conntrackd("dir2", d2, "-e").contains("dst=" + VIP + " sport=" + socket.getLocalPort())))
                        .as("dir2's external cache: " + conntrackd("dir2", d2, "-e")).isTrue();
            }
            long before = echoes.get();
            longestGap.set(0);
            // the crash: cables out, then the processes die (Halo and its conntrackd)
            for (String dev : List.of("eth0", "eth1", "eth2")) {
                run("ip", "-n", ns("dir1"), "link", "set", dev, "down");
            }
            d1.kill9();
            d2.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
            // the connection's fate: 200 more echoes, or a failure, or silence
            Await.until(LONG, () -> echoes.get() >= before + 200 || failure.get() != null || !pump.isAlive());
            long after = echoes.get() - before;
            if (failure.get() == null && after < 200) {
                failure.set("no echo for " + (System.nanoTime() - lastEcho.get()) / 1_000_000 + " ms");
            }
            System.out.println("dir2's log:\n" + d2.log().lines().filter(l -> l.contains("conntrackd") || l.contains("VI_1"))
                    .reduce("", (a, b) -> a + b + "\n"));
            return new Outcome(before, after, longestGap.get(), failure.get());
        } finally {
            pump.interrupt();
            socket.close();
            pump.join(30_000);
        }
    }

    private static void echo(ServerSocket server) {
        try (Socket s = server.accept()) {
            s.setTcpNoDelay(true);
            s.getInputStream().transferTo(s.getOutputStream());
        } catch (IOException e) {
            // the test ended
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
