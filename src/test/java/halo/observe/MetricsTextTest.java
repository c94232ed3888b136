package halo.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricsTextTest {

    @Test
    void aFamilyIsItsHelpAndTypeLinesThenItsSamples() {
        MetricsText m = new MetricsText();
        m.family("halo_vrrp_adverts_sent_total", MetricsText.Type.COUNTER, "Adverts sent.")
                .sample(42, "instance", "VI_1")
                .sample(7, "instance", "VI_2");
        m.family("halo_vrrp_effective_priority", MetricsText.Type.GAUGE, "Priority.").sample(100);
        assertThat(m.text()).isEqualTo("""
                # HELP halo_vrrp_adverts_sent_total Adverts sent.
                # TYPE halo_vrrp_adverts_sent_total counter
                halo_vrrp_adverts_sent_total{instance="VI_1"} 42
                halo_vrrp_adverts_sent_total{instance="VI_2"} 7
                # HELP halo_vrrp_effective_priority Priority.
                # TYPE halo_vrrp_effective_priority gauge
                halo_vrrp_effective_priority 100
                """);
    }

    @Test
    void labelValuesEscapeBackslashQuoteAndNewlineAndHelpEscapesBackslashAndNewline() {
        MetricsText m = new MetricsText();
        m.family("halo_x", MetricsText.Type.GAUGE, "a \\ back\nslash \"quoted\"")
                .sample(1, "instance", "a\"b\\c\nd");
        assertThat(m.text()).isEqualTo("""
                # HELP halo_x a \\\\ back\\nslash "quoted"
                # TYPE halo_x gauge
                halo_x{instance="a\\"b\\\\c\\nd"} 1
                """);
        assertThat(ExpositionFormat.violations(m.text())).isEmpty();
    }

    @Test
    void numbersAreWrittenAsPrometheusReadsThem() {
        MetricsText m = new MetricsText();
        m.family("halo_seconds", MetricsText.Type.GAUGE, "s")
                .sample(1.5, "k", "a").sample(3.0, "k", "b").sample(Double.NaN, "k", "c")
                .sample(Double.POSITIVE_INFINITY, "k", "d").sample(Double.NEGATIVE_INFINITY, "k", "e")
                .sample(1.0e-7, "k", "f");
        assertThat(m.text()).contains("{k=\"a\"} 1.5\n", "{k=\"b\"} 3\n", "{k=\"c\"} NaN\n", "{k=\"d\"} +Inf\n",
                "{k=\"e\"} -Inf\n", "{k=\"f\"} 1.0E-7\n");
        assertThat(ExpositionFormat.violations(m.text())).isEmpty();
    }

    @Test
    void aSummaryHasItsSumAndCountSamples() {
        MetricsText m = new MetricsText();
        m.family("halo_checker_probe_duration_seconds", MetricsText.Type.SUMMARY, "Time the probes took.")
                .sample("_sum", 0.25, "type", "TCP_CHECK")
                .sample("_count", 5, "type", "TCP_CHECK");
        assertThat(m.text()).endsWith("""
                halo_checker_probe_duration_seconds_sum{type="TCP_CHECK"} 0.25
                halo_checker_probe_duration_seconds_count{type="TCP_CHECK"} 5
                """);
        assertThatThrownBy(() -> new MetricsText().family("halo_g", MetricsText.Type.GAUGE, "g").sample("_sum", 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesOutsideTheFormatsRulesAreRefused() {
        assertThatThrownBy(() -> new MetricsText().family("halo-state", MetricsText.Type.GAUGE, "x"))
                .hasMessageContaining("invalid metric name");
        assertThatThrownBy(() -> new MetricsText().family("9lives", MetricsText.Type.GAUGE, "x"))
                .hasMessageContaining("invalid metric name");
        assertThatThrownBy(() -> new MetricsText().family("halo_adverts", MetricsText.Type.COUNTER, "x"))
                .hasMessageContaining("_total");
        assertThatThrownBy(() -> new MetricsText().family("halo_x", MetricsText.Type.GAUGE, "x").sample(1, "__name", "y"))
                .hasMessageContaining("invalid label name");
        assertThatThrownBy(() -> new MetricsText().family("halo_x", MetricsText.Type.GAUGE, "x").sample(1, "a-b", "y"))
                .hasMessageContaining("invalid label name");
        MetricsText twice = new MetricsText();
        twice.family("halo_x", MetricsText.Type.GAUGE, "x");
        assertThatThrownBy(() -> twice.family("halo_x", MetricsText.Type.GAUGE, "x"))
                .hasMessageContaining("twice");
        assertThat(MetricsText.validMetricName("halo:recorded_rule")).isTrue();
        assertThat(MetricsText.validLabelName("real_server")).isTrue();
    }

    @Test
    void theProcessFiguresKeepTheFormatAndPromtoolAcceptsThem() throws Exception {
        MetricsText m = new MetricsText();
        m.family("halo_vrrp_state", MetricsText.Type.GAUGE, "State.")
                .sample(1, "instance", "VI \"1\"", "state", "MASTER")
                .sample(0, "instance", "VI \"1\"", "state", "BACKUP");
        ProcessMetrics.write(m);
        String text = m.text();
        assertThat(text).contains("# TYPE process_resident_memory_bytes gauge\n", "# TYPE process_start_time_seconds gauge\n",
                "# TYPE process_cpu_seconds_total counter\n", "# TYPE jvm_gc_collection_seconds summary\n",
                "jvm_memory_bytes_used{area=\"heap\"} ");
        assertThat(ExpositionFormat.violations(text)).isEmpty();
        ExpositionFormat.Verdict v = ExpositionFormat.promtool(text);
        assertThat(v.exit()).as(v.output()).isZero();
        assertThat(v.output()).isEmpty();
    }

    @Test
    void theRulesCheckerFindsWhatPromtoolWouldRefuse() {
        // so that a passing check above means something
        assertThat(ExpositionFormat.violations("halo_x{a=\"1\"} 1\nhalo_y 2\nhalo_x{a=\"2\"} 3\n"))
                .anyMatch(p -> p.contains("not together"));
        assertThat(ExpositionFormat.violations("halo_x{a=\"unescaped\"quote\"} 1\n")).isNotEmpty();
        assertThat(ExpositionFormat.violations("halo_x one\n")).anyMatch(p -> p.contains("bad value"));
        assertThat(ExpositionFormat.violations("halo_x 1\nhalo_x 2\n")).anyMatch(p -> p.contains("twice"));
        assertThat(ExpositionFormat.violations("# random comment\nhalo_x 1")).hasSize(2);
    }
}
