package halo.lvs.sched;

import static halo.lvs.sched.Dests.pick;
import static halo.lvs.sched.Dests.picks;
import static halo.lvs.sched.Dests.picksOpening;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ip_vs_nq_schedule: over the list, skipping overloaded and weight 0: the first with no active connection is returned
 * at once; otherwise sed's rule, the smallest (active + 1) / weight by cross multiplication, ties to the earlier one.
 */
class NeverQueueTest {
    private final NeverQueue nq = new NeverQueue();

    @Test
    void anIdleServerTakesTheConnectionThenExpectedDelayDecides() {
        // A w1, B w3, (a, b): (0,0) A idle -> A; (1,0) B idle -> B; (1,1) 2*3 > 2*1 -> B; (1,2) 6 > 3 -> B;
        // (1,3) 6 > 4 -> B; (1,4) 6 > 5 -> B; (1,5) 6 > 6 no -> A.
        List<Destination> ds = Dests.withWeights(1, 3);
        assertThat(picksOpening(nq, ds, 7)).isEqualTo("A B B B B B A");
    }

    @Test
    void theFirstIdleWinsOverAHeavierIdleOne() {
        List<Destination> ds = Dests.withWeights(1, 5, 10);
        ds.get(0).activeConnections(2);
        // sed would take C (1 * 10 > 1 * 5); nq returns B, the first idle.
        assertThat(Dests.name(pick(nq, ds))).isEqualTo("B");
    }

    @Test
    void inactiveConnectionsDoNotMakeAServerBusy() {
        List<Destination> ds = Dests.withWeights(1, 1);
        ds.get(0).activeConnections(1);
        ds.get(1).inactiveConnections(50);
        assertThat(Dests.name(pick(nq, ds))).isEqualTo("B");
    }

    @Test
    void quiescedAndOverloadedIdleServersAreSkipped() {
        List<Destination> ds = Dests.withWeights(0, 1, 1);
        ds.get(1).overloaded(true);
        ds.get(2).activeConnections(3);
        assertThat(picks(nq, ds, 2)).isEqualTo("C C");
        ds.get(2).overloaded(true);
        assertThat(picks(nq, ds, 1)).isEqualTo("-");
        assertThat(picks(nq, List.of(), 1)).isEqualTo("-");
    }

    @Test
    void withNoIdleServerATieGoesToTheFirst() {
        List<Destination> ds = Dests.withWeights(1, 2);
        ds.get(0).activeConnections(1); // 2 / 1
        ds.get(1).activeConnections(3); // 4 / 2
        assertThat(Dests.name(pick(nq, ds))).isEqualTo("A");
    }
}
