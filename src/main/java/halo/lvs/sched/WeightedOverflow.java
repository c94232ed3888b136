package halo.lvs.sched;

import java.util.List;

/**
 * ovf (ip_vs_ovf.c): the destination with the highest weight among those whose active connections do not exceed
 * their weight (the weight is the connection limit), not overloaded and weight > 0; ties go to the first in list
 * order. When the highest is full (active > weight) the next highest takes the overflow.
 */
public final class WeightedOverflow implements Scheduler {
    @Override
    public String name() {
        return "ovf";
    }

    @Override
    public void update(List<Destination> destinations) {}

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        Destination highest = null;
        for (int i = 0, n = destinations.size(); i < n; i++) {
            Destination d = destinations.get(i);
            int w = d.weight();
            if (d.overloaded() || d.activeConnections() > w || w == 0) {
                continue;
            }
            if (highest == null || w > highest.weight()) {
                highest = d;
            }
        }
        return highest;
    }
}
