package halo.lvs.sched;

import java.util.List;

/** The selection loop that ip_vs_wlc.c and ip_vs_sed.c share, differing only in the overhead. */
final class LeastWeighted {
    private LeastWeighted() {}

    static Destination schedule(List<Destination> destinations, boolean activeOnly) {
        int n = destinations.size();
        int i = 0;
        Destination least = null;
        for (; i < n; i++) {
            Destination d = destinations.get(i);
            if (!d.overloaded() && d.weight() > 0) {
                least = d;
                break;
            }
        }
        if (least == null) {
            return null;
        }
        long leastOverhead = overhead(least, activeOnly);
        // The kernel's next stage tests only the overload flag: a weight 0 destination can never win, as
        // loh × 0 > doh × weight is never true.
        for (i = i + 1; i < n; i++) {
            Destination d = destinations.get(i);
            if (d.overloaded()) {
                continue;
            }
            long overhead = overhead(d, activeOnly);
            if (leastOverhead * d.weight() > overhead * least.weight()) {
                least = d;
                leastOverhead = overhead;
            }
        }
        return least;
    }

    private static long overhead(Destination d, boolean activeOnly) {
        return activeOnly ? Overhead.activePlusOne(d) : Overhead.connections(d);
    }
}
