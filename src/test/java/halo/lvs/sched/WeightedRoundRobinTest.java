package halo.lvs.sched;

import static halo.lvs.sched.Dests.picks;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ip_vs_wrr.c: di = gcd of the positive weights, mw = max weight - (di - 1), cw starts at mw; each call continues after
 * the current entry and takes the first not overloaded with weight >= cw; at the end of the list cw -= di, and when cw
 * drops to 0 or below it wraps to mw. dest_changed (every update) puts the cursor at the head and keeps cw if 0 < cw
 * <= mw, rounded to (cw / di) * di + 1 when di > 1.
 */
class WeightedRoundRobinTest {
    private final WeightedRoundRobin wrr = new WeightedRoundRobin();

    private List<Destination> start(int... weights) {
        List<Destination> ds = Dests.withWeights(weights);
        wrr.update(ds);
        return ds;
    }

    @Test
    void weightsFourThreeTwoInterleave() {
        // di 1, mw 4: cw 4 -> A; cw 3 -> A B; cw 2 -> A B C; cw 1 -> A B C; then cw wraps to 4.
        List<Destination> ds = start(4, 3, 2);
        assertThat(picks(wrr, ds, 18)).isEqualTo("A A B A B C A B C A A B A B C A B C");
    }

    @Test
    void equalWeightsAreRoundRobin() {
        List<Destination> ds = start(2, 2, 2);
        // di 2, mw 2 - 1 = 1: one pass with cw 1 picks each once.
        assertThat(picks(wrr, ds, 6)).isEqualTo("A B C A B C");
    }

    @Test
    void theGcdStepSkipsPassesThatWouldPickTheSame() {
        // 6/3: di 3, mw 6 - 2 = 4; cw 4 -> A; cw 1 -> A B.
        assertThat(picks(wrr, start(6, 3), 6)).isEqualTo("A A B A A B");
    }

    @Test
    void aQuiescedDestinationIsNeverChosen() {
        // 0/2/1: di 1, mw 2; cw 2 -> B; cw 1 -> B C.
        assertThat(picks(wrr, start(0, 2, 1), 6)).isEqualTo("B B C B B C");
    }

    @Test
    void anOverloadedDestinationIsSkipped() {
        // 4/3/2 with A overloaded: cw 4 -> none; cw 3 -> B; cw 2 -> B C; cw 1 -> B C.
        List<Destination> ds = start(4, 3, 2);
        ds.get(0).overloaded(true);
        assertThat(picks(wrr, ds, 10)).isEqualTo("B B C B C B B C B C");
    }

    @Test
    void allOverloadedGivesNullAfterOneFullTraversal() {
        // From the head, passes cw 4..1 find nothing; cw wraps to mw (4) and the cursor is the head.
        List<Destination> ds = start(4, 3, 2);
        ds.forEach(d -> d.overloaded(true));
        assertThat(picks(wrr, ds, 2)).isEqualTo("- -");
        assertThat(wrr.currentWeight()).isEqualTo(4);
        ds.forEach(d -> d.overloaded(false));
        assertThat(picks(wrr, ds, 3)).isEqualTo("A A B");
    }

    @Test
    void allOverloadedAfterAChoiceStopsAtTheLastChosenAndKeepsIt() {
        // 1/1: pick A. Then all overloaded: from A, B fails; cw wraps (restarted), last pass with stop = A; from the
        // head A fails and is the stop: null, cursor stays on A. So when they recover, B comes next, not A.
        List<Destination> ds = start(1, 1);
        assertThat(picks(wrr, ds, 1)).isEqualTo("A");
        ds.forEach(d -> d.overloaded(true));
        assertThat(picks(wrr, ds, 1)).isEqualTo("-");
        ds.forEach(d -> d.overloaded(false));
        assertThat(picks(wrr, ds, 3)).isEqualTo("B A B");
    }

    @Test
    void theLastChosenIsChosenAgainWhenItIsTheOnlyOneLeft() {
        List<Destination> ds = start(1, 1);
        assertThat(picks(wrr, ds, 1)).isEqualTo("A");
        ds.get(1).overloaded(true);
        assertThat(picks(wrr, ds, 2)).isEqualTo("A A");
    }

    @Test
    void allQuiescedOrEmptyGivesNull() {
        // mw = 0 - (1 - 1) = 0: "no destination available".
        assertThat(picks(wrr, start(0, 0), 2)).isEqualTo("- -");
        WeightedRoundRobin fresh = new WeightedRoundRobin();
        fresh.update(List.of());
        assertThat(picks(fresh, List.of(), 1)).isEqualTo("-");
    }

    @Test
    void aWeightChangeRestartsFromTheHeadAndKeepsTheCurrentWeight() {
        List<Destination> ds = start(4, 3, 2);
        assertThat(picks(wrr, ds, 3)).isEqualTo("A A B");
        // Now cw 3. C to 4: di 1, mw 4, cw 3 kept, cursor at the head.
        // cw 3 -> A B C; cw 2 -> A B C; cw 1 -> A B C; cw 4 -> A C; cw 3 -> A B C.
        ds.get(2).weight(4);
        wrr.update(ds);
        assertThat(wrr.currentWeight()).isEqualTo(3);
        assertThat(picks(wrr, ds, 14)).isEqualTo("A B C A B C A B C A C A B C");
    }

    @Test
    void aWeightChangeRoundsTheCurrentWeightToTheNewStep() {
        List<Destination> ds = start(6, 3);
        assertThat(picks(wrr, ds, 1)).isEqualTo("A");
        // cw 4. B to 2: di 2, mw 5; cw 4 <= 5 so (4 / 2) * 2 + 1 = 5. cw 5 -> A; cw 3 -> A; cw 1 -> A B.
        ds.get(1).weight(2);
        wrr.update(ds);
        assertThat(wrr.currentWeight()).isEqualTo(5);
        assertThat(picks(wrr, ds, 8)).isEqualTo("A A A B A A A B");
    }

    @Test
    void aWeightChangeBelowTheCurrentWeightStartsAgainFromTheNewMaximum() {
        List<Destination> ds = start(4, 3, 2);
        assertThat(picks(wrr, ds, 1)).isEqualTo("A");
        // cw 4. A to 1: di 1, mw 3 < cw so cw 3. cw 3 -> B; cw 2 -> B C; cw 1 -> A B C.
        ds.get(0).weight(1);
        wrr.update(ds);
        assertThat(picks(wrr, ds, 12)).isEqualTo("B B C A B C B B C A B C");
    }

    @Test
    void destinationsAddedOneByOneStartWithTheCurrentWeightTheFirstLeft() {
        // As keepalived builds a service: init_service with none (cw 0), then one add_dest each. Adding A (4): di 4,
        // mw 4 - 3 = 1, cw 0 -> 1. Adding B (3): di 1, mw 4, cw 1 kept; adding C likewise. So the kernel's first
        // round is the cw 1 pass (A B C), then cw wraps to 4 and the 4/3/2 interleaving follows.
        WeightedRoundRobin fresh = new WeightedRoundRobin();
        fresh.update(List.of());
        List<Destination> ds = Dests.withWeights(4, 3, 2);
        fresh.update(ds.subList(0, 1));
        assertThat(fresh.currentWeight()).isEqualTo(1);
        fresh.update(ds.subList(0, 2));
        fresh.update(ds);
        assertThat(picks(fresh, ds, 12)).isEqualTo("A B C A A B A B C A B C");
    }
}
