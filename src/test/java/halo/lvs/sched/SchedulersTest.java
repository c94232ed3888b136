package halo.lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class SchedulersTest {
    private static final RandomGenerator RANDOM = RandomGenerator.of("L64X128MixRandom");

    @Test
    void eachNameGivesItsSchedulerWhichCarriesTheName() {
        for (String name : List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos")) {
            assertThat(Schedulers.byName(name, 0, RANDOM).name()).isEqualTo(name);
        }
        assertThat(Schedulers.byName("wrr", 0, RANDOM)).isInstanceOf(WeightedRoundRobin.class);
        assertThat(Schedulers.byName("twos", 0, RANDOM)).isInstanceOf(TwoChoices.class);
    }

    @Test
    void eachCallGivesANewSchedulerSinceSomeKeepACursorPerService() {
        assertThat(Schedulers.byName("rr", 0, RANDOM)).isNotSameAs(Schedulers.byName("rr", 0, RANDOM));
    }

    @Test
    void anUnknownNameIsRefused() {
        assertThatThrownBy(() -> Schedulers.byName("fastest", 0, RANDOM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fastest");
        assertThatThrownBy(() -> Schedulers.byName("WRR", 0, RANDOM)).isInstanceOf(IllegalArgumentException.class);
    }
}
