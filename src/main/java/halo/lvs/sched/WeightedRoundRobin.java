package halo.lvs.sched;

import java.util.List;

/**
 * wrr (ip_vs_wrr.c): passes over the list with a current weight cw that starts at the maximum weight mw and drops by
 * di (the gcd of the positive weights) after each pass; a pass picks, one per call, every destination whose weight is
 * at least cw. So weights 4/3/2 give A A B A B C A B C. mw is the maximum weight minus (di - 1), so that the last pass
 * is always cw = 1. Any change to the destinations (the kernel's add/del/upd_dest) restarts from the list head and
 * keeps cw when it is still valid, rounded to the new step.
 */
public final class WeightedRoundRobin implements Scheduler {
    private static final int HEAD = -1;
    private static final int NONE = -2;

    /** The kernel's mark->cl: index of the current destination, or HEAD. */
    private int current = HEAD;
    /** mark->cw: 0 before the first update, as the kernel's init_service with no destinations yet leaves it. */
    private int currentWeight;
    private int maximumWeight;
    private int step = 1;

    @Override
    public String name() {
        return "wrr";
    }

    /** ip_vs_wrr_dest_changed (init_service gives the same result: cw = mw, cursor at the head). */
    @Override
    public void update(List<Destination> destinations) {
        current = HEAD;
        step = gcdOfPositiveWeights(destinations);
        maximumWeight = maximumWeight(destinations) - (step - 1);
        if (currentWeight > maximumWeight || currentWeight == 0) {
            currentWeight = maximumWeight;
        } else if (step > 1) {
            currentWeight = (currentWeight / step) * step + 1;
        }
    }

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        int n = destinations.size();
        if (current >= n) {
            current = HEAD; // the list shrank without update(): start over, never index past it
        }
        if (maximumWeight == 0) {
            return null;
        }
        int last = current;
        int stop = NONE;
        boolean lastPass = false;
        boolean restarted = false;
        int i = current;
        while (true) {
            for (i = i + 1; i < n; i++) {
                Destination d = destinations.get(i);
                if (!d.overloaded() && d.weight() >= currentWeight) {
                    current = i;
                    return d;
                }
                if (i == stop) {
                    current = i;
                    return null;
                }
            }
            i = HEAD;
            currentWeight -= step;
            if (currentWeight <= 0) {
                currentWeight = maximumWeight;
                // All destinations were checked for weight >= 1: after a last pass, or in the one traversal from
                // the head.
                if (lastPass || last == HEAD) {
                    current = HEAD;
                    return null;
                }
                restarted = true;
            }
            lastPass = currentWeight <= step;
            if (lastPass && restarted && last != HEAD) {
                // The first traversal checked weight >= 1 only after 'last'; check the ones up to it too.
                stop = last;
            }
        }
    }

    /** Current weight (the kernel's cw), for tests and diagnostics. */
    int currentWeight() {
        return currentWeight;
    }

    private static int gcdOfPositiveWeights(List<Destination> destinations) {
        int g = 0;
        for (Destination d : destinations) {
            int w = d.weight();
            if (w > 0) {
                g = g > 0 ? gcd(w, g) : w;
            }
        }
        return g != 0 ? g : 1;
    }

    private static int maximumWeight(List<Destination> destinations) {
        int max = 0;
        for (Destination d : destinations) {
            if (d.weight() > max) {
                max = d.weight();
            }
        }
        return max;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
