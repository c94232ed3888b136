package halo.sim;

/**
 * Something that happens at a virtual time. Events are reusable (timers, pooled packets): the queue keeps their
 * position so they can be moved or cancelled without allocating.
 */
public abstract class SimEvent {
    long time;
    long seq;
    int heapIndex = -1;

    /** Runs at {@link #time()}; the simulation's clock already reads that time. */
    protected abstract void fire();

    public final long time() {
        return time;
    }

    public final boolean isScheduled() {
        return heapIndex >= 0;
    }
}
