package halo.sim;

/**
 * What a segment does to each copy of a packet it carries (one draw per receiver).
 *
 * @param loss        probability a copy is lost
 * @param delayNanos  base one-way delay
 * @param jitterNanos extra delay drawn uniformly in [0, jitter]
 * @param duplicate   probability a copy is delivered twice
 * @param reorder     probability a copy is held back by an extra delay in [0, reorderNanos], overtaking later ones
 * @param reorderNanos how far a held-back copy may be delayed
 */
public record LinkModel(double loss, long delayNanos, long jitterNanos, double duplicate, double reorder,
                        long reorderNanos) {

    /** A clean LAN: 100 microseconds, nothing lost. */
    public static final LinkModel CLEAN = new LinkModel(0, 100_000, 0, 0, 0, 0);

    public LinkModel {
        if (loss < 0 || loss > 1 || duplicate < 0 || duplicate > 1 || reorder < 0 || reorder > 1)
            throw new IllegalArgumentException("probabilities must be in [0, 1]");
        if (delayNanos < 0 || jitterNanos < 0 || reorderNanos < 0)
            throw new IllegalArgumentException("delays must not be negative");
    }

    public LinkModel withLoss(double p) {
        return new LinkModel(p, delayNanos, jitterNanos, duplicate, reorder, reorderNanos);
    }

    public LinkModel withDelay(long delay, long jitter) {
        return new LinkModel(loss, delay, jitter, duplicate, reorder, reorderNanos);
    }
}
