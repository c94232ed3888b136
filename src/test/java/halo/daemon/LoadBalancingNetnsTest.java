package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeds' picture through Halo's userspace data plane, in namespaces: a client, a director running {@code halo run}
 * with seed 003's wrr 3/1 (one service without persistence and HTTP_GET checks as seed 001, one with persistence),
 * and two real servers whose HTTP answer names them. What the client sees: requests spread by weight, a persistent
 * client kept on one server, a stopped server left out until it answers again, a long-lived connection that keeps
 * working while the checker flaps the other server.
 */
class LoadBalancingNetnsTest {

    private static final Duration CHECKER_TIME = Duration.ofSeconds(20);
    static final Path SCRIPTS = Path.of("target", "test-classes", "halo", "lvs").toAbsolutePath();

    @TempDir
    Path dir;

    private SeedTopology lan;
    private NodeProcess director;
    private final Map<String, Process> realServers = new HashMap<>();

    @BeforeEach
    void topology() throws IOException {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        lan = SeedTopology.seeds("lb");
        startRealServer("rs1");
        startRealServer("rs2");
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, directorConfig("MASTER", 150));
        director = NodeProcess.halo("dir1", lan.exec("dir1"), conf, dir);
        director.awaitLog("Entering MASTER STATE", Duration.ofSeconds(15));
        // both real servers answer their checkers before the first count
        director.awaitLog("LVS data plane: proxy", Duration.ofSeconds(5));
        assertThat(awaitServed("client", 80, Duration.ofSeconds(10))).isNotNull();
    }

    @AfterEach
    void cleanUp() {
        if (director != null) director.close();
        realServers.values().forEach(LoadBalancingNetnsTest::stop);
        if (lan != null) lan.close();
    }

    /** Seed 003's wrr 3/1 (seed 001's HTTP_GET checks, no persistence): 40 new connections, 30 and 10. */
    @Test
    void requestsSpreadByWeightAndAStoppedServerLeavesUntilItAnswersAgain() throws Exception {
        assertThat(counts(requests(80, 40))).isEqualTo(Map.of("rs1", 30, "rs2", 10));

        int removed = director.mark("Removing service \\[192.0.2.21\\]:tcp:80 from VS \\[192.0.2.100\\]:tcp:80$");
        stop(realServers.remove("rs1"));
        director.awaitLog("Removing service \\[192.0.2.21\\]:tcp:80 from VS \\[192.0.2.100\\]:tcp:80$", removed,
                CHECKER_TIME);
        assertThat(counts(requests(80, 8))).isEqualTo(Map.of("rs2", 8));

        int added = director.mark("Adding service \\[192.0.2.21\\]:tcp:80 to VS \\[192.0.2.100\\]:tcp:80$");
        startRealServer("rs1");
        director.awaitLog("Adding service \\[192.0.2.21\\]:tcp:80 to VS \\[192.0.2.100\\]:tcp:80$", added, CHECKER_TIME);
        assertThat(counts(requests(80, 8))).as("table: %s%nlog: %s", lvs("-L", "-n"), director.log())
                .isEqualTo(Map.of("rs1", 6, "rs2", 2));
    }

    /**
     * persistence_timeout 50: every connection of one client goes to the server its first went to; {@code halo lvs}
     * shows the template that holds it ({@code -L -n -c}) and the 20 connections counted ({@code --stats}).
     */
    @Test
    void persistenceHoldsAClientOnOneServer() throws Exception {
        Map<String, Integer> counts = counts(requests(8080, 20));
        assertThat(counts).hasSize(1);
        assertThat(counts.values()).containsExactly(20);
        String server = counts.keySet().iterator().next().equals("rs1") ? "192.0.2.21:80" : "192.0.2.22:80";
        // the template: client and port 0, the virtual service, the real server; ASSURED once a connection was up
        assertThat(lvs("-L", "-n", "-c")).startsWith("IPVS connection entries\n"
                        + "pro expire state       source             virtual            destination\n")
                .containsPattern("(?m)^TCP 00:[45][0-9]  ASSURED     192\\.0\\.2\\.50:0 +192\\.0\\.2\\.100:8080 +"
                        + server.replace(".", "\\.") + "$");
        // the counters are the estimator's 2-second samples, the service's and each server's on its own phase (as in
        // the kernel): wait for the ones after the requests
        java.util.regex.Pattern service = java.util.regex.Pattern.compile("(?m)^TCP  192\\.0\\.2\\.100:8080 +20 ");
        java.util.regex.Pattern real = java.util.regex.Pattern.compile("(?m)^  -> " + server.replace(".", "\\.")
                + " +20 ");
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String stats = lvs("-L", "-n", "--stats");
        while (!(service.matcher(stats).find() && real.matcher(stats).find()) && System.nanoTime() < end) {
            sleep(200);
            stats = lvs("-L", "-n", "--stats");
        }
        assertThat(stats).containsPattern(service).containsPattern(real);
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

    /** One keep-alive connection, 40 requests 100 ms apart, while the checker removes and re-adds the other server. */
    @Test
    void aLongLivedConnectionKeepsWorkingWhileTheCheckerFlapsTheOtherServer() throws Exception {
        Process hold = client("hold", "192.0.2.100", "8080", "40", "0.1");
        // the held connection's server is the one a persistent client of this address goes to
        String held = counts(requests(8080, 1)).keySet().iterator().next();
        String other = held.equals("rs1") ? "rs2" : "rs1";
        String otherAddress = other.equals("rs1") ? "192.0.2.21" : "192.0.2.22";
        String removedLine = "Removing service \\[" + otherAddress + "\\]:tcp:80 from VS \\[192.0.2.100\\]:tcp:8080$";
        int removed = director.mark(removedLine);
        stop(realServers.remove(other));
        director.awaitLog(removedLine, removed, CHECKER_TIME);
        startRealServer(other);
        List<String> answers = output(hold, Duration.ofSeconds(30));
        assertThat(answers).hasSize(40).containsOnly(held);
    }

    // ------------------------------------------------------------------------------------------------ fixture

    static String directorConfig(String state, int priority) {
        return """
                global_defs {
                    router_id director
                    lvs_dataplane proxy
                }
                vrrp_instance VI_1 {
                    state %s
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                virtual_server 192.0.2.100 80 {
                    delay_loop 1
                    lb_algo wrr
                    lb_kind NAT
                    protocol TCP
                    real_server 192.0.2.21 80 {
                        weight 3
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
                    real_server 192.0.2.22 80 {
                        weight 1
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
                }
                virtual_server 192.0.2.100 8080 {
                    delay_loop 1
                    lb_algo wrr
                    lb_kind NAT
                    persistence_timeout 50
                    protocol TCP
                    real_server 192.0.2.21 80 {
                        weight 3
                        TCP_CHECK {
                            connect_timeout 1
                            retry 1
                            delay_before_retry 1
                        }
                    }
                    real_server 192.0.2.22 80 {
                        weight 1
                        TCP_CHECK {
                            connect_timeout 1
                            retry 1
                            delay_before_retry 1
                        }
                    }
                }
                """.formatted(state, priority);
    }

    private void startRealServer(String role) throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec(role));
        cmd.addAll(List.of("python3", SCRIPTS.resolve("named_http_server.py").toString(), role,
                lan.host(role).ipv4(), "80"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(role + ".out").toFile()).start();
        realServers.put(role, p);
        awaitListening(role, 80);
    }

    private void awaitListening(String role, int port) throws IOException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            List<String> cmd = new ArrayList<>(lan.exec(role));
            cmd.addAll(List.of("ss", "-Htln", "sport = :" + port));
            if (!run(cmd, Duration.ofSeconds(5)).isBlank()) return;
            sleep(50);
        }
        throw new AssertionError(role + " never listened on port " + port);
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

    private List<String> requests(int port, int count) throws IOException {
        List<String> answers = output(client("requests", "192.0.2.100", Integer.toString(port),
                Integer.toString(count)), Duration.ofSeconds(60));
        assertThat(answers).as("answers").hasSize(count).noneMatch(a -> a.startsWith("ERROR"));
        return answers;
    }

    /** The first answer of a client trying every 20 ms for up to TIMEOUT, or null. */
    String awaitServed(String role, int port, Duration timeout) throws IOException {
        List<String> out = output(client("until-served", "192.0.2.100", Integer.toString(port),
                Long.toString(timeout.toSeconds())), timeout.plusSeconds(10));
        return out.isEmpty() || out.getFirst().startsWith("ERROR") ? null : out.getFirst();
    }

    private Process client(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(lan.exec("client"));
        cmd.add("python3");
        cmd.add(SCRIPTS.resolve("lb_client.py").toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** The lines a client printed, once it ended within TIMEOUT (else it is killed and the test fails). */
    static List<String> output(Process p, Duration timeout) throws IOException {
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("client did not finish within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }

    static Map<String, Integer> counts(List<String> answers) {
        Map<String, Integer> counts = new HashMap<>();
        answers.forEach(a -> counts.merge(a, 1, Integer::sum));
        return counts;
    }

    private static String run(List<String> cmd, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return String.join("\n", output(p, timeout));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
