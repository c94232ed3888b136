package halo.lvs.sched;

import static halo.lvs.sched.Dests.picks;
import static halo.lvs.sched.Dests.picksOpening;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ip_vs_fo_schedule: the first not overloaded destination whose weight is strictly above the highest seen so far
 * (starting at 0): the highest weight, ties to the first, loads ignored.
 */
class WeightedFailoverTest {
    private final WeightedFailover fo = new WeightedFailover();

    @Test
    void everythingGoesToTheFirstHighestWeightWhateverItsLoad() {
        List<Destination> ds = Dests.withWeights(5, 10, 10);
        assertThat(picksOpening(fo, ds, 4)).isEqualTo("B B B B");
        assertThat(ds.get(1).activeConnections()).isEqualTo(4);
    }

    @Test
    void failsOverInWeightOrderAsServersOverloadOrQuiesce() {
        List<Destination> ds = Dests.withWeights(5, 10, 10);
        ds.get(1).overloaded(true);
        assertThat(picks(fo, ds, 1)).isEqualTo("C");
        ds.get(2).weight(0);
        assertThat(picks(fo, ds, 1)).isEqualTo("A");
        ds.get(1).overloaded(false);
        assertThat(picks(fo, ds, 1)).isEqualTo("B");
    }

    @Test
    void noneAvailableIsNull() {
        List<Destination> ds = Dests.withWeights(0, 3);
        ds.get(1).overloaded(true);
        assertThat(picks(fo, ds, 1)).isEqualTo("-");
        assertThat(picks(fo, Dests.withWeights(0, 0), 1)).isEqualTo("-");
        assertThat(picks(fo, List.of(), 1)).isEqualTo("-");
    }
}
