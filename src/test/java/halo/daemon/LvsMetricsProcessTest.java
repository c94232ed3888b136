package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.cli.LvsCommand;
import halo.observe.ExpositionFormat;
import halo.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code halo run -C --metrics-listen} with the userspace proxy on loopback: the real servers' counters in
 * {@code /metrics} are the numbers {@code halo lvs -L -n --stats --exact} shows, and a real server that stops shows
 * down with its checker's failures.
 */
class LvsMetricsProcessTest {

    private static final Duration LONG = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private NodeProcess node;
    private final List<ServerSocket> servers = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        if (node != null) node.close();
        for (ServerSocket s : servers) s.close();
    }

    @Test
    void realServersCountersAreTheDataPlanesAndACheckerFailureShowsDown() throws Exception {
        int port = freePort();
        ServerSocket rs1 = listen("127.0.0.21", port);
        listen("127.0.0.22", port);
        Path conf = dir.resolve("lvs.conf");
        Files.writeString(conf, """
                virtual_server 127.0.0.10 %1$d {
                    delay_loop 1
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 127.0.0.21 %1$d {
                        weight 3
                        TCP_CHECK {
                            connect_timeout 1
                            retry 0
                        }
                    }
                    real_server 127.0.0.22 %1$d {
                        weight 2
                        TCP_CHECK {
                            connect_timeout 1
                            retry 0
                        }
                    }
                }
                """.formatted(port));
        node = NodeProcess.halo("lvs1", List.of(), conf, dir, List.of("-C", "--metrics-listen", "127.0.0.1:0"));
        node.awaitLog("Startup complete", LONG);
        Matcher bound = Pattern.compile("Serving metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(node.log());
        assertThat(bound.find()).as(node.log()).isTrue();
        URI metrics = URI.create("http://127.0.0.1:" + bound.group(1) + "/metrics");
        node.awaitLog("TCP connection to \\[127.0.0.22\\]:tcp:" + port + " success", LONG);

        // four connections through the proxy, each sending a line: rr gives each real server two
        for (int i = 0; i < 4; i++) {
            try (Socket c = new Socket("127.0.0.10", port)) {
                c.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                c.shutdownOutput();
                c.getInputStream().readAllBytes();
            }
        }
        String service = "protocol=\"tcp\",service=\"127.0.0.10:" + port + "\"";
        assertThat(Await.until(LONG, () -> get(metrics).contains(
                "halo_lvs_service_connections_total{" + service + "} 4\n"))).as(get(metrics)).isTrue();
        // the connections are over: the counters stand still, and both views show the same numbers
        for (String rs : List.of("127.0.0.21", "127.0.0.22")) {
            Await.until(LONG, () -> sample(get(metrics), "halo_lvs_real_server_bytes_total{" + service
                    + ",real_server=\"" + rs + ":" + port + "\",direction=\"in\"}") >= 12);
        }
        String text = get(metrics);
        String stats = lvs("-L", "-n", "--stats", "--exact");
        for (String rs : List.of("127.0.0.21", "127.0.0.22")) {
            String labels = service + ",real_server=\"" + rs + ":" + port + "\"";
            Matcher row = Pattern.compile("  -> " + Pattern.quote(rs + ":" + port)
                    + "\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(stats);
            assertThat(row.find()).as(stats).isTrue();
            assertThat(sample(text, "halo_lvs_real_server_connections_total{" + labels + "}"))
                    .isEqualTo(Long.parseLong(row.group(1))).isEqualTo(2);
            assertThat(sample(text, "halo_lvs_real_server_packets_total{" + labels + ",direction=\"in\"}"))
                    .isEqualTo(Long.parseLong(row.group(2)));
            assertThat(sample(text, "halo_lvs_real_server_packets_total{" + labels + ",direction=\"out\"}"))
                    .isEqualTo(Long.parseLong(row.group(3)));
            assertThat(sample(text, "halo_lvs_real_server_bytes_total{" + labels + ",direction=\"in\"}"))
                    .isEqualTo(Long.parseLong(row.group(4))).isEqualTo(12);
            assertThat(sample(text, "halo_lvs_real_server_bytes_total{" + labels + ",direction=\"out\"}"))
                    .isEqualTo(Long.parseLong(row.group(5)));
        }
        String vs = "virtual_server=\"[127.0.0.10]:tcp:" + port + "\"";
        String rs1Labels = vs + ",real_server=\"[127.0.0.21]:tcp:" + port + "\"";
        String rs1Checker = rs1Labels + ",type=\"TCP_CHECK\",index=\"0\"";
        assertThat(text).contains("halo_lvs_dataplane_info{dataplane=\"proxy\"} 1\n",
                "halo_lvs_real_server_weight{" + service + ",real_server=\"127.0.0.21:" + port + "\"} 3\n",
                "halo_lvs_real_server_weight{" + service + ",real_server=\"127.0.0.22:" + port + "\"} 2\n",
                "halo_real_server_up{" + rs1Labels + "} 1\n",
                "halo_checker_up{" + rs1Checker + "} 1\n",
                "halo_checker_probes_total{" + rs1Checker + ",result=\"failure\"} 0\n");
        assertThat(sample(text, "halo_checker_probe_duration_seconds_count{" + rs1Checker + "}")).isPositive();
        assertThat(ExpositionFormat.violations(text)).isEmpty();
        ExpositionFormat.Verdict promtool = ExpositionFormat.promtool(text);
        assertThat(promtool.exit()).as(promtool.output()).isZero();
        assertThat(promtool.output()).as("promtool's lint").isEmpty();

        rs1.close();
        assertThat(Await.until(LONG, () -> get(metrics).contains("halo_real_server_up{" + rs1Labels + "} 0\n")))
                .as(node.log()).isTrue();
        String down = get(metrics);
        assertThat(down).contains("halo_checker_up{" + rs1Checker + "} 0\n")
                .doesNotContain("real_server=\"127.0.0.21:" + port + "\"} 3\n");
        assertThat(sample(down, "halo_checker_probes_total{" + rs1Checker + ",result=\"failure\"}")).isPositive();
        assertThat(node.stop(LONG)).isZero();
    }

    @Test
    void withLogFormatJsonEveryLineIsOneJsonObjectWithKeepalivedsWords() throws Exception {
        int port = freePort();
        listen("127.0.0.21", port);
        Path conf = dir.resolve("lvs.conf");
        Files.writeString(conf, """
                virtual_server 127.0.0.10 %1$d {
                    delay_loop 1
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 127.0.0.21 %1$d {
                        TCP_CHECK {
                            connect_timeout 1
                        }
                    }
                }
                """.formatted(port));
        node = NodeProcess.halo("lvs1", List.of(), conf, dir, List.of("-C", "--log-format", "json"));
        node.awaitLog("^\\{\"time\":\"[-0-9T:.]+Z\",\"level\":\"info\",\"instance\":null,"
                + "\"event\":\"Startup complete\",\"fields\":\\{}}$", LONG);
        assertThat(node.stop(LONG)).isZero();
        Pattern object = Pattern.compile("^\\{\"time\":\"[^\"]+\",\"level\":\"(info|debug)\",\"instance\":"
                + "(null|\"[^\"]+\"),\"event\":\"([^\"\\\\]|\\\\.)*\",\"fields\":\\{.*}}$");
        assertThat(node.log().lines().toList()).isNotEmpty().allMatch(l -> object.matcher(l).matches())
                .anyMatch(l -> l.contains("\"event\":\"Stopped Halo "));
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        }
    }

    private static long sample(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    private String lvs(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--control-socket", node.controlSocket.toString()));
        all.addAll(List.of(args));
        int exit = LvsCommand.run(all, InputStream.nullInputStream(), new PrintWriter(out), new PrintWriter(err));
        assertThat(exit).as("halo lvs: %s", err).isZero();
        return out.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A real server: reads each connection to its end, then closes it. */
    private ServerSocket listen(String address, int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(address, port));
        servers.add(socket);
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                Socket s;
                try {
                    s = socket.accept();
                } catch (IOException e) {
                    return;
                }
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        s.setSoTimeout(10_000);
                        s.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        // the checker reset it
                    }
                });
            }
        });
        return socket;
    }
}
