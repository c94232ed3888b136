package halo.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckTimingTest {

    static CheckTiming.Level level(Duration delay, Duration timeout, Integer retry, Duration dbr, Duration warmup,
                                   Boolean alpha) {
        return new CheckTiming.Level(Optional.ofNullable(delay), Optional.ofNullable(timeout),
                Optional.ofNullable(retry), Optional.ofNullable(dbr), Optional.ofNullable(warmup),
                Optional.ofNullable(alpha));
    }

    @Test
    void keepalivedDefaultsPerType() {
        CheckTiming tcp = CheckTiming.defaults(CheckerType.TCP_CHECK);
        assertThat(tcp).isEqualTo(new CheckTiming(Duration.ofSeconds(60), Duration.ofSeconds(5), 1,
                Duration.ofSeconds(1), Duration.ofSeconds(60), false));
        assertThat(CheckTiming.defaults(CheckerType.HTTP_GET).delayBeforeRetry()).isEqualTo(Duration.ofSeconds(3));
        assertThat(CheckTiming.defaults(CheckerType.SSL_GET).delayBeforeRetry()).isEqualTo(Duration.ofSeconds(3));
        assertThat(CheckTiming.defaults(CheckerType.MISC_CHECK).retry()).isZero();
        CheckTiming dns = CheckTiming.defaults(CheckerType.DNS_CHECK);
        assertThat(dns.retry()).isEqualTo(3);
        assertThat(dns.delayBeforeRetry()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void valuesInheritVirtualServerThenRealServerThenChecker() {
        var vs = level(Duration.ofSeconds(6), Duration.ofSeconds(3), 3, Duration.ofSeconds(2), null, true);
        var rs = level(null, Duration.ofSeconds(4), null, null, Duration.ofSeconds(1), null);
        var chk = level(Duration.ofSeconds(10), null, 5, null, null, false);
        CheckTiming t = CheckTiming.resolve(CheckerType.TCP_CHECK, vs, rs, chk);
        assertThat(t.delayLoop()).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.connectTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(t.retry()).isEqualTo(5);
        assertThat(t.delayBeforeRetry()).isEqualTo(Duration.ofSeconds(2));
        assertThat(t.warmup()).isEqualTo(Duration.ofSeconds(1));
        assertThat(t.alpha()).isFalse();
    }

    @Test
    void warmupDefaultsToTheCheckersOwnDelayLoopAndDnsRetryDelayToo() {
        var chk = level(Duration.ofSeconds(7), null, null, null, null, null);
        CheckTiming t = CheckTiming.resolve(CheckerType.DNS_CHECK, CheckTiming.Level.UNSET, CheckTiming.Level.UNSET,
                chk);
        assertThat(t.warmup()).isEqualTo(Duration.ofSeconds(7));
        assertThat(t.delayBeforeRetry()).isEqualTo(Duration.ofSeconds(7));
        var vs = level(null, null, null, null, null, true);
        assertThat(CheckTiming.resolve(CheckerType.TCP_CHECK, vs, CheckTiming.Level.UNSET, CheckTiming.Level.UNSET)
                .alpha()).isTrue();
    }
}
