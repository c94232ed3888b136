package halo.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import halo.vrrp.ScriptTracker.Change;
import org.junit.jupiter.api.Test;

/** keepalived's fall/rise counting for vrrp_script. */
class ScriptTrackerTest {
    final Recorder log = new Recorder();

    @Test
    void oneResultDecidesAtStartThenFallAndRiseCount() {
        ScriptTracker t = new ScriptTracker("chk", 2, 3, false);
        assertThat(t.initialStatus()).isEqualTo(TrackerSpec.Status.UNKNOWN);
        assertThat(t.onExit(0, log)).isEqualTo(Change.NOW_UP);
        assertThat(t.onExit(1, log)).isEqualTo(Change.NONE);
        assertThat(t.onExit(1, log)).isEqualTo(Change.NONE);
        assertThat(t.onExit(1, log)).isEqualTo(Change.NOW_DOWN);
        assertThat(t.onExit(0, log)).isEqualTo(Change.NONE);
        assertThat(t.onExit(0, log)).isEqualTo(Change.NOW_UP);
        assertThat(log.logs).containsExactly(
                "VRRP_Script(chk) succeeded",
                "Script `chk` now returning 1",
                "VRRP_Script(chk) failed (exited with status 1)",
                "Script `chk` now returning 0",
                "VRRP_Script(chk) succeeded");
    }

    @Test
    void firstResultFailureIsEnoughToGoDown() {
        ScriptTracker t = new ScriptTracker("chk", 1, 2, false);
        assertThat(t.onExit(1, log)).isEqualTo(Change.NOW_DOWN);
        assertThat(t.isUp()).isFalse();
        assertThat(log.logs).containsExactly("Script `chk` now returning 1", "VRRP_Script(chk) failed (exited with status 1)");
    }

    @Test
    void aFailureInterruptsTheRiseCount() {
        ScriptTracker t = new ScriptTracker("chk", 3, 1, true);
        assertThat(t.initialStatus()).isEqualTo(TrackerSpec.Status.DOWN);
        assertThat(t.onExit(0, log)).isEqualTo(Change.NONE);
        assertThat(t.onExit(0, log)).isEqualTo(Change.NONE);
        assertThat(t.onExit(2, log)).isEqualTo(Change.NONE);
        assertThat(t.onExit(0, log)).isEqualTo(Change.NONE);
        assertThat(t.onExit(0, log)).isEqualTo(Change.NONE);
        assertThat(t.onExit(0, log)).isEqualTo(Change.NOW_UP);
    }

    @Test
    void timeoutCountsAsFailure() {
        ScriptTracker t = new ScriptTracker("chk", 1, 1, false);
        t.onExit(0, log);
        assertThat(t.onTimeout(log)).isEqualTo(Change.NOW_DOWN);
        assertThat(log.logs).contains("VRRP_Script(chk) timed_out");
    }
}
