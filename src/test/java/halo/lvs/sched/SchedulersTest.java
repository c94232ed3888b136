package halo.lvs.sched;

import static halo.lvs.sched.SourceHashingTest.dest;
import static halo.lvs.sched.SourceHashingTest.flow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import halo.lvs.ServiceFlag;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class SchedulersTest {
    private static final RandomGenerator RANDOM = RandomGenerator.of("L64X128MixRandom");
    private static final LongSupplier CLOCK = () -> 0L;

    private static Scheduler byName(String name, int flags) {
        return Schedulers.byName(name, flags, RANDOM, CLOCK);
    }

    @Test
    void eachNameGivesItsSchedulerWhichCarriesTheName() {
        assertThat(Schedulers.NAMES).hasSize(14).doesNotHaveDuplicates();
        for (String name : Schedulers.NAMES) {
            assertThat(byName(name, 0).name()).isEqualTo(name);
        }
        assertThat(byName("wrr", 0)).isInstanceOf(WeightedRoundRobin.class);
        assertThat(byName("twos", 0)).isInstanceOf(TwoChoices.class);
        assertThat(byName("sh", 0)).isInstanceOf(SourceHashing.class);
        assertThat(byName("mh", 0)).isInstanceOf(MaglevHashing.class);
    }

    @Test
    void eachCallGivesANewSchedulerSinceSomeKeepACursorPerService() {
        assertThat(byName("rr", 0)).isNotSameAs(byName("rr", 0));
    }

    @Test
    void flagsReachTheScheduler() {
        Destination a = dest("198.51.100.1", 1);
        Destination b = dest("198.51.100.2", 1);
        List<Destination> ab = List.of(a, b);
        Scheduler plain = byName("sh", 0);
        Scheduler fallback = byName("sh", ServiceFlag.SCHED1.bit());
        plain.update(ab);
        fallback.update(ab);
        // 192.0.2.1 hashes to bucket 50, which is a's (a and b alternate): only sh-fallback walks on to b
        a.overloaded(true);
        assertThat(plain.schedule(ab, flow("192.0.2.1", 1))).isNull();
        assertThat(fallback.schedule(ab, flow("192.0.2.1", 1))).isSameAs(b);
    }

    @Test
    void anUnknownNameIsRefused() {
        assertThatThrownBy(() -> byName("fastest", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fastest");
        assertThatThrownBy(() -> byName("WRR", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
