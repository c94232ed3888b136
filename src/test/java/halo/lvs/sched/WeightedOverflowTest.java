package halo.lvs.sched;

import static halo.lvs.sched.Dests.picks;
import static halo.lvs.sched.Dests.picksOpening;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ip_vs_ovf_schedule: skipping overloaded, weight 0 and those with active > weight, the highest weight, ties to the
 * first. A destination is thus chosen while its active count is 0..weight, weight + 1 connections in all.
 */
class WeightedOverflowTest {
    private final WeightedOverflow ovf = new WeightedOverflow();

    @Test
    void fillsTheHighestWeightThenOverflowsToTheNext() {
        // A w2, B w3, C w3: B takes active 0..3 (4 connections), then C 0..3, then A 0..2, then none.
        List<Destination> ds = Dests.withWeights(2, 3, 3);
        assertThat(picksOpening(ovf, ds, 12)).isEqualTo("B B B B C C C C A A A -");
    }

    @Test
    void aServerBackUnderItsWeightTakesConnectionsAgain() {
        List<Destination> ds = Dests.withWeights(1, 2);
        ds.get(1).activeConnections(3);
        assertThat(picks(ovf, ds, 1)).isEqualTo("A");
        ds.get(1).activeConnections(2);
        assertThat(picks(ovf, ds, 1)).isEqualTo("B");
    }

    @Test
    void inactiveConnectionsDoNotCount() {
        List<Destination> ds = Dests.withWeights(1, 2);
        ds.get(1).inactiveConnections(100);
        assertThat(picks(ovf, ds, 1)).isEqualTo("B");
    }

    @Test
    void quiescedAndOverloadedAreSkippedAndNoneIsNull() {
        List<Destination> ds = Dests.withWeights(0, 5, 1);
        ds.get(1).overloaded(true);
        assertThat(picks(ovf, ds, 1)).isEqualTo("C");
        ds.get(2).overloaded(true);
        assertThat(picks(ovf, ds, 1)).isEqualTo("-");
        assertThat(picks(ovf, List.of(), 1)).isEqualTo("-");
    }
}
