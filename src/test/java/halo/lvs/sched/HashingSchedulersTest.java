package halo.lvs.sched;

import static halo.lvs.sched.SourceHashingTest.dest;
import static halo.lvs.sched.SourceHashingTest.flow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import halo.lvs.SchedulerFlags;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashingSchedulersTest {
    @Test
    void eachNameGivesItsScheduler() {
        for (String name : HashingSchedulers.NAMES) {
            assertThat(HashingSchedulers.byName(name, 0, () -> 0L).name()).isEqualTo(name);
        }
        assertThat(HashingSchedulers.byName("sh", 0)).isInstanceOf(SourceHashing.class);
        assertThat(HashingSchedulers.byName("mh", 0)).isInstanceOf(MaglevHashing.class);
    }

    @Test
    void flagsReachTheScheduler() {
        Destination a = dest("198.51.100.1", 1);
        Destination b = dest("198.51.100.2", 1);
        List<Destination> ab = List.of(a, b);
        Scheduler plain = HashingSchedulers.byName("sh", 0);
        Scheduler fallback = HashingSchedulers.byName("sh", SchedulerFlags.SCHED1);
        plain.update(ab);
        fallback.update(ab);
        // 192.0.2.1 hashes to bucket 50, which is a's (a and b alternate): only sh-fallback walks on to b
        a.overloaded(true);
        assertThat(plain.schedule(ab, flow("192.0.2.1", 1))).isNull();
        assertThat(fallback.schedule(ab, flow("192.0.2.1", 1))).isSameAs(b);
    }

    @Test
    void unknownNameIsRefused() {
        assertThatThrownBy(() -> HashingSchedulers.byName("rr", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rr");
    }
}
