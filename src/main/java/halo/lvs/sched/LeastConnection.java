package halo.lvs.sched;

import java.util.List;

/**
 * lc (ip_vs_lc.c): the available destination (weight > 0, not overloaded) with the smallest overhead, active × 256 +
 * inactive; the weight plays no other part. Ties go to the first in list order.
 */
public final class LeastConnection implements Scheduler {
    @Override
    public String name() {
        return "lc";
    }

    @Override
    public void update(List<Destination> destinations) {}

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        Destination least = null;
        long leastOverhead = 0;
        for (int i = 0, n = destinations.size(); i < n; i++) {
            Destination d = destinations.get(i);
            if (d.overloaded() || d.weight() == 0) {
                continue;
            }
            long overhead = Overhead.connections(d);
            if (least == null || overhead < leastOverhead) {
                least = d;
                leastOverhead = overhead;
            }
        }
        return least;
    }
}
