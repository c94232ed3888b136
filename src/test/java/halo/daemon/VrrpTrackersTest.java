package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.TrackProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** keepalived's process matching: comm or argv[0], parameters exact, partial (prefix words) or initial. */
class VrrpTrackersTest {

    private static TrackProcess p(String process, List<String> params, String match, boolean full) {
        return new TrackProcess("t", process, params, match, 0, false, 1, Integer.MAX_VALUE, Duration.ZERO,
                Duration.ZERO, full);
    }

    @Test
    void matchesByCommOrFullCommandWithParameters() {
        List<String> argv = List.of("/usr/sbin/nginx", "-g", "daemon off;");
        assertThat(VrrpTrackers.matches(p("nginx", List.of(), "exact", false), "nginx", argv)).isTrue();
        assertThat(VrrpTrackers.matches(p("nginx", List.of(), "exact", false), "nginx: worker", argv)).isFalse();
        assertThat(VrrpTrackers.matches(p("/usr/sbin/nginx", List.of(), "exact", true), "nginx", argv)).isTrue();
        assertThat(VrrpTrackers.matches(p("nginx", List.of(), "exact", true), "nginx", argv)).isFalse();
        assertThat(VrrpTrackers.matches(p("nginx", List.of("-g", "daemon off;"), "exact", false), "nginx", argv)).isTrue();
        assertThat(VrrpTrackers.matches(p("nginx", List.of("-g"), "exact", false), "nginx", argv)).isFalse();
        assertThat(VrrpTrackers.matches(p("nginx", List.of("-g"), "partial", false), "nginx", argv)).isTrue();
        assertThat(VrrpTrackers.matches(p("nginx", List.of("-g", "daemon"), "partial", false), "nginx", argv)).isFalse();
        assertThat(VrrpTrackers.matches(p("nginx", List.of("-g", "daemon"), "initial", false), "nginx", argv)).isTrue();
        assertThat(VrrpTrackers.matches(p("nginx", List.of("-x", "daemon"), "initial", false), "nginx", argv)).isFalse();
    }

    @Test
    void cmdlineSplitsOnNul() {
        byte[] raw = "/bin/sleep\u0000300\u0000".getBytes(StandardCharsets.UTF_8);
        assertThat(VrrpTrackers.splitCmdline(raw)).containsExactly("/bin/sleep", "300");
    }
}
