package halo.testing;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small property-test runner on plain JUnit 5: checks a property on many generated values, each drawn from its own
 * seed, and on failure names the seed so the case replays exactly ({@code -Dhalo.seed=N} runs that one case first).
 * Halo does not use jqwik: from 1.10 its maintainers ask that it not be used by AI coding agents, and Halo is built
 * with one, so it respects that.
 */
public final class Property {

    private Property() {}

    /**
     * Runs {@code check} on {@code tries} values from {@code generator}. The check fails by throwing (AssertJ or
     * otherwise); the failure is rethrown with the seed, the try and the value.
     */
    public static <T> void forAll(int tries, Function<Gen, T> generator, Consumer<T> check) {
        String fixed = System.getProperty("halo.seed");
        long base = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        for (int i = 0; i < tries; i++) {
            long seed = fixed != null && i == 0 ? base : mix(base + i);
            T value = generator.apply(new Gen(seed));
            try {
                check.accept(value);
            } catch (AssertionError | RuntimeException e) {
                AssertionError failure = new AssertionError("property failed on try " + (i + 1) + " of " + tries
                        + " (replay with -Dhalo.seed=" + seed + ")\nvalue: " + describe(value) + "\n" + e.getMessage(), e);
                throw failure;
            }
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static String describe(Object value) {
        if (value instanceof byte[] b) {
            StringBuilder s = new StringBuilder();
            for (byte x : b) {
                s.append(String.format("%02x", x));
            }
            return s.toString();
        }
        String s = String.valueOf(value);
        return s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
    }
}
