package halo.sim;

import java.math.BigDecimal;

/** Parses the durations operators type: {@code 30s}, {@code 500ms}, {@code 1.5s}, {@code 2m}, {@code 100us}; a bare number is seconds. */
public final class Durations {
    private Durations() {
    }

    public static long parseNanos(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        long unit;
        String number;
        if (t.endsWith("ms")) {
            unit = 1_000_000L;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("us")) {
            unit = 1_000L;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("ns")) {
            unit = 1L;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unit = 1_000_000_000L;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 60_000_000_000L;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unit = 3_600_000_000_000L;
            number = t.substring(0, t.length() - 1);
        } else {
            unit = 1_000_000_000L;
            number = t;
        }
        try {
            BigDecimal v = new BigDecimal(number.trim()).multiply(BigDecimal.valueOf(unit));
            if (v.signum() < 0) throw new IllegalArgumentException("negative duration: " + text);
            return v.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (try 5s, 500ms, 1.5s, 2m)");
        }
    }
}
