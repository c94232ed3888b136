package halo.lvs.sched;

import static halo.lvs.sched.Dests.pick;
import static halo.lvs.sched.Dests.picks;
import static halo.lvs.sched.Dests.picksOpening;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ip_vs_sed_schedule: wlc's loop with overhead = active + 1 (inactive ignored): the first not overloaded with weight >
 * 0 starts; a later one wins when loh × its weight > its (active + 1) × candidate's weight.
 */
class ShortestExpectedDelayTest {
    private final ShortestExpectedDelay sed = new ShortestExpectedDelay();

    @Test
    void theIncomingConnectionCountsSoTheHeavierServerTakesTheFirst() {
        // A w1, B w3, (a, b): (0,0) 1*3 > 1*1 -> B; (0,1) 1*3 > 2*1 -> B; (0,2) 3 > 3 no -> A;
        // (1,2) 2*3 > 3 -> B; (1,3) 6 > 4 -> B; (1,4) 6 > 5 -> B; (1,5) 6 > 6 no -> A;
        // (2,5) 9 > 6 -> B; (2,6) 9 > 7 -> B; (2,7) 9 > 8 -> B; (2,8) 9 > 9 no -> A.
        List<Destination> ds = Dests.withWeights(1, 3);
        assertThat(picksOpening(sed, ds, 11)).isEqualTo("B B A B B B A B B B A");
    }

    @Test
    void inactiveConnectionsDoNotCount() {
        List<Destination> ds = Dests.withWeights(1, 1);
        ds.get(0).inactiveConnections(1000);
        ds.get(1).activeConnections(1);
        // 1 * 1 > 2 * 1 no -> A (wlc would take B: 1000 > 256).
        assertThat(Dests.name(pick(sed, ds))).isEqualTo("A");
    }

    @Test
    void quiescedAndOverloadedAreSkipped() {
        List<Destination> ds = Dests.withWeights(0, 1, 5);
        ds.get(1).activeConnections(3);
        ds.get(2).overloaded(true);
        assertThat(picks(sed, ds, 2)).isEqualTo("B B");
        ds.get(1).overloaded(true);
        assertThat(picks(sed, ds, 1)).isEqualTo("-");
        assertThat(picks(sed, List.of(), 1)).isEqualTo("-");
    }

    @Test
    void aTieGoesToTheFirst() {
        List<Destination> ds = Dests.withWeights(1, 2);
        ds.get(1).activeConnections(1); // (0+1)/1 = (1+1)/2
        assertThat(Dests.name(pick(sed, ds))).isEqualTo("A");
    }
}
