package halo.lvs.sched;

import static halo.lvs.sched.Dests.pick;
import static halo.lvs.sched.Dests.picks;
import static halo.lvs.sched.Dests.picksOpening;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ip_vs_lc_schedule: over the list, skipping overloaded and weight 0, the smallest active × 256 + inactive; a later
 * one replaces the candidate only when strictly smaller, so ties go to the first.
 */
class LeastConnectionTest {
    private final LeastConnection lc = new LeastConnection();

    private static void load(Destination d, int active, int inactive) {
        d.activeConnections(active);
        d.inactiveConnections(inactive);
    }

    @Test
    void opensInListOrderAsConnectionsAccumulate() {
        // All 0 -> A (first); then A 256 -> B; then C; then all 256 -> A again.
        List<Destination> ds = Dests.withWeights(1, 1, 1);
        assertThat(picksOpening(lc, ds, 7)).isEqualTo("A B C A B C A");
    }

    @Test
    void anActiveConnectionWeighs256Inactive() {
        List<Destination> ds = Dests.withWeights(1, 1);
        load(ds.get(0), 1, 0); // 256
        load(ds.get(1), 0, 255); // 255
        assertThat(Dests.name(pick(lc, ds))).isEqualTo("B");
        load(ds.get(1), 0, 256); // 256: a tie goes to the first
        assertThat(Dests.name(pick(lc, ds))).isEqualTo("A");
        load(ds.get(1), 0, 257);
        assertThat(Dests.name(pick(lc, ds))).isEqualTo("A");
    }

    @Test
    void theWeightPlaysNoPartBeyondZero() {
        List<Destination> ds = Dests.withWeights(1, 100);
        load(ds.get(1), 0, 1);
        assertThat(Dests.name(pick(lc, ds))).isEqualTo("A");
    }

    @Test
    void quiescedAndOverloadedAreSkippedEvenWhenIdle() {
        List<Destination> ds = Dests.withWeights(0, 1, 1);
        load(ds.get(2), 5, 0);
        ds.get(1).overloaded(true);
        assertThat(picks(lc, ds, 2)).isEqualTo("C C");
        ds.get(2).overloaded(true);
        assertThat(picks(lc, ds, 1)).isEqualTo("-");
        assertThat(picks(lc, List.of(), 1)).isEqualTo("-");
    }
}
