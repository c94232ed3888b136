package halo.lvs.sched;

import static halo.lvs.sched.Dests.picks;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ip_vs_rr_schedule: from the entry after the last chosen (the list head at first) to the end, then from the first up
 * to and including the last chosen; the first with weight > 0 and not overloaded wins. ip_vs_rr_del_dest moves the
 * cursor to the removed entry's predecessor.
 */
class RoundRobinTest {
    private final RoundRobin rr = new RoundRobin();

    private List<Destination> start(int... weights) {
        List<Destination> ds = Dests.withWeights(weights);
        rr.update(ds);
        return ds;
    }

    @Test
    void cyclesInListOrderFromTheFirstWhateverTheWeights() {
        // Weights other than 0 play no part in rr.
        List<Destination> ds = start(1, 5, 2);
        assertThat(picks(rr, ds, 7)).isEqualTo("A B C A B C A");
    }

    @Test
    void aQuiescedDestinationIsNeverChosen() {
        List<Destination> ds = start(1, 0, 1);
        assertThat(picks(rr, ds, 5)).isEqualTo("A C A C A");
    }

    @Test
    void anOverloadedDestinationIsSkippedUntilItsFlagClears() {
        List<Destination> ds = start(1, 1, 1);
        assertThat(picks(rr, ds, 1)).isEqualTo("A");
        ds.get(1).overloaded(true);
        assertThat(picks(rr, ds, 3)).isEqualTo("C A C");
        ds.get(1).overloaded(false);
        // Cursor at C: continues with A, then B.
        assertThat(picks(rr, ds, 3)).isEqualTo("A B C");
    }

    @Test
    void theLastChosenIsChosenAgainWhenItIsTheOnlyOneLeft() {
        List<Destination> ds = start(1, 1, 1);
        assertThat(picks(rr, ds, 2)).isEqualTo("A B");
        ds.get(0).weight(0);
        ds.get(2).overloaded(true);
        // From B: C overloaded, A quiesced, then B itself (the second pass ends at the last chosen, inclusive).
        assertThat(picks(rr, ds, 2)).isEqualTo("B B");
    }

    @Test
    void noneAvailableGivesNullAndKeepsTheCursor() {
        List<Destination> ds = start(1, 1, 1);
        assertThat(picks(rr, ds, 2)).isEqualTo("A B");
        ds.forEach(d -> d.overloaded(true));
        assertThat(picks(rr, ds, 2)).isEqualTo("- -");
        ds.forEach(d -> d.overloaded(false));
        assertThat(picks(rr, ds, 1)).isEqualTo("C");
    }

    @Test
    void allQuiescedOrEmptyGivesNull() {
        assertThat(picks(rr, start(0, 0), 2)).isEqualTo("- -");
        assertThat(picks(rr, start(), 1)).isEqualTo("-");
    }

    @Test
    void removingTheLastChosenContinuesWithTheOneAfterIt() {
        List<Destination> ds = start(1, 1, 1, 1);
        assertThat(picks(rr, ds, 2)).isEqualTo("A B");
        List<Destination> withoutB = new ArrayList<>(ds);
        withoutB.remove(1);
        rr.update(withoutB);
        // The cursor moved to A (B's predecessor): the next is C.
        assertThat(picks(rr, withoutB, 3)).isEqualTo("C D A");
    }

    @Test
    void removingTheFirstWhenItWasLastChosenRestartsFromTheHead() {
        List<Destination> ds = start(1, 1, 1);
        assertThat(picks(rr, ds, 1)).isEqualTo("A");
        List<Destination> withoutA = new ArrayList<>(ds.subList(1, 3));
        rr.update(withoutA);
        assertThat(picks(rr, withoutA, 3)).isEqualTo("B C B");
    }

    @Test
    void addingADestinationKeepsTheCursor() {
        List<Destination> ds = start(1, 1, 1, 1);
        List<Destination> two = new ArrayList<>(ds.subList(0, 2));
        rr.update(two);
        assertThat(picks(rr, two, 1)).isEqualTo("A");
        // rr has no add_dest hook: the cursor stays on A and the new ones are reached in list order.
        rr.update(ds);
        assertThat(picks(rr, ds, 4)).isEqualTo("B C D A");
    }
}
