package halo.lvs.sched;

import java.util.List;

/**
 * sed (ip_vs_sed.c): wlc's rule with overhead = active + 1 (inactive connections do not count): the smallest
 * (active + 1) / weight by cross multiplication; the first available destination starts, ties go to the earlier one.
 */
public final class ShortestExpectedDelay implements Scheduler {
    @Override
    public String name() {
        return "sed";
    }

    @Override
    public void update(List<Destination> destinations) {}

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        return LeastWeighted.schedule(destinations, true);
    }
}
