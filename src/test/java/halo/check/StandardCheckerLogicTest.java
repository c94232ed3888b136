package halo.check;

import static org.assertj.core.api.Assertions.assertThat;

import halo.check.CheckerLogic.Change;
import halo.check.CheckerLogic.Step;
import java.time.Duration;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class StandardCheckerLogicTest {

    static final Duration LOOP = Duration.ofSeconds(6);
    static final Duration DBR = Duration.ofSeconds(2);

    static CheckTiming timing(int retry, boolean alpha) {
        return new CheckTiming(LOOP, Duration.ofSeconds(3), retry, DBR, LOOP, alpha);
    }

    @Test
    void startsUpAndOneFailureIsEnoughAtStartup() {
        var logic = new StandardCheckerLogic(CheckerType.TCP_CHECK, timing(3, false));
        assertThat(logic.isUp()).isTrue();
        Step s = logic.onResult(false);
        assertThat(s.change()).isEqualTo(Change.DOWN);
        assertThat(s.nextDelay()).isEqualTo(LOOP);
        assertThat(logic.isUp()).isFalse();
    }

    @Test
    void failureWhileUpNeedsRetryPlusOneConsecutiveFailuresSpacedByDelayBeforeRetry() {
        var logic = new StandardCheckerLogic(CheckerType.TCP_CHECK, timing(3, false));
        assertThat(logic.onResult(true)).isEqualTo(new Step(LOOP, Change.UP)); // first verdict, repeats up
        assertThat(logic.onResult(true)).isEqualTo(new Step(LOOP, Change.NONE));
        for (int i = 1; i <= 3; i++) {
            Step s = logic.onResult(false);
            assertThat(s).as("failure %d", i).isEqualTo(new Step(DBR, Change.NONE));
            assertThat(logic.retriesSpent()).isEqualTo(i);
            assertThat(logic.isUp()).isTrue();
        }
        assertThat(logic.onResult(false)).isEqualTo(new Step(LOOP, Change.DOWN));
        assertThat(logic.onResult(true)).isEqualTo(new Step(LOOP, Change.UP));
    }

    @Test
    void aSuccessDuringRetriesResetsTheCount() {
        var logic = new StandardCheckerLogic(CheckerType.TCP_CHECK, timing(1, false));
        logic.onResult(true);
        assertThat(logic.onResult(false).change()).isEqualTo(Change.NONE);
        assertThat(logic.onResult(true)).isEqualTo(new Step(LOOP, Change.NONE));
        assertThat(logic.onResult(false).change()).isEqualTo(Change.NONE);
        assertThat(logic.onResult(false).change()).isEqualTo(Change.DOWN);
    }

    @Test
    void retryZeroGoesDownOnTheFirstFailure() {
        var logic = new StandardCheckerLogic(CheckerType.MISC_CHECK, timing(0, false));
        logic.onResult(true);
        assertThat(logic.onResult(false)).isEqualTo(new Step(LOOP, Change.DOWN));
    }

    @Test
    void alphaStartsDownAndOnlyASuccessBringsItUp() {
        var logic = new StandardCheckerLogic(CheckerType.TCP_CHECK, timing(2, true));
        assertThat(logic.isUp()).isFalse();
        assertThat(logic.onResult(false)).isEqualTo(new Step(LOOP, Change.DOWN)); // first verdict, repeats down
        assertThat(logic.onResult(false)).isEqualTo(new Step(DBR, Change.NONE)); // TCP keeps retrying while down
        assertThat(logic.isUp()).isFalse();
        assertThat(logic.onResult(true)).isEqualTo(new Step(LOOP, Change.UP));
        assertThat(logic.isUp()).isTrue();
    }

    @Test
    void whileDownTcpCyclesThroughRetriesButUdpWaitsDelayLoop() {
        var tcp = new StandardCheckerLogic(CheckerType.TCP_CHECK, timing(2, false));
        tcp.onResult(false); // down
        assertThat(tcp.onResult(false).nextDelay()).isEqualTo(DBR);
        assertThat(tcp.onResult(false).nextDelay()).isEqualTo(DBR);
        assertThat(tcp.onResult(false).nextDelay()).isEqualTo(LOOP);

        var udp = new StandardCheckerLogic(CheckerType.UDP_CHECK, timing(2, false));
        udp.onResult(false);
        assertThat(udp.onResult(false)).isEqualTo(new Step(LOOP, Change.NONE));
        assertThat(udp.onResult(true)).isEqualTo(new Step(LOOP, Change.UP));
    }

    @Test
    void reloadKeepsStateAndNeedsTheFullRetriesAgain() {
        var logic = new StandardCheckerLogic(CheckerType.TCP_CHECK, timing(2, true));
        logic.restore(true, true);
        assertThat(logic.isUp()).isTrue();
        assertThat(logic.onResult(false).change()).isEqualTo(Change.NONE); // not "one failure is enough"
        assertThat(logic.onResult(true).change()).isEqualTo(Change.NONE); // no repeated first verdict
    }

    @Test
    void warmupSpreadsTheFirstCheckAndZeroDisablesIt() {
        var logic = new StandardCheckerLogic(CheckerType.TCP_CHECK, timing(1, false));
        var random = new SplittableRandom(42);
        Duration boot = Duration.ofSeconds(1);
        long min = Long.MAX_VALUE, max = 0;
        for (int i = 0; i < 1000; i++) {
            long d = logic.initialDelay(boot, Duration.ofSeconds(10), random).toMillis();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isBetween(1000L, 1500L);
        assertThat(max).isBetween(10_500L, 11_000L);
        assertThat(logic.initialDelay(boot, Duration.ZERO, random)).isEqualTo(boot);
    }

    /**
     * The bound: a server that dies while up is declared down within
     * connect_timeout x (retry + 1) + delay_before_retry x retry, plus one delay_loop for the check that was
     * already scheduled, when every failed probe takes the whole connect_timeout.
     */
    @Property(tries = 200)
    void downIsDeclaredWithinTheDocumentedBound(@ForAll @IntRange(min = 0, max = 6) int retry,
                                                 @ForAll @IntRange(min = 1, max = 30) int loopSeconds,
                                                 @ForAll @IntRange(min = 0, max = 10) int dbrSeconds,
                                                 @ForAll @IntRange(min = 1, max = 10) int timeoutSeconds,
                                                 @ForAll @IntRange(min = 0, max = 1000) int deathPermille) {
        Duration loop = Duration.ofSeconds(loopSeconds), dbr = Duration.ofSeconds(dbrSeconds);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        var logic = new StandardCheckerLogic(CheckerType.TCP_CHECK,
                new CheckTiming(loop, timeout, retry, dbr, loop, false));
        // Up and settled; the server dies at some point during the delay_loop wait after a success.
        Duration next = logic.onResult(true).nextDelay();
        Duration death = Duration.ofMillis(next.toMillis() * deathPermille / 1000);
        Duration now = next; // the next probe starts here
        while (true) {
            now = now.plus(timeout); // failing probe takes the whole timeout
            Step s = logic.onResult(false);
            if (s.change() == Change.DOWN) break;
            now = now.plus(s.nextDelay());
        }
        Duration bound = timeout.multipliedBy(retry + 1).plus(dbr.multipliedBy(retry)).plus(loop);
        assertThat(now.minus(death)).isLessThanOrEqualTo(bound);
    }
}
