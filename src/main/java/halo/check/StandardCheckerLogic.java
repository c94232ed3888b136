package halo.check;

import java.time.Duration;

/**
 * The epilog of keepalived's TCP, SMTP, UDP, DNS, MISC and PING checkers (check_tcp.c tcp_epilog and friends).
 *
 * <ul>
 *   <li>A success settles the checker: retries reset, UP if it was down (or had never run), next check after
 *       delay_loop.</li>
 *   <li>A failure while up starts retries: up to {@code retry} more probes spaced by delay_before_retry; the
 *       checker goes DOWN only when the last of them fails, then waits delay_loop.</li>
 *   <li>At startup (not on reload) keepalived sets retry_it = retry: "for non alpha mode, one failure is enough
 *       initially".</li>
 *   <li>alpha: the checker starts DOWN and only a success brings it UP.</li>
 *   <li>While down, TCP and SMTP keep cycling through their retries at delay_before_retry; the others wait
 *       delay_loop.</li>
 * </ul>
 */
public final class StandardCheckerLogic extends RetryingCheckerLogic {

    private final CheckerType type;

    public StandardCheckerLogic(CheckerType type, CheckTiming timing) {
        super(timing);
        this.type = type;
    }

    /** Retries already spent in the current failure sequence (keepalived's retry_it). */
    public int retriesSpent() {
        return retryIt;
    }

    @Override
    public Step onResult(boolean success) {
        Change change = Change.NONE;
        Duration delay;
        boolean counts = up || !hasRun || type.retriesWhileDown();
        if (success || !counts || retryIt >= retry) {
            delay = delayLoop;
            retryIt = 0;
            if (success && (!up || !hasRun)) {
                change = Change.UP;
                up = true;
            } else if (!success && (up || !hasRun)) {
                change = Change.DOWN;
                up = false;
            }
        } else {
            delay = delayBeforeRetry;
            retryIt++;
        }
        hasRun = true;
        return new Step(delay, change);
    }
}
