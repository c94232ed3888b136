package halo.check;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A checker's resolved timing: what keepalived computes at the end of parsing (check_parser.c) from the
 * virtual server, real server and checker blocks.
 *
 * @param delayLoop        interval between checks once a result is settled
 * @param connectTimeout   timeout of each network step (connect, write, each read)
 * @param retry            retries after a first failure before the checker is declared down
 * @param delayBeforeRetry interval between those retries
 * @param warmup           the first check runs at a random time in [0, warmup]; zero starts at once
 * @param alpha            start down until the first success (otherwise start up)
 */
public record CheckTiming(Duration delayLoop, Duration connectTimeout, int retry, Duration delayBeforeRetry,
                          Duration warmup, boolean alpha) {

    /** keepalived's KEEPALIVED_DEFAULT_DELAY. */
    public static final Duration DEFAULT_DELAY_LOOP = Duration.ofSeconds(60);
    /** keepalived's default connect_timeout (virtual server level). */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public CheckTiming {
        Objects.requireNonNull(delayLoop);
        Objects.requireNonNull(connectTimeout);
        Objects.requireNonNull(delayBeforeRetry);
        Objects.requireNonNull(warmup);
        if (retry < 0) throw new IllegalArgumentException("retry < 0");
        if (delayLoop.isNegative() || delayLoop.isZero()) throw new IllegalArgumentException("delay_loop must be > 0");
    }

    /** Optional values as written at one level (virtual server, real server or checker). */
    public record Level(Optional<Duration> delayLoop, Optional<Duration> connectTimeout, Optional<Integer> retry,
                        Optional<Duration> delayBeforeRetry, Optional<Duration> warmup, Optional<Boolean> alpha) {
        public static final Level UNSET = new Level(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * keepalived's inheritance virtual server -> real server -> checker, with the checker type's defaults:
     * delay_loop 60 s and connect_timeout 5 s at the virtual server; retry from the type (1, MISC 0, DNS 3);
     * warmup = the checker's delay_loop; delay_before_retry from the type (HTTP/SSL 3 s, DNS delay_loop, else 1 s);
     * alpha off.
     */
    public static CheckTiming resolve(CheckerType type, Level virtualServer, Level realServer, Level checker) {
        Duration vsDelay = virtualServer.delayLoop().orElse(DEFAULT_DELAY_LOOP);
        Duration vsTimeout = virtualServer.connectTimeout().orElse(DEFAULT_CONNECT_TIMEOUT);
        Duration rsDelay = realServer.delayLoop().orElse(vsDelay);
        Duration rsTimeout = realServer.connectTimeout().orElse(vsTimeout);
        Optional<Integer> rsRetry = realServer.retry().or(virtualServer::retry);
        Optional<Duration> rsWarmup = realServer.warmup().or(virtualServer::warmup);
        Optional<Duration> rsDbr = realServer.delayBeforeRetry().or(virtualServer::delayBeforeRetry);
        boolean rsAlpha = realServer.alpha().or(virtualServer::alpha).orElse(false);

        Duration delay = checker.delayLoop().orElse(rsDelay);
        return new CheckTiming(
                delay,
                checker.connectTimeout().orElse(rsTimeout),
                checker.retry().or(() -> rsRetry).orElse(type.defaultRetry()),
                checker.delayBeforeRetry().or(() -> rsDbr).orElseGet(() -> type.defaultDelayBeforeRetry(delay)),
                checker.warmup().or(() -> rsWarmup).orElse(delay),
                checker.alpha().orElse(rsAlpha));
    }

    /** Timing with keepalived's defaults for a checker type and nothing configured. */
    public static CheckTiming defaults(CheckerType type) {
        return resolve(type, Level.UNSET, Level.UNSET, Level.UNSET);
    }
}
