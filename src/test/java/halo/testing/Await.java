package halo.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waiting on a condition with a deadline, instead of sleeping and hoping: returns as soon as the condition holds, and
 * says whether it did, so the test asserts on what it waited for.
 */
public final class Await {
    private Await() {}

    /** How often the condition is looked at: small against any test's deadline. */
    private static final long POLL_NANOS = 20_000_000L;

    /**
     * Checks {@code condition} until it is true or {@code timeout} has passed; true if it held. An exception from the
     * condition counts as "not yet" (a file not written yet), and is rethrown if the deadline passes on it.
     */
    public static boolean until(Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Exception last = null;
            try {
                if (condition.call()) {
                    return true;
                }
            } catch (Exception e) {
                last = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (last != null) {
                    throw last;
                }
                return false;
            }
            Thread.sleep(Math.max(1, Math.min(POLL_NANOS, left) / 1_000_000));
        }
    }
}
