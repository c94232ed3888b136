package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.net.httpserver.HttpServer;
import halo.cli.LvsCommand;
import halo.testing.Await;
import halo.testing.Root;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code halo run -C} (the checker side alone) on the seeds' LVS configurations, against real listeners on loopback
 * addresses: what {@code halo lvs -L -n} shows while real servers stop and come back, the LVS FIFO's lines and the
 * notify_up/notify_down scripts' runs, byte for byte.
 */
class CheckerSideProcessTest {

    private static final Duration LONG = Duration.ofSeconds(20);
    private static final String HEADER = """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
              -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
            """;

    @TempDir
    Path dir;

    private NodeProcess node;
    private final List<AutoCloseable> servers = new java.util.ArrayList<>();
    private Thread fifoReader;

    @AfterEach
    void cleanUp() throws Exception {
        if (node != null) {
            node.close();
        }
        for (AutoCloseable s : servers) {
            s.close();
        }
        if (fifoReader != null) {
            fifoReader.interrupt();
        }
    }

    /**
     * Seed 000 (TCP_CHECK on two real servers, wrr, DR, persistence 50) on loopback: both servers listed; one stops
     * and leaves the listing within connect_timeout x (retry+1) + delay_before_retry x retry + delay_loop, with its
     * notify_down and FIFO line; it starts again and comes back, with notify_up and its FIFO line.
     */
    @Test
    void seedTcpCheckTwoRealServers() throws Exception {
        int port = freePort();
        Listener rs1 = listen("127.0.0.21", port);
        listen("127.0.0.22", port);
        Path fifo = dir.resolve("lvs.fifo");
        Path notifyOut = dir.resolve("notify.out");
        Path notify = script("notify.sh", "#!/bin/sh\necho \"$*\" >> " + notifyOut + "\n");
        Path conf = write("seed000.conf", """
                global_defs {
                    router_id LVS_DEVEL
                    lvs_notify_fifo %3$s
                }
                virtual_server 127.0.0.10 %1$d {
                    delay_loop 1
                    lb_algo wrr
                    lb_kind NAT
                    persistence_timeout 50
                    protocol TCP

                    real_server 127.0.0.21 %1$d {
                        weight 3
                        notify_up "%2$s up"
                        notify_down "%2$s down"
                        TCP_CHECK {
                            connect_timeout 1
                            nb_get_retry 1
                            delay_before_retry 1
                            connect_port %1$d
                        }
                    }
                    real_server 127.0.0.22 %1$d {
                        weight 3
                        TCP_CHECK {
                            connect_timeout 1
                            nb_get_retry 1
                            delay_before_retry 1
                            connect_port %1$d
                        }
                    }
                }
                """.formatted(port, notify, fifo));
        node = NodeProcess.halo("lvs1", List.of(), conf, dir, List.of("-C"));
        node.awaitLog("Startup complete", LONG);
        StringBuffer fifoLines = readFifo(fifo);

        String vs = "TCP  127.0.0.10:" + port + " wrr persistent 50\n";
        String both = HEADER + vs + row("127.0.0.21", port, 3) + row("127.0.0.22", port, 3);
        String one = HEADER + vs + row("127.0.0.22", port, 3);
        assertThat(lvs()).isEqualTo(both);
        // no VRRP side with -C: status lists no instances, and the data plane that carries the table (its first
        // batch, the configuration's services and real servers, applied)
        assertThat(node.status()).isEqualTo("{\"instances\":[],\"sync_groups\":[],\"lvs\":{\"dataplane\":\"proxy\","
                + "\"generation\":1,\"applied_generation\":1,\"in_sync\":true}}\n");
        // the first checks pass: no change, nothing notified (keepalived without rs_init_notifies)
        node.awaitLog("TCP connection to \\[127.0.0.21\\]:tcp:" + port + " success", LONG);

        rs1.close();
        long stopped = System.nanoTime();
        awaitListing(one, Duration.ofSeconds(10));
        long lagMs = (System.nanoTime() - stopped) / 1_000_000;
        // keepalived 2.2.7 ignores the seed's nb_get_retry ("Unknown keyword"), so retry is its default 1:
        // connect_timeout 1 x (retry 1 + 1) + delay_before_retry 1 x 1 + delay_loop 1 = 4 s (refused: much less)
        assertThat(lagMs).isLessThan(4_000 + 500);
        node.awaitLog("Removing service \\[127.0.0.21\\]:tcp:" + port + " from VS \\[127.0.0.10\\]:tcp:" + port, LONG);

        rs1 = listen("127.0.0.21", port);
        awaitListing(both, Duration.ofSeconds(5));
        node.awaitLog("Adding service \\[127.0.0.21\\]:tcp:" + port + " to VS \\[127.0.0.10\\]:tcp:" + port, LONG);

        String rs = "[127.0.0.21]:tcp:" + port + " [127.0.0.10]:tcp:" + port;
        awaitContent(() -> fifoLines.toString(), "RS " + rs + " DOWN\nRS " + rs + " UP\n");
        awaitContent(() -> read(notifyOut), "down\nup\n");

        assertThat(node.stop(LONG)).isZero();
        assertThat(node.log()).contains("Stopped Halo");
    }

