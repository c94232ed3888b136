package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WakeEarlyTest {
    /** The most a poll-type wait of SLEEP ns may end late (linux fs/select.c, a niced thread's divisor). */
    private static long kernelSlack(long sleep) {
        return Math.min(sleep / 200, 100_000_000L);
    }

    @Test
    void aWaitEndsByItsDeadlineEvenWhenTheKernelUsesAllItsSlack() {
        for (long timeout : List.of(20_000_000L, 36_093_000L, 180_500_000L, 3_609_375_000L, 3_600_000_000_000L)) {
            long waited = 0;
            int wakeups = 0;
            // each wait ends as late as the kernel may make it; the loop then waits again for what is left
            while (timeout - waited > 20_000) {
                long left = timeout - waited;
                long wait = EventLoop.wakeEarly(left);
                waited += wait + kernelSlack(wait);
                wakeups++;
                // a shortened wait ends by the deadline; the last, whole one may end late by its own slack (< 20 us)
                long allowed = wait < left ? timeout : timeout + 20_000;
                assertThat(waited).as("%d ns: woken after %d", timeout, waited).isLessThanOrEqualTo(allowed);
            }
            assertThat(wakeups).as("wake-ups for %d ns", timeout).isBetween(1, 6);
        }
    }

    @Test
    void shortWaitsAndNoLimitAreLeftAlone() {
        assertThat(EventLoop.wakeEarly(-1)).isEqualTo(-1);
        assertThat(EventLoop.wakeEarly(0)).isZero();
        assertThat(EventLoop.wakeEarly(3_999_999)).isEqualTo(3_999_999); // a 20 us slack at most: not worth a wake-up
        assertThat(EventLoop.wakeEarly(3_609_375_000L)).isEqualTo(3_609_375_000L - 18_046_875L);
    }
}
