package halo.lvs.sched;

import static halo.lvs.sched.Dests.pick;
import static halo.lvs.sched.Dests.picks;
import static halo.lvs.sched.Dests.picksOpening;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ip_vs_wlc_schedule: the first not overloaded with weight > 0 is the candidate (overhead loh = active × 256 +
 * inactive); each later one not overloaded replaces it when loh × its weight > its overhead × candidate's weight
 * (strictly: ties stay with the earlier one).
 */
class WeightedLeastConnectionTest {
    private final WeightedLeastConnection wlc = new WeightedLeastConnection();

    @Test
    void connectionsSpreadByWeight() {
        // A w1, B w2, active counts (a, b), overhead 256 per active:
        // (0,0) 0*2 > 0*1 no -> A; (1,0) 256*2 > 0 -> B; (1,1) 512 > 256 -> B; (1,2) 512 > 512 no -> A;
        // (2,2) 1024 > 512 -> B; (2,3) 1024 > 768 -> B; (2,4) 1024 > 1024 no -> A; and so on.
        List<Destination> ds = Dests.withWeights(1, 2);
        assertThat(picksOpening(wlc, ds, 10)).isEqualTo("A B B A B B A B B A");
    }

    @Test
    void inactiveConnectionsCountOneAndActiveOnes256() {
        List<Destination> ds = Dests.withWeights(1, 1);
        ds.get(0).inactiveConnections(300);
        ds.get(1).activeConnections(1);
        // 300 * 1 > 256 * 1 -> B.
        assertThat(Dests.name(pick(wlc, ds))).isEqualTo("B");
        ds.get(0).inactiveConnections(256);
        // 256 > 256 no -> A keeps the tie.
        assertThat(Dests.name(pick(wlc, ds))).isEqualTo("A");
    }

    @Test
    void aTieInLoadPerWeightGoesToTheFirst() {
        List<Destination> ds = Dests.withWeights(2, 4, 1);
        ds.get(0).activeConnections(2); // 512 / 2
        ds.get(1).activeConnections(4); // 1024 / 4
        ds.get(2).activeConnections(1); // 256 / 1
        assertThat(Dests.name(pick(wlc, ds))).isEqualTo("A");
    }

    @Test
    void quiescedIsNeverChosenEvenWhenIdle() {
        // A w0 is skipped as a start; B w1 loaded starts; C w0 idle: 256 * 0 > 0 * 1 is false.
        List<Destination> ds = Dests.withWeights(0, 1, 0);
        ds.get(1).activeConnections(1);
        assertThat(picks(wlc, ds, 2)).isEqualTo("B B");
    }

    @Test
    void overloadedIsSkippedAndNoneAvailableIsNull() {
        List<Destination> ds = Dests.withWeights(1, 1, 1);
        ds.get(0).overloaded(true);
        ds.get(1).activeConnections(1);
        ds.get(2).activeConnections(2);
        assertThat(picks(wlc, ds, 1)).isEqualTo("B");
        ds.get(1).overloaded(true);
        assertThat(picks(wlc, ds, 1)).isEqualTo("C");
        ds.get(2).overloaded(true);
        assertThat(picks(wlc, ds, 1)).isEqualTo("-");
        assertThat(picks(wlc, List.of(), 1)).isEqualTo("-");
    }
}
