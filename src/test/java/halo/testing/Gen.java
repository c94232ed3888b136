package halo.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Random values for property tests, from one seeded source so a failing case replays exactly. */
public final class Gen {

    private final SplittableRandom random;

    public Gen(long seed) {
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
        long span = max - min + 1;
        if (span > 0) {
            return min + random.nextLong(span);
        }
        // a range wider than Long.MAX_VALUE (span overflowed): draw from all longs until one falls in it
        while (true) {
            long x = random.nextLong();
            if (x >= min && x <= max) {
                return x;
            }
        }
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

    /**
     * Any UTF-16 char (lone surrogates and NUL included), with the ones parsers trip on (whitespace, quotes, braces,
     * comment marks, escapes) and plain ASCII coming up often: uniform draws over 65536 chars would almost never hit them.
     */
    public char anyChar() {
        return switch (random.nextInt(4)) {
            case 0 -> TRICKY.charAt(random.nextInt(TRICKY.length()));
            case 1 -> (char) random.nextInt(128);
            default -> (char) random.nextInt(Character.MAX_VALUE + 1);
        };
    }

    /** A string of {@link #anyChar()}s. */
    public String anyString(int minLength, int maxLength) {
        int n = intBetween(minLength, maxLength);
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(anyChar());
        }
        return s.toString();
    }

    private static final String TRICKY = " \t\n\r\f\u000b\u0000\"'{}#!\\$@~=,;\u00a0\u2028\ufeff\uffff\ud800\udfff";

    public static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    public static final String ALNUM = LOWER + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
}
