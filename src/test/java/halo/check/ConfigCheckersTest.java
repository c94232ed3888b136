package halo.check;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCheckersTest {

    @TempDir
    Path dir;

    record Key(int vs, int rs, int checker) {}

    KeepalivedConfig load(String text) throws Exception {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, text);
        return ConfigLoader.load(f, new LoadOptions("test", false)).config();
    }

    @Test
    void seedConfigsTcpChecksKeepTheirTiming() throws Exception {
        Path seed = Path.of("src/test/resources/seeds/seed003-dr.conf");
        KeepalivedConfig c = ConfigLoader.load(seed, new LoadOptions("test", false)).config();
        ConfigCheckers.Built built = ConfigCheckers.build(c, Key::new);
        assertThat(built.skipped()).isEmpty();
        assertThat(built.specs()).isNotEmpty().allSatisfy(s -> {
            assertThat(s.type()).isEqualTo(CheckerType.TCP_CHECK);
            assertThat(s.timing().delayLoop()).isEqualTo(Duration.ofSeconds(6));
            assertThat(s.timing().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(s.target().destination().getPort()).isEqualTo(80);
        });
        assertThat(built.specs().getFirst().key()).isEqualTo(new Key(0, 0, 0));
    }

    @Test
    void everyCheckerTypeIsBuiltAndRunsAgainstRealServers() throws Exception {
        try (TestWebServer web = new TestWebServer(InetAddress.getLoopbackAddress())) {
            web.respond(TestWebServer.ok("pong"));
            Path state = dir.resolve("rs.state");
            Files.writeString(state, "0");
            Path script = dir.resolve("ok.sh");
            Files.writeString(script, "#!/bin/sh\nexit 0\n");
            script.toFile().setExecutable(true);
            int port = web.port();
            KeepalivedConfig c = load("""
                    track_file rsfile {
                        file "%s"
                        weight 0
                    }
                    virtual_server 127.0.0.1 %d {
                        delay_loop 1
                        lb_algo rr
                        lb_kind NAT
                        protocol TCP
                        virtualhost vs.example
                        real_server 127.0.0.1 %d {
                            weight 3
                            TCP_CHECK {
                                connect_timeout 1
                                warmup 0
                            }
                            HTTP_GET {
                                url {
                                    path /ping
                                    digest 6fdb087aa3fbfbcb8287a593a0919e61
                                }
                                http_protocol 1.1
                                warmup 0
                            }
                            MISC_CHECK {
                                misc_path "%s"
                                warmup 0
                            }
                            FILE_CHECK {
                                track_file rsfile
                            }
                            PING_CHECK {
                                warmup 0
                            }
                        }
                    }
                    """.formatted(state, port, port, script));
            ConfigCheckers.Built built = ConfigCheckers.build(c, Key::new);
            assertThat(built.specs()).extracting(CheckerSpec::type).containsExactly(CheckerType.TCP_CHECK,
                    CheckerType.HTTP_GET, CheckerType.MISC_CHECK, CheckerType.FILE_CHECK, CheckerType.PING_CHECK);
            assertThat(built.skipped()).isEmpty();
            CheckerSpec http = built.specs().get(1);
            assertThat(http.timing().delayBeforeRetry()).isEqualTo(Duration.ofSeconds(3));
            assertThat(http.http().request(http.http().urls().getFirst()))
                    .isEqualTo("GET /ping HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\n"
                            + "Host: vs.example\r\n\r\n");
            assertThat(http.target().destination()).isEqualTo(new InetSocketAddress("127.0.0.1", port));

            RecordingListener listener = new RecordingListener();
            try (CheckerEngine engine = new CheckerEngine(listener, new SplittableRandom(9), Duration.ZERO)) {
                List<RunningChecker> running = built.specs().stream()
                        .filter(s -> s.type() != CheckerType.PING_CHECK || PingProbeTest.canPing())
                        .map(engine::add).toList();
                for (RunningChecker ch : running) {
                    assertThat(listener.awaitState(ch, true, 5000)).as(ch.toString()).isNotNull();
                }
            }
        }
    }
}
