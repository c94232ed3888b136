package halo.lvs.sched;

import java.util.List;

/**
 * nq (ip_vs_nq.c): the first available destination (weight > 0, not overloaded) with no active connection, in list
 * order; when none is idle, sed's rule: the smallest (active + 1) / weight by cross multiplication, ties to the
 * earlier one.
 */
public final class NeverQueue implements Scheduler {
    @Override
    public String name() {
        return "nq";
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
            long overhead = Overhead.activePlusOne(d);
            if (d.activeConnections() == 0) {
                return d;
            }
            if (least == null || leastOverhead * d.weight() > overhead * least.weight()) {
                least = d;
                leastOverhead = overhead;
            }
        }
        return least;
    }
}
