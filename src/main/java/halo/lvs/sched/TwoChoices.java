package halo.lvs.sched;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * twos (ip_vs_twos.c): power of two choices. Over the available destinations (weight > 0, not overloaded), with T
 * their total weight, two random numbers r1, r2 in [0, T] (two 32-bit randoms modulo T + 1, r1 drawn first) each pick
 * the first destination at which the running sum of weights reaches it; the second pick wins only when strictly less
 * loaded relative to its weight (weight2 × overhead1 > weight1 × overhead2, overhead = active × 256 + inactive),
 * otherwise the first. The random source is injected so that tests are deterministic.
 */
public final class TwoChoices implements Scheduler {
    private final RandomGenerator random;

    public TwoChoices(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public String name() {
        return "twos";
    }

    @Override
    public void update(List<Destination> destinations) {}

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        int n = destinations.size();
        int totalWeight = 0;
        boolean any = false;
        for (int i = 0; i < n; i++) {
            Destination d = destinations.get(i);
            if (!d.overloaded() && d.weight() > 0) {
                totalWeight += d.weight();
                any = true;
            }
        }
        if (!any) {
            return null;
        }
        // + 1 so that the random weights are inclusive from 0 to the total, as the kernel has it.
        totalWeight += 1;
        int rweight1 = Integer.remainderUnsigned(random.nextInt(), totalWeight);
        int rweight2 = Integer.remainderUnsigned(random.nextInt(), totalWeight);

        Destination choice1 = null;
        Destination choice2 = null;
        int weight1 = -1;
        int weight2 = -1;
        int overhead1 = 0;
        int overhead2 = 0;
        for (int i = 0; i < n; i++) {
            Destination d = destinations.get(i);
            if (d.overloaded()) {
                continue;
            }
            int weight = d.weight();
            if (weight <= 0) {
                continue;
            }
            rweight1 -= weight;
            rweight2 -= weight;
            if (rweight1 <= 0 && weight1 == -1) {
                choice1 = d;
                weight1 = weight;
                overhead1 = (int) Overhead.connections(d);
            }
            if (rweight2 <= 0 && weight2 == -1) {
                choice2 = d;
                weight2 = weight;
                overhead2 = (int) Overhead.connections(d);
            }
            if (weight1 != -1 && weight2 != -1) {
                break;
            }
        }
        // int products, as the kernel's
        if (choice2 != null && weight2 * overhead1 > weight1 * overhead2) {
            choice1 = choice2;
        }
        return choice1;
    }
}
