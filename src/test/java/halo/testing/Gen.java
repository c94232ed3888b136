package halo.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Random values for property tests, from one seeded source so a failing case replays exactly. */
public final class Gen {

    private final SplittableRandom random;

    Gen(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Uniform in [min, max] (both included). */
    public int intBetween(int min, int max) {
        return (int) longBetween(min, max);
    }

    /** Uniform in [min, max] (both included). */
    public long longBetween(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException(min + " > " + max);
        }
        return max == Long.MAX_VALUE && min == Long.MIN_VALUE ? random.nextLong() : min + random.nextLong(max - min + 1);
    }

    /** Edge values come up often (a quarter of the time), the rest uniformly: bugs live at the edges. */
    public int intWithEdges(int min, int max) {
        return switch (random.nextInt(8)) {
            case 0 -> min;
            case 1 -> max;
            default -> intBetween(min, max);
        };
    }

    public boolean bool() {
        return random.nextBoolean();
    }

    /** True with probability {@code p}. */
    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    public double unit() {
        return random.nextDouble();
    }

    @SafeVarargs
    public final <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }

    public <T> T oneOf(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    public <E extends Enum<E>> E oneOf(Class<E> type) {
        E[] values = type.getEnumConstants();
        return values[random.nextInt(values.length)];
    }

    public <T> List<T> listOf(int minSize, int maxSize, Function<Gen, T> element) {
        int n = intBetween(minSize, maxSize);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(element.apply(this));
        }
        return out;
    }

    public byte[] bytes(int minLength, int maxLength) {
        byte[] b = new byte[intBetween(minLength, maxLength)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    /** A string of characters drawn from {@code alphabet}. */
    public String string(String alphabet, int minLength, int maxLength) {
        int n = intBetween(minLength, maxLength);
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    public static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    public static final String ALNUM = LOWER + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
}
