package halo.lvs.sched;

import java.util.ArrayList;
import java.util.List;

/**
 * rr (ip_vs_rr.c): the next destination after the last one chosen, in list order, wrapping once; skips weight 0 and
 * overloaded destinations. The last chosen one is itself the final candidate (chosen again if it is the only one
 * available). Starts from the list head, so the first choice is the first available destination.
 */
public final class RoundRobin implements Scheduler {
    private static final int HEAD = -1;

    /** Index of the kernel's sched_data (the last chosen destination), or HEAD. */
    private int last = HEAD;
    private List<Destination> known = List.of();

    @Override
    public String name() {
        return "rr";
    }

    @Override
    public void update(List<Destination> destinations) {
        // ip_vs_rr_del_dest: when the last chosen one is removed, the cursor moves to its predecessor (the head when
        // none remains before it), so the next choice is the one that followed it. Adding keeps the cursor.
        if (last != HEAD && last < known.size()) {
            int i = last;
            while (i >= 0 && !destinations.contains(known.get(i))) {
                i--;
            }
            last = i < 0 ? HEAD : destinations.indexOf(known.get(i));
        } else {
            last = HEAD;
        }
        known = new ArrayList<>(destinations);
    }

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        int n = destinations.size();
        int start = last < n ? last : HEAD;
        // First pass: after last to the end; second pass (only when last is not the head): from the first to last.
        for (int k = 1; k <= n; k++) {
            int i = (start + k) % n;
            Destination d = destinations.get(i);
            if (!d.overloaded() && d.weight() > 0) {
                last = i;
                return d;
            }
        }
        return null;
    }
}
