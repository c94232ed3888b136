package halo.check;

import java.time.Duration;

/**
 * What keepalived's polling checkers share: the up/has-run state, the retry count (retry_it) and the two delays, set
 * the same way at startup and carried over the same way on reload. The subclasses hold the epilogs.
 */
abstract sealed class RetryingCheckerLogic implements CheckerLogic permits StandardCheckerLogic, HttpCheckerLogic {

    final int retry;
    final Duration delayLoop;
    final Duration delayBeforeRetry;
    boolean up;
    boolean hasRun;
    int retryIt;

    RetryingCheckerLogic(CheckTiming timing) {
        this.retry = timing.retry();
        this.delayLoop = timing.delayLoop();
        this.delayBeforeRetry = timing.delayBeforeRetry();
        this.up = !timing.alpha();
        this.retryIt = timing.retry(); // one failure is enough initially
    }

    /** Reload: keep the state of the checker this one replaces (keepalived migrate_checkers). */
    @Override
    public void restore(boolean wasUp, boolean wasRun) {
        up = wasUp;
        hasRun = wasRun;
        retryIt = wasRun ? 0 : retry;
    }

    @Override
    public boolean isUp() {
        return up;
    }

    @Override
    public boolean hasRun() {
        return hasRun;
    }
}
