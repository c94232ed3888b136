package halo.sim;

/**
 * The simulation's one source of randomness: SplitMix64, written out here so a seed replays the same run on every
 * JDK (java.util.Random's and SplittableRandom's sequences are specified too, but this keeps the algorithm in view).
 */
public final class Rng {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound); bound must be positive. */
    public long nextLong(long bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        long r = nextLong() >>> 1;
        long m = bound - 1;
        if ((bound & m) == 0) return r & m;
        for (long u = r; u - (r = u % bound) + m < 0; u = nextLong() >>> 1) { /* reject the biased tail */ }
        return r;
    }

    /** Uniform in [0, bound) as an int. */
    public int nextInt(int bound) {
        return (int) nextLong(bound);
    }

    /** True with probability p; draws nothing when p is 0 or 1 so adding a zero-probability fault keeps a replay. */
    public boolean chance(double p) {
        if (p <= 0) return false;
        if (p >= 1) return true;
        return nextDouble() < p;
    }

    /** An independent generator for a sub-system, so adding draws in one place does not shift another's. */
    public Rng split() {
        return new Rng(nextLong());
    }
}
