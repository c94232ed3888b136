package halo.check;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * keepalived's per-checker retry/up/down rules, without I/O: the engine feeds it probe results and it says
 * when to probe next and whether the checker changed state. Pure, so the rules are tested on plain values.
 */
public sealed interface CheckerLogic permits RetryingCheckerLogic, FileCheckerLogic {

    /** Current state as the LVS table should see it. */
    boolean isUp();

    /** Whether a probe has completed at least once (keepalived's has_run). */
    boolean hasRun();

    /** Reload: carries over the state of the checker this one replaces (keepalived migrate_checkers). */
    void restore(boolean wasUp, boolean wasRun);

    /**
     * keepalived (check_api.c register_checkers_thread): the first check runs after BOOTSTRAP_DELAY plus a random
     * fraction of warmup, "to avoid multiple simultaneous checks to the same RS"; warmup 0 disables the spread.
     */
    default Duration initialDelay(Duration bootstrap, Duration warmup, RandomGenerator random) {
        if (warmup.isZero()) return bootstrap;
        long nanos = (long) (warmup.toNanos() * random.nextDouble());
        return bootstrap.plusNanos(nanos);
    }

    /** Feeds the result of one probe; returns the delay until the next probe and any state change. */
    Step onResult(boolean success);

    /**
     * What happens after one probe: the delay to the next probe, and the verdict keepalived hands to
     * update_svr_checker_state, if any. A checker's first verdict is given even when it repeats the initial state
     * (the LVS table may notify for it); later verdicts are real changes.
     */
    record Step(Duration nextDelay, Change change) {
        public Step {
            if (nextDelay.isNegative()) throw new IllegalArgumentException("negative delay");
        }
    }

    enum Change { NONE, UP, DOWN }
}