    /**
     * Seed 004 (HTTP_GET on / with status_code 200, rr, DR, sorry_server): a real server answering 503 leaves the
     * listing, answering 200 again comes back; with both failing, the sorry server stands in; omega at shutdown runs
     * notify_down and the FIFO gets the DOWN lines.
     */
    @Test
    void seedHttpGetStatusCode() throws Exception {
        int port = freePort();
        AtomicInteger status1 = new AtomicInteger(200);
        AtomicInteger status2 = new AtomicInteger(200);
        web("127.0.0.31", port, status1);
        web("127.0.0.32", port, status2);
        Path fifo = dir.resolve("notify.fifo");
        Path notifyOut = dir.resolve("notify.out");
        Path notify = script("notify.sh", "#!/bin/sh\necho \"$*\" >> " + notifyOut + "\n");
        Path conf = write("seed004.conf", """
                global_defs {
                    router_id LVS_Backup
                    notify_fifo %3$s
                }
                virtual_server 127.0.0.30 %1$d {
                    delay_loop 1
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    omega
                    sorry_server 127.0.0.33 %1$d
                    real_server 127.0.0.31 %1$d {
                        weight 1
                        notify_up "%2$s up 31"
                        notify_down "%2$s down 31"
                        HTTP_GET {
                            url {
                                path /
                                status_code 200
                            }
                        }
                        connect_timeout 1
                        nb_get_retry 1
                        delay_before_retry 1
                    }
                    real_server 127.0.0.32 %1$d {
                        weight 1
                        notify_up "%2$s up 32"
                        notify_down "%2$s down 32"
                        HTTP_GET {
                            url {
                                path /
                                status_code 200
                            }
                        }
                        connect_timeout 1
                        nb_get_retry 1
                        delay_before_retry 1
                    }
                }
                """.formatted(port, notify, fifo));
        node = NodeProcess.halo("lvs2", List.of(), conf, dir, List.of("-C"));
        node.awaitLog("Startup complete", LONG);
        StringBuffer fifoLines = readFifo(fifo);
        String vs = "TCP  127.0.0.30:" + port + " rr\n";
        String rs31 = row("127.0.0.31", port, 1);
        String rs32 = row("127.0.0.32", port, 1);
        String sorry = row("127.0.0.33", port, 1);
        assertThat(lvs()).isEqualTo(HEADER + vs + rs31 + rs32);

        status1.set(503);
        awaitListing(HEADER + vs + rs32, Duration.ofSeconds(10));
        status1.set(200);
        awaitListing(HEADER + vs + rs31 + rs32, Duration.ofSeconds(5));

        status1.set(503);
        awaitListing(HEADER + vs + rs32, Duration.ofSeconds(10));
        status2.set(500);
        awaitListing(HEADER + vs + sorry, Duration.ofSeconds(10));
        status2.set(200);
        awaitListing(HEADER + vs + rs32, Duration.ofSeconds(5));

        assertThat(node.stop(LONG)).isZero();
        String v = "[127.0.0.30]:tcp:" + port;
        String r31 = "[127.0.0.31]:tcp:" + port + " " + v;
        String r32 = "[127.0.0.32]:tcp:" + port + " " + v;
        awaitContent(() -> fifoLines.toString(), String.join("",
                "RS " + r31 + " DOWN\n", "RS " + r31 + " UP\n",
                "RS " + r31 + " DOWN\n", "RS " + r32 + " DOWN\n", "VS " + v + " DOWN\n",
                "RS " + r32 + " UP\n", "VS " + v + " UP\n",
                // omega: the server still up goes down with the virtual server
                "RS " + r32 + " DOWN\n", "VS " + v + " DOWN\n"));
        awaitContent(() -> read(notifyOut), "down 31\nup 31\ndown 31\ndown 32\nup 32\ndown 32\n");
    }

