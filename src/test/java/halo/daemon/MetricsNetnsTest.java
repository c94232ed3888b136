package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.observe.ExpositionFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code halo run} with a VRRP instance on two directors, its metrics read with curl as Prometheus would scrape them:
 * the master shows itself MASTER, the backup BACKUP, and the text passes promtool; {@code /status.json} is
 * {@code halo status --json}. The command line's --metrics-listen wins over the file's metrics_listen.
 */
@Tag("root")
class MetricsNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(20);

    MetricsNetnsTest() {
        super("metrics");
    }

    private NodeProcess halo(String role, int priority, List<String> flags) throws IOException {
        Path conf = dir.resolve(role + ".conf");
        Files.writeString(conf, """
                global_defs {
                    router_id %s
                    metrics_listen 127.0.0.1:9651
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    version 3
                    advert_int 0.3
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """.formatted(role, priority));
        NodeProcess n = NodeProcess.halo(role, lan.exec(role), conf, dir, flags);
        nodes.add(n);
        return n;
    }

    private record Fetched(int exit, String body) {}

    /** {@code curl URL} inside ROLE's namespace. */
    private Fetched curl(String role, String url) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(lan.exec(role));
        cmd.addAll(List.of("curl", "-sS", "-m", "5", "-o", "-", "-w", "\n%{http_code} %{content_type}", url));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("curl did not finish");
        }
        return new Fetched(p.exitValue(), out);
    }

    /** The body of a 200 answer with content type TYPE. */
    private String page(String role, String url, String type) throws IOException, InterruptedException {
        Fetched f = curl(role, url);
        assertThat(f.exit()).as("curl %s: %s", url, f.body()).isZero();
        int cut = f.body().lastIndexOf('\n');
        assertThat(f.body().substring(cut + 1)).isEqualTo("200 " + type);
        return f.body().substring(0, cut);
    }

    private static long sample(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        assertThat(m.find()).as("%s in%n%s", series, text).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void prometheusSeesTheMasterAndTheBackupAndTheJsonIsTheStatus() throws Exception {
        NodeProcess master = halo("dir1", 100, List.of("--metrics-listen", "127.0.0.1:9650"));
        master.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        master.awaitLog("Serving metrics on http://127\\.0\\.0\\.1:9650/metrics", LONG);
        NodeProcess backup = halo("dir2", 90, List.of());
        backup.awaitLog("Serving metrics on http://127\\.0\\.0\\.1:9651/metrics", LONG);
        backup.awaitStatus(LONG, "\"master_priority\":100");

        String type = "text/plain; version=0.0.4; charset=utf-8";
        String m = page("dir1", "http://127.0.0.1:9650/metrics", type);
        String vi1 = "instance=\"VI_1\",interface=\"eth0\",vrid=\"51\"";
        assertThat(m).contains("# TYPE halo_vrrp_state gauge\n",
                "halo_vrrp_state{" + vi1 + ",state=\"MASTER\"} 1\n",
                "halo_vrrp_state{" + vi1 + ",state=\"BACKUP\"} 0\n",
                "halo_vrrp_priority{instance=\"VI_1\"} 100\n",
                "halo_vrrp_effective_priority{instance=\"VI_1\"} 100\n",
                "halo_vrrp_virtual_addresses_set{instance=\"VI_1\"} 1\n",
                "halo_vrrp_transitions_total{instance=\"VI_1\",reason=\"startup\",state=\"BACKUP\"} 1\n",
                "halo_vrrp_transitions_total{instance=\"VI_1\",reason=\"master_down_timer\",state=\"MASTER\"} 1\n",
                "halo_vrrp_become_master_total{instance=\"VI_1\"} 1\n",
                "halo_vrrp_received_packets_total{verdict=\"ip_ttl_errors\",mib=\"vrrpv3StatisticsIpTtlErrors\"} 0\n",
                "# TYPE process_resident_memory_bytes gauge\n", "# TYPE process_start_time_seconds gauge\n");
        assertThat(sample(m, "halo_vrrp_adverts_sent_total{instance=\"VI_1\"}")).isPositive();
        assertThat(sample(m, "process_resident_memory_bytes")).isGreaterThan(10L << 20);
        assertThat(ExpositionFormat.violations(m)).isEmpty();
        ExpositionFormat.Verdict promtool = ExpositionFormat.promtool(m);
        assertThat(promtool.exit()).as(promtool.output()).isZero();
        assertThat(promtool.output()).as("promtool's lint").isEmpty();

        String b = page("dir2", "http://127.0.0.1:9651/metrics", type);
        assertThat(b).contains("halo_vrrp_state{" + vi1 + ",state=\"BACKUP\"} 1\n",
                "halo_vrrp_state{" + vi1 + ",state=\"MASTER\"} 0\n",
                "halo_vrrp_master_priority{instance=\"VI_1\"} 100\n");
        assertThat(sample(b, "halo_vrrp_adverts_received_total{instance=\"VI_1\"}")).isPositive();

        // the command line won: the master does not listen where its file says
        assertThat(curl("dir1", "http://127.0.0.1:9651/metrics").exit()).as("curl's exit for a refused connection")
                .isEqualTo(7);

        // /status.json is halo status --json: the same fields, the same values but for counters that moved between
        String json = page("dir1", "http://127.0.0.1:9650/status.json", "application/json");
        assertThat(json).contains("\"name\":\"VI_1\",\"state\":\"MASTER\"");
        assertThat(json.replaceAll("\\d+", "N")).isEqualTo(master.status().replaceAll("\\d+", "N"));
        assertThat(curl("dir1", "http://127.0.0.1:9650/other").body()).endsWith("\n404 text/plain; charset=utf-8");

        assertThat(master.stop(LONG)).isZero();
    }
}
