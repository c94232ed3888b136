package halo.lvs.sched;

import halo.lvs.SchedulingMethod;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/** The schedulers by their kernel name (keepalived's lb_algo, ipvsadm's -s). */
public final class Schedulers {
    /** Every name {@link #byName} knows. */
    public static final List<String> NAMES =
            Arrays.stream(SchedulingMethod.values()).map(SchedulingMethod::kernelName).toList();

    private Schedulers() {}

    /**
     * A new scheduler named NAME (one per service: several keep a cursor or a table). FLAGS are the service's
     * kernel flags word ({@link halo.lvs.ServiceFlag#bits}: sh and mh read SCHED1 as fallback and SCHED2 as port); RANDOM feeds twos;
     * NANO_CLOCK is lblc's and lblcr's clock for their entries' ages.
     *
     * @throws IllegalArgumentException for a name no scheduler has
     */
    public static Scheduler byName(String name, int flags, RandomGenerator random, LongSupplier nanoClock) {
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
            case "sh" -> new SourceHashing(flags);
            case "dh" -> new DestinationHashing();
            case "mh" -> new MaglevHashing(flags);
            case "lblc" -> new LocalityBasedLeastConnection(nanoClock);
            case "lblcr" -> new LocalityBasedLeastConnectionWithReplication(nanoClock);
            default -> throw new IllegalArgumentException("unknown scheduler: " + name);
        };
    }
}
