package halo.lvs.sched;

import java.util.List;
import java.util.function.LongSupplier;

/** The hashing and locality schedulers by their kernel name: sh, dh, mh, lblc, lblcr. */
public final class HashingSchedulers {
    /** The names {@link #byName} knows. */
    public static final List<String> NAMES = List.of("sh", "dh", "mh", "lblc", "lblcr");

    private HashingSchedulers() {}

    /**
     * A new scheduler NAME with the service's {@link halo.lvs.SchedulerFlags} FLAGS (sh and mh read SCHED1 as fallback
     * and SCHED2 as port); NANO_CLOCK is lblc's and lblcr's clock for their entries' ages.
     *
     * @throws IllegalArgumentException for a name not in {@link #NAMES}
     */
    public static Scheduler byName(String name, int flags, LongSupplier nanoClock) {
        return switch (name) {
            case "sh" -> new SourceHashing(flags);
            case "dh" -> new DestinationHashing();
            case "mh" -> new MaglevHashing(flags);
            case "lblc" -> new LocalityBasedLeastConnection(nanoClock);
            case "lblcr" -> new LocalityBasedLeastConnectionWithReplication(nanoClock);
            default -> throw new IllegalArgumentException("not a hashing scheduler: " + name);
        };
    }

    /** As {@link #byName(String, int, LongSupplier)} with the JVM's monotonic clock. */
    public static Scheduler byName(String name, int flags) {
        return byName(name, flags, System::nanoTime);
    }
}
