package halo.lvs.sched;

import java.util.random.RandomGenerator;

/** The schedulers by their kernel name (keepalived's lb_algo, ipvsadm's -s). */
public final class Schedulers {
    private Schedulers() {}

    /**
     * A new scheduler named NAME (one per service: rr and wrr keep a cursor). FLAGS are the service's scheduler flags
     * (sh-port, sh-fallback, mh-port, mh-fallback), used by the hashing schedulers only; RANDOM feeds twos.
     *
     * @throws IllegalArgumentException for a name no scheduler has
     */
    public static Scheduler byName(String name, int flags, RandomGenerator random) {
        return switch (name) {
            case "rr" -> new RoundRobin();
            case "wrr" -> new WeightedRoundRobin();
            case "lc" -> new LeastConnection();
            case "wlc" -> new WeightedLeastConnection();
            case "sed" -> new ShortestExpectedDelay();
            case "nq" -> new NeverQueue();
            case "fo" -> new WeightedFailover();
            case "ovf" -> new WeightedOverflow();
            case "twos" -> new TwoChoices(random);
            default -> throw new IllegalArgumentException("unknown scheduler: " + name);
        };
    }
}