    /**
     * SIGHUP: a kept real server keeps its state (a dead one stays out, without being added and removed again), a
     * removed one leaves the listing, a new one comes in.
     */
    @Test
    void reloadKeepsStateOfKeptServersAndAppliesTheNewOnes() throws Exception {
        int port = freePort();
        listen("127.0.0.42", port);
        listen("127.0.0.43", port);
        String template = """
                virtual_server 127.0.0.40 %1$d {
                    delay_loop 1
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                %2$s
                }
                """;
        String rs41 = "    real_server 127.0.0.41 %1$d {\n        TCP_CHECK {\n            connect_timeout 1\n        }\n    }\n";
        String rs42 = rs41.replace("127.0.0.41", "127.0.0.42");
        String rs43 = rs41.replace("127.0.0.41", "127.0.0.43");
        Path conf = write("reload.conf", template.formatted(port, (rs41 + rs42).formatted(port, 0)));
        node = NodeProcess.halo("lvs3", List.of(), conf, dir, List.of("-C"));
        node.awaitLog("Startup complete", LONG);
        String vs = "TCP  127.0.0.40:" + port + " rr\n";
        // 127.0.0.41 has no listener: it leaves after its check fails
        awaitListing(HEADER + vs + row("127.0.0.42", port, 1), Duration.ofSeconds(10));
        long removals = node.count("Removing service \\[127.0.0.41\\]");

        write("reload.conf", template.formatted(port, (rs41 + rs43).formatted(port, 0)));
        node.reload();
        awaitListing(HEADER + vs + row("127.0.0.43", port, 1), Duration.ofSeconds(5));
        node.awaitLog("Reloading", LONG);
        // the kept checker of .41 keeps failing, with nothing to remove: seen over two of its probes after the reload,
        // done once a third one starts (their SYNs on lo, for which tcpdump needs root)
        assumeThat(Root.isRoot()).as("tcpdump, to see the kept checker's probes, needs root").isTrue();
        try (SynCapture probes41 = SynCapture.start(dir, "127.0.0.41", port)) {
            probes41.await(3, LONG);
        }
        assertThat(lvs()).isEqualTo(HEADER + vs + row("127.0.0.43", port, 1));
        assertThat(node.count("Adding service \\[127.0.0.41\\]")).isZero();
        assertThat(node.count("Removing service \\[127.0.0.41\\]")).isEqualTo(removals);
        assertThat(node.stop(LONG)).isZero();
    }

    /** keepalived's -I (--dont-release-ipvs): at stop the table stays, so omega runs no notify_down and writes nothing. */
    @Test
    void dontReleaseIpvsLeavesTheTableWithoutOmegaNotifies() throws Exception {
        int port = freePort();
        listen("127.0.0.51", port);
        Path notifyOut = dir.resolve("notify.out");
        Path notify = script("notify.sh", "#!/bin/sh\necho \"$*\" >> " + notifyOut + "\n");
        Path conf = write("omega.conf", """
                virtual_server 127.0.0.50 %1$d {
                    delay_loop 1
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    omega
                    real_server 127.0.0.51 %1$d {
                        notify_down "%2$s down"
                        TCP_CHECK {
                            connect_timeout 1
                        }
                    }
                }
                """.formatted(port, notify));
        node = NodeProcess.halo("lvs4", List.of(), conf, dir, List.of("-C", "-I"));
        node.awaitLog("TCP connection to \\[127.0.0.51\\]:tcp:" + port + " success", LONG);
        assertThat(node.stop(LONG)).isZero();
        assertThat(node.log()).doesNotContain("Shutting down service").contains("Stopped Halo");
        assertThat(notifyOut).doesNotExist(); // nor later: below, the file holds the second run's one line only

        // without -I the same stop runs omega's notify_down
        node = NodeProcess.halo("lvs5", List.of(), conf, dir, List.of("-C"));
        node.awaitLog("TCP connection to \\[127.0.0.51\\]:tcp:" + port + " success", LONG);
        assertThat(node.stop(LONG)).isZero();
        assertThat(node.log()).contains("Shutting down service [127.0.0.51]:tcp:" + port);
        awaitContent(() -> read(notifyOut), "down\n");
    }

