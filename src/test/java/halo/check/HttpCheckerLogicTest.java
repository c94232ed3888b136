package halo.check;

import static org.assertj.core.api.Assertions.assertThat;

import halo.check.CheckerLogic.Change;
import halo.check.CheckerLogic.Step;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpCheckerLogicTest {
    static final Duration LOOP = Duration.ofSeconds(5);
    static final Duration DBR = Duration.ofSeconds(3);

    static CheckTiming timing(int retry, boolean alpha, Duration dbr) {
        return new CheckTiming(LOOP, Duration.ofSeconds(2), retry, dbr, LOOP, alpha);
    }

    @Test
    void oneUrlPerDelayLoopAndUpAfterTheLastUrl() {
        var logic = new HttpCheckerLogic(3, timing(1, true, DBR), false);
        assertThat(logic.isUp()).isFalse();
        assertThat(logic.currentUrl()).isZero();
        assertThat(logic.onResult(true)).isEqualTo(new Step(LOOP, Change.NONE));
        assertThat(logic.currentUrl()).isEqualTo(1);
        assertThat(logic.onResult(true)).isEqualTo(new Step(LOOP, Change.NONE));
        assertThat(logic.onResult(true)).isEqualTo(new Step(LOOP, Change.UP));
        assertThat(logic.currentUrl()).isZero();
    }

    @Test
    void failingUrlIsRetriedThenRememberedAndAllUrlsAreRecheckedOnRecovery() {
        var logic = new HttpCheckerLogic(2, timing(2, false, DBR), false);
        logic.onResult(true);
        assertThat(logic.onResult(true).change()).isEqualTo(Change.UP); // both urls fine: first verdict
        assertThat(logic.currentUrl()).isZero();
        logic.onResult(true); // url 0
        assertThat(logic.currentUrl()).isEqualTo(1);
        assertThat(logic.onResult(false)).isEqualTo(new Step(DBR, Change.NONE));
        assertThat(logic.onResult(false)).isEqualTo(new Step(DBR, Change.NONE));
        assertThat(logic.onResult(false)).isEqualTo(new Step(LOOP, Change.DOWN)); // max(dbr, loop)
        assertThat(logic.failedUrl()).isEqualTo(1);
        assertThat(logic.currentUrl()).isEqualTo(1);
        // Still failing: no retries, max(dbr, delay_loop).
        assertThat(logic.onResult(false)).isEqualTo(new Step(LOOP, Change.NONE));
        // The failed url answers: start again from the first url, up only after all passed.
        assertThat(logic.onResult(true)).isEqualTo(new Step(LOOP, Change.NONE));
        assertThat(logic.currentUrl()).isZero();
        assertThat(logic.failedUrl()).isEqualTo(-1);
        assertThat(logic.onResult(true).change()).isEqualTo(Change.NONE);
        assertThat(logic.onResult(true).change()).isEqualTo(Change.UP);
    }

    @Test
    void oneFailureIsEnoughAtStartup() {
        var logic = new HttpCheckerLogic(1, timing(3, false, DBR), false);
        assertThat(logic.onResult(false).change()).isEqualTo(Change.DOWN);
    }

    @Test
    void failedUrlIsRecheckedAtTheLongerOfDelayBeforeRetryAndDelayLoop() {
        Duration longDbr = Duration.ofSeconds(9);
        var logic = new HttpCheckerLogic(1, timing(0, false, longDbr), false);
        logic.onResult(true);
        assertThat(logic.onResult(false)).isEqualTo(new Step(longDbr, Change.DOWN));
    }

    @Test
    void fastRecoveryChecksAllUrlsWithoutDelay() {
        var logic = new HttpCheckerLogic(3, timing(1, true, DBR), true);
        assertThat(logic.onResult(true).nextDelay()).isZero();
        assertThat(logic.onResult(true).nextDelay()).isZero();
        assertThat(logic.onResult(true)).isEqualTo(new Step(LOOP, Change.UP));
    }
}
