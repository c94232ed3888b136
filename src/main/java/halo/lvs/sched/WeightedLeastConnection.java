package halo.lvs.sched;

import java.util.List;

/**
 * wlc (ip_vs_wlc.c): the smallest overhead / weight, overhead = active × 256 + inactive, compared by cross
 * multiplication (loh × weight > doh × least.weight) as the kernel does to avoid division. The first available
 * destination (weight > 0, not overloaded) is the starting candidate; a later one replaces it only when strictly
 * better, so ties go to the first in list order.
 */
public final class WeightedLeastConnection implements Scheduler {
    @Override
    public String name() {
        return "wlc";
    }

    @Override
    public void update(List<Destination> destinations) {}

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        return LeastWeighted.schedule(destinations, false);
    }
}
