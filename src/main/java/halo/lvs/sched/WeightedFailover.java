package halo.lvs.sched;

import java.util.List;

/**
 * fo (ip_vs_fo.c): the available destination (not overloaded) with the highest weight, which must be above 0; ties
 * go to the first in list order. Loads play no part: all new connections go to one server until it fails or is
 * overloaded.
 */
public final class WeightedFailover implements Scheduler {
    @Override
    public String name() {
        return "fo";
    }

    @Override
    public void update(List<Destination> destinations) {}

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        Destination highest = null;
        int highestWeight = 0;
        for (int i = 0, n = destinations.size(); i < n; i++) {
            Destination d = destinations.get(i);
            if (!d.overloaded() && d.weight() > highestWeight) {
                highest = d;
                highestWeight = d.weight();
            }
        }
        return highest;
    }
}
