package halo.check;

import java.time.Duration;

/**
 * keepalived's HTTP_GET/SSL_GET epilog (check_http.c epilog/timeout_epilog): one URL is fetched per probe.
 *
 * <ul>
 *   <li>A success moves to the next URL after delay_loop; when the last URL succeeds the checker is UP.</li>
 *   <li>A failure while up retries the same URL after delay_before_retry; after {@code retry} retries the checker
 *       goes DOWN and remembers the failed URL, which is then re-checked every max(delay_before_retry, delay_loop).</li>
 *   <li>When the failed URL answers again, every URL is checked again from the first one (one per delay_loop)
 *       before the checker comes UP; fast_recovery removes those delays.</li>
 *   <li>At startup one failure is enough (retry_it = retry); alpha starts DOWN.</li>
 * </ul>
 */
public final class HttpCheckerLogic extends RetryingCheckerLogic {

    private final int urlCount;
    private final boolean fastRecovery;
    private int url;          // index of the URL to fetch next
    private int failedUrl = -1;

    public HttpCheckerLogic(int urlCount, CheckTiming timing, boolean fastRecovery) {
        super(timing);
        if (urlCount < 1) throw new IllegalArgumentException("HTTP/SSL_GET checker has no urls specified");
        this.urlCount = urlCount;
        this.fastRecovery = fastRecovery;
    }

    /** Index (0-based) of the URL the next probe must fetch. */
    public int currentUrl() {
        return url;
    }

    /** Index of the URL that brought the checker down, or -1. */
    public int failedUrl() {
        return failedUrl;
    }

    @Override
    public Step onResult(boolean success) {
        Change change = Change.NONE;
        Duration delay;
        if (success) {
            boolean completed = url == urlCount - 1;
            url = completed ? 0 : url + 1;
            retryIt = 0;
            if (completed && failedUrl < 0) {
                if (!up || !hasRun) {
                    change = Change.UP;
                    up = true;
                    hasRun = true;
                }
                url = 0;
            } else if (failedUrl >= 0) {
                // The failed URL is up again: check all the URLs from the first one.
                failedUrl = -1;
                url = 0;
            }
            delay = delayLoop;
            if (!hasRun) retryIt = retry;
        } else if (up || !hasRun) {
            hasRun = true;
            retryIt++;
            if (retryIt > retry) {
                if (up) change = Change.DOWN;
                up = false;
                failedUrl = url;
            }
            delay = failedUrl >= 0 ? max(delayBeforeRetry, delayLoop) : delayBeforeRetry;
        } else {
            // Already known dead: no retries.
            delay = failedUrl >= 0 ? max(delayBeforeRetry, delayLoop) : delayBeforeRetry;
        }
        if (fastRecovery && (!hasRun || (!up && failedUrl < 0))) delay = Duration.ZERO;
        return new Step(delay, change);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
