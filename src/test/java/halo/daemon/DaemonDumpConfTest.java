package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.ConfigWriter;
import halo.config.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code halo run -d}: as keepalived -d, the configuration goes to the log at start (Halo's normalized text). */
class DaemonDumpConfTest {

    @TempDir
    Path dir;

    private NodeProcess node;

    @AfterEach
    void cleanUp() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void dumpConfLogsTheConfigurationAtStart() throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, """
                global_defs {
                    router_id DUMP_TEST
                }
                virtual_server 127.0.0.10 18080 {
                    lb_algo wrr
                    lb_kind NAT
                    protocol TCP
                    real_server 127.0.0.21 18080 {
                        weight 3
                    }
                }
                """);
        node = NodeProcess.halo("dump", List.of(), conf, dir, List.of("-C", "-d"));
        node.awaitLog("Startup complete", Duration.ofSeconds(20));
        String log = node.log();
        String text = ConfigWriter.write(ConfigLoader.load(conf, new LoadOptions("dump", false)).config());
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).anyMatch(l -> l.contains("router_id DUMP_TEST")).anyMatch(l -> l.contains("virtual_server"));
        for (String line : lines) {
            assertThat(log).as("the log has the dump's line '%s'", line).contains(": " + line + "\n");
        }
        assertThat(log.indexOf("router_id DUMP_TEST")).as("dumped before start-up completes")
                .isLessThan(log.indexOf("Startup complete"));
    }

    @Test
    void withoutDumpConfNothingIsDumped() throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, """
                global_defs {
                    router_id DUMP_TEST
                }
                virtual_server 127.0.0.10 18081 {
                    protocol TCP
                    real_server 127.0.0.21 18081 {
                        weight 3
                    }
                }
                """);
        node = NodeProcess.halo("nodump", List.of(), conf, dir, List.of("-C"));
        node.awaitLog("Startup complete", Duration.ofSeconds(20));
        assertThat(node.log()).doesNotContain("router_id DUMP_TEST");
    }
}
