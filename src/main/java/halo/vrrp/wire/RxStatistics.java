package halo.vrrp.wire;

import java.util.EnumMap;
import java.util.Map;

/** One instance's receive counters: a long per {@link RxCounter}, incremented without allocation. Not thread-safe. */
public final class RxStatistics {
    private static final RxCounter[] COUNTERS = RxCounter.values();
    private final long[] values = new long[COUNTERS.length];

    public long get(RxCounter counter) {
        return values[counter.ordinal()];
    }

    public void increment(RxCounter counter) {
        values[counter.ordinal()]++;
    }

    public void reset() {
        java.util.Arrays.fill(values, 0);
    }

    /** A copy keyed by counter (allocates; for dumps and tests). */
    public Map<RxCounter, Long> toMap() {
        Map<RxCounter, Long> map = new EnumMap<>(RxCounter.class);
        for (RxCounter counter : COUNTERS) {
            map.put(counter, values[counter.ordinal()]);
        }
        return map;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RxStatistics{");
        for (RxCounter counter : COUNTERS) {
            long v = values[counter.ordinal()];
            if (v != 0) {
                sb.append(counter.mibName).append('=').append(v).append(' ');
            }
        }
        return sb.append('}').toString();
    }
}