    /** enable_script_security: a notify_down script anyone may write is disabled, as keepalived does. */
    @Test
    void unsafeNotifyScriptIsDisabledUnderScriptSecurity() throws Exception {
        int port = freePort();
        Path notifyOut = dir.resolve("notify.out");
        Path notify = script("notify.sh", "#!/bin/sh\necho \"$*\" >> " + notifyOut + "\n");
        Files.setPosixFilePermissions(notify, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path quorumOut = dir.resolve("quorum.out");
        Path quorumDown = script("quorum.sh", "#!/bin/sh\necho \"$*\" >> " + quorumOut + "\n");
        Path conf = write("secure.conf", """
                global_defs {
                    enable_script_security
                }
                virtual_server 127.0.0.60 %1$d {
                    delay_loop 1
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    quorum_down "%3$s quorum_down"
                    real_server 127.0.0.61 %1$d {
                        notify_down "%2$s down"
                        TCP_CHECK {
                            connect_timeout 1
                        }
                    }
                }
                """.formatted(port, notify, quorumDown));
        node = NodeProcess.halo("lvs6", List.of(), conf, dir, List.of("-C"));
        node.awaitLog("Unsafe permissions found for script '" + notify + "' - disabling.", LONG);
        // nothing listens on 127.0.0.61: the server goes down, and the disabled notify_down does not run; the safe
        // quorum_down of the same removal, started after it, has run
        node.awaitLog("Removing service \\[127.0.0.61\\]:tcp:" + port, LONG);
        awaitContent(() -> read(quorumOut), "quorum_down\n");
        assertThat(notifyOut).doesNotExist();
        assertThat(node.log()).doesNotContain("SECURITY VIOLATION");
    }

    /**
     * notify_fifo_script and lvs_notify_fifo_script with the checker side: each script starts once with its FIFO's
     * path, reads the checker's lines (both FIFOs get them), and is stopped with the daemon, which removes the FIFOs it
     * made. An unsafe FIFO script is refused under enable_script_security, its FIFO still made.
     */
    @Test
    void fifoScriptsReadTheCheckerLinesAndStopWithTheDaemon() throws Exception {
        int port = freePort();
        Listener rs = listen("127.0.0.51", port);
        Path out = Files.createDirectories(dir.resolve("out"));
        Path reader = script("fifo-reader.sh", """
                #!/bin/sh
                name=$(basename "$1")
                echo "$$ $#" >> %1$s/"$name".started
                exec cat "$1" >> %1$s/"$name".copy
                """.formatted(out));
        Path unsafeDir = Files.createDirectories(dir.resolve("unsafe"));
        Files.setPosixFilePermissions(unsafeDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path unsafe = Files.copy(reader, unsafeDir.resolve("reader.sh"));
        Path global = out.resolve("global");
        Path lvsFifo = out.resolve("lvs");
        Path conf = write("fifo.conf", """
                global_defs {
                    enable_script_security
                    notify_fifo %2$s
                    notify_fifo_script %3$s
                    lvs_notify_fifo %4$s
                    lvs_notify_fifo_script %3$s
                    vrrp_notify_fifo %5$s
                    vrrp_notify_fifo_script %6$s
                }
                virtual_server 127.0.0.50 %1$d {
                    delay_loop 1
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 127.0.0.51 %1$d {
                        TCP_CHECK {
                            connect_timeout 1
                            retry 0
                        }
                    }
                }
                """.formatted(port, global, reader, lvsFifo, out.resolve("vrrp"), unsafe));
        node = NodeProcess.halo("lvsfifo", List.of(), conf, dir, List.of("-C"));
        node.awaitLog("Startup complete", LONG);
        rs.close();
        String r = "[127.0.0.51]:tcp:" + port + " [127.0.0.50]:tcp:" + port;
        // the last real server gone: the virtual server loses its quorum too
        String expected = "RS " + r + " DOWN\nVS [127.0.0.50]:tcp:" + port + " DOWN\n";
        awaitContent(() -> read(out.resolve("lvs.copy")), expected);
        awaitContent(() -> read(out.resolve("global.copy")), expected);
        // once each, with the FIFO's path as the one argument (the global script is started once for both sides)
        List<String> lvsStarts = Files.readAllLines(out.resolve("lvs.started"));
        List<String> globalStarts = Files.readAllLines(out.resolve("global.started"));
        assertThat(lvsStarts).hasSize(1).allMatch(l -> l.endsWith(" 1"));
        assertThat(globalStarts).hasSize(1).allMatch(l -> l.endsWith(" 1"));
        // -C runs no VRRP side: vrrp_notify_fifo is not opened; its unsafe script would not run anyway
        assertThat(out.resolve("vrrp.started")).doesNotExist();

        long lvsPid = Long.parseLong(lvsStarts.getFirst().split(" ")[0]);
        long globalPid = Long.parseLong(globalStarts.getFirst().split(" ")[0]);
        try {
            assertThat(node.stop(LONG)).isZero();
            for (long pid : List.of(lvsPid, globalPid)) {
                long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
                    NodeProcess.sleep(50);
                }
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("fifo script %d", pid)
                        .isFalse();
            }
            assertThat(global).doesNotExist();
            assertThat(lvsFifo).doesNotExist();
        } finally {
            ProcessHandle.of(lvsPid).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(globalPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** An lvs_notify_fifo_script in a directory anyone may write is refused under enable_script_security. */
    @Test
    void anUnsafeFifoScriptIsRefusedUnderScriptSecurity() throws Exception {
        int port = freePort();
        listen("127.0.0.61", port);
        Path out = Files.createDirectories(dir.resolve("out"));
        Path unsafeDir = Files.createDirectories(dir.resolve("unsafe"));
        Files.setPosixFilePermissions(unsafeDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path unsafe = unsafeDir.resolve("reader.sh");
        Files.writeString(unsafe, "#!/bin/sh\necho ran >> " + out.resolve("ran") + "\nexec cat \"$1\" > /dev/null\n");
        Files.setPosixFilePermissions(unsafe, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lvsFifo = out.resolve("lvs");
        Path notifyOut = dir.resolve("notify.out");
        Path notify = script("notify.sh", "#!/bin/sh\necho \"$*\" >> " + notifyOut + "\n");
        Path conf = write("unsafe.conf", """
                global_defs {
                    enable_script_security
                    lvs_notify_fifo %2$s
                    lvs_notify_fifo_script %3$s
                }
                virtual_server 127.0.0.60 %1$d {
                    delay_loop 1
                    protocol TCP
                    real_server 127.0.0.61 %1$d {
                        TCP_CHECK {
                            connect_timeout 1
                        }
                    }
                    real_server 127.0.0.62 %1$d {
                        notify_down "%4$s down"
                        TCP_CHECK {
                            connect_timeout 1
                        }
                    }
                }
                """.formatted(port, lvsFifo, unsafe, notify));
        node = NodeProcess.halo("lvsunsafe", List.of(), conf, dir, List.of("-C"));
        node.awaitLog("Startup complete", LONG);
        assertThat(node.log()).contains("Unsafe permissions found for script '" + unsafe + "' - disabling.");
        assertThat(lvsFifo).exists();
        // the FIFO script would have started with the FIFO, before the checkers: a safe script started after it, the
        // notify_down of 127.0.0.62 (nothing listens there), has run
        awaitContent(() -> read(notifyOut), "down\n");
        assertThat(out.resolve("ran")).doesNotExist();
        assertThat(node.stop(LONG)).isZero();
    }

    /**
     * An SSL{} block that cannot be loaded, with an SSL_GET to use it: keepalived's checker process logs why and stops
     * (stop_check with a fatal status), and keepalived with it; so does Halo.
     */
    @Test
    void anSslBlockThatCannotLoadStopsTheDaemonWithKeepalivedsWords() throws Exception {
        int port = freePort();
        Path conf = write("ssl.conf", """
                SSL {
                    certificate %1$s
                    key %1$s
                }
                virtual_server 127.0.0.10 %2$d {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 127.0.0.21 %2$d {
                        SSL_GET {
                            url {
                                path /
                            }
                            connect_timeout 1
                        }
                    }
                }
                """.formatted(dir.resolve("no-such-client.pem"), port));
        node = NodeProcess.halo("ssl1", List.of(), conf, dir, List.of("-C"));
        long end = System.nanoTime() + LONG.toNanos();
        while (node.isAlive() && System.nanoTime() < end) {
            NodeProcess.sleep(50);
        }
        assertThat(node.isAlive()).as(node.log()).isFalse();
        assertThat(node.stop(LONG)).isNotZero();
        assertThat(node.log()).contains("SSL error : Cant load certificate file...", "Error Initialize SSL, ctx Instance",
                "Terminate...").doesNotContain("Startup complete");
    }

    // --- helpers ---

    /** tcpdump on lo counting the SYNs to one address and port: each TCP_CHECK probe of that real server sends one. */
    private record SynCapture(Process tcpdump, Path out) implements AutoCloseable {

        static SynCapture start(Path dir, String address, int port) throws Exception {
            Path out = dir.resolve("syn-" + address + ".out");
            Path err = dir.resolve("syn-" + address + ".err");
            Process p = new ProcessBuilder("tcpdump", "-l", "-n", "-i", "lo",
                    "tcp[tcpflags] & tcp-syn != 0 and dst host " + address + " and dst port " + port)
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            SynCapture c = new SynCapture(p, out);
            if (!Await.until(LONG, () -> Files.readString(err).contains("listening on"))) {
                c.close();
                throw new AssertionError("tcpdump not listening: " + Files.readString(err));
            }
            return c;
        }

        void await(int syns, Duration timeout) throws Exception {
            assertThat(Await.until(timeout, () -> Files.readAllLines(out).size() >= syns))
                    .as("%d SYNs within %s: %s", syns, timeout, Files.readString(out)).isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            tcpdump.destroy();
            if (!tcpdump.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                tcpdump.destroyForcibly().waitFor();
            }
        }
    }

    /** A destination row as ipvsadm prints it: {@code "  -> %-28s %-7s %-6d %-10u %-10u\n"}. */
    private static String row(String address, int port, int weight) {
        return String.format("  -> %-28s %-7s %-6d %-10d %-10d%n", address + ":" + port, "Masq", weight, 0, 0);
    }

    private String lvs() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = LvsCommand.run(List.of("--control-socket", node.controlSocket.toString(), "-L", "-n"),
                InputStream.nullInputStream(), new PrintWriter(out), new PrintWriter(err));
        assertThat(exit).as("halo lvs: %s", err).isZero();
        return out.toString();
    }

    private void awaitListing(String expected, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < end) {
            last = lvs();
            if (last.equals(expected)) {
                return;
            }
            NodeProcess.sleep(50);
        }
        assertThat(last).as("halo lvs -L -n after %s; log:%n%s", timeout, node.log()).isEqualTo(expected);
    }

    private void awaitContent(java.util.function.Supplier<String> actual, String expected) {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end && !actual.get().equals(expected)) {
            NodeProcess.sleep(50);
        }
        assertThat(actual.get()).as("log:%n%s", node.log()).isEqualTo(expected);
    }

    /** Reads the FIFO the daemon made (it holds it open read-write, so opening it here never blocks). */
    private StringBuffer readFifo(Path fifo) {
        StringBuffer lines = new StringBuffer();
        assertThat(fifo).exists();
        fifoReader = Thread.ofPlatform().daemon().start(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                byte[] b = new byte[4096];
                int n;
                while ((n = in.read(b)) > 0) {
                    lines.append(new String(b, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // test over
            }
        });
        return lines;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private Path script(String name, String text) throws IOException {
        Path p = write(name, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A TCP listener that serves each connection until the client closes it, like a real server. */
    private Listener listen(String address, int port) throws IOException {
        Listener l = new Listener(new ServerSocket());
        l.socket.setReuseAddress(true);
        l.socket.bind(new InetSocketAddress(address, port));
        Thread.ofVirtual().start(() -> {
            while (!l.socket.isClosed()) {
                Socket s;
                try {
                    s = l.socket.accept();
                } catch (IOException e) {
                    return;
                }
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        s.setSoTimeout(10_000);
                        while (s.getInputStream().read() >= 0) {
                            // until the checker closes
                        }
                    } catch (IOException e) {
                        // the checker reset it
                    }
                });
            }
        });
        servers.add(l);
        return l;
    }

    private record Listener(ServerSocket socket) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A web server whose status the test changes. */
    private void web(String address, int port, AtomicInteger status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 16);
        server.createContext("/", exchange -> {
            byte[] body = "hello\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        servers.add(() -> server.stop(0));
    }
}
