package halo.config;

import java.time.Duration;

/** Checker keywords a virtual or real server may carry, inherited by its checkers. */
final class InheritedCheckSettings {
    Duration delayLoop;
    Duration connectTimeout;
    Integer retry;
    Duration delayBeforeRetry;
    Duration warmup;
    String virtualhost;
    Boolean alpha;
    Boolean inhibit;
}
