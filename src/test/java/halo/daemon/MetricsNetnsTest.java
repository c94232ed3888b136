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
 * {@code halo status --json}. The command line's --metrics-listen wins over the file's metrics_listen; without it
 * the listener follows metrics_listen across reloads (started, moved, stopped).
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

    /** VI_1 alone on dir1 with metrics_listen LISTEN (none when null). */
    private void writeConfig(Path conf, String listen) throws IOException {
        Files.writeString(conf, """
                global_defs {
                    router_id dir1
                %s}
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    advert_int 0.3
                    version 3
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """.formatted(listen == null ? "" : "    metrics_listen " + listen + "\n"));
    }

    @Test
    void theListenerFollowsMetricsListenAcrossReloads() throws Exception {
        Path conf = dir.resolve("follow.conf");
        writeConfig(conf, null);
        NodeProcess d = NodeProcess.halo("dir1", lan.exec("dir1"), conf, dir, List.of());
        nodes.add(d);
        d.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        String type = "text/plain; version=0.0.4; charset=utf-8";
        String master = "halo_vrrp_state{instance=\"VI_1\",interface=\"eth0\",vrid=\"51\",state=\"MASTER\"} 1\n";
        assertThat(curl("dir1", "http://127.0.0.1:9651/metrics").exit()).as("no listener without metrics_listen")
                .isEqualTo(7);

        // started by a reload that adds metrics_listen
        writeConfig(conf, "127.0.0.1:9651");
        int reloads = d.mark("Reload complete");
        d.hup();
        d.awaitLog("Reload complete", reloads, LONG);
        d.awaitLog("Serving metrics on http://127\\.0\\.0\\.1:9651/metrics", LONG);
        assertThat(page("dir1", "http://127.0.0.1:9651/metrics", type)).contains(master);

        // moved by a reload that changes it: the new address serves, the old one no longer answers
        writeConfig(conf, "127.0.0.1:9652");
        reloads = d.mark("Reload complete");
        d.hup();
        d.awaitLog("Reload complete", reloads, LONG);
        d.awaitLog("Serving metrics on http://127\\.0\\.0\\.1:9652/metrics", LONG);
        assertThat(d.log()).contains("Stopped serving metrics on http://127.0.0.1:9651/metrics");
        String moved = page("dir1", "http://127.0.0.1:9652/metrics", type);
        assertThat(moved).contains(master);
        assertThat(curl("dir1", "http://127.0.0.1:9651/metrics").exit()).as("the old address after the move")
                .isEqualTo(7);
        // the reloads kept the instance's counters and were no transitions
        assertThat(moved).contains("halo_vrrp_become_master_total{instance=\"VI_1\"} 1\n",
                "halo_vrrp_transitions_total{instance=\"VI_1\",reason=\"master_down_timer\",state=\"MASTER\"} 1\n")
                .doesNotContain("reason=\"reload\"");

        // a reload that keeps the address keeps the listener
        int serving = d.mark("Serving metrics on ");
        reloads = d.mark("Reload complete");
        d.hup();
        d.awaitLog("Reload complete", reloads, LONG);
        assertThat(page("dir1", "http://127.0.0.1:9652/metrics", type)).contains(master);
        assertThat(d.mark("Serving metrics on ")).as("listeners started").isEqualTo(serving);

        // stopped by a reload that drops metrics_listen
        writeConfig(conf, null);
        reloads = d.mark("Reload complete");
        d.hup();
        d.awaitLog("Reload complete", reloads, LONG);
        d.awaitLog("Stopped serving metrics on http://127\\.0\\.0\\.1:9652/metrics", LONG);
        assertThat(curl("dir1", "http://127.0.0.1:9652/metrics").exit()).as("after metrics_listen is removed")
                .isEqualTo(7);
        assertThat(d.status()).contains("\"state\":\"MASTER\"");
        assertThat(d.stop(LONG)).isZero();
    }

    @Test
    void theCommandLinesListenerStaysAcrossAReload() throws Exception {
        Path conf = dir.resolve("pinned.conf");
        writeConfig(conf, "127.0.0.1:9651");
        NodeProcess d = NodeProcess.halo("dir1", lan.exec("dir1"), conf, dir, List.of("--metrics-listen",
                "127.0.0.1:9650"));
        nodes.add(d);
        d.awaitLog("Serving metrics on http://127\\.0\\.0\\.1:9650/metrics", LONG);
        writeConfig(conf, "127.0.0.1:9652");
        int reloads = d.mark("Reload complete");
        d.hup();
        d.awaitLog("Reload complete", reloads, LONG);
        assertThat(page("dir1", "http://127.0.0.1:9650/metrics", "text/plain; version=0.0.4; charset=utf-8"))
                .contains("# TYPE halo_vrrp_state gauge\n");
        assertThat(curl("dir1", "http://127.0.0.1:9652/metrics").exit()).isEqualTo(7);
        assertThat(d.log()).doesNotContain("Stopped serving metrics");
        assertThat(d.stop(LONG)).isZero();
    }
}
