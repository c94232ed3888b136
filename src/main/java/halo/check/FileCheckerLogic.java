package halo.check;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.InputStream;

/**
 * FILE_CHECK (keepalived check_file.c, track_file.c): the number in a tracked file decides. With weight 0 a
 * non-zero value is a failure (reverse: a zero value is); otherwise value x weight (negated with reverse) is added
 * to the real server's weight, and only a result at or below INT_MIN is a failure. The file is read when it
 * changes; a missing or deleted file reads as 0. There is no polling, retry or alpha: the state is known at once.
 */
public final class FileCheckerLogic implements CheckerLogic {

    /** keepalived's IPVS_WEIGHT_FAULT. */
    static final long FAULT = Integer.MIN_VALUE;

    private final int weight;
    private final boolean reverse;
    private boolean up = true;
    private boolean hasRun;
    private long delta;
    private Long lastValue;

    public FileCheckerLogic(int weight, boolean reverse) {
        this.weight = weight;
        this.reverse = reverse;
    }

    @Override
    public boolean isUp() {
        return up;
    }

    @Override
    public boolean hasRun() {
        return hasRun;
    }

    /** The amount currently added to the real server's weight. */
    public long weightDelta() {
        return delta;
    }

    /** Reload: nothing to carry over, the verdict is read from the file again. */
    @Override
    public void restore(boolean wasUp, boolean wasRun) {
    }

    @Override
    public Step onResult(boolean success) {
        throw new UnsupportedOperationException("FILE_CHECK is driven by file values");
    }

    /** keepalived's status for a value: FAULT, or the weight contribution. */
    long status(long value) {
        if (weight == 0) return (value != 0) != reverse ? FAULT : 0;
        long s = value * weight * (reverse ? -1L : 1L);
        return Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, s));
    }

    /**
     * A new value read from the file. Returns the verdict (the first one always; later only changes) and updates
     * {@link #weightDelta()}.
     */
    public Change onValue(long value) {
        boolean first = !hasRun;
        hasRun = true;
        if (lastValue != null && lastValue == value) return Change.NONE;
        lastValue = value;
        long s = status(value);
        boolean nowUp = s > FAULT;
        delta = nowUp ? s : 0;
        boolean changed = nowUp != up;
        up = nowUp;
        if (first || changed) return nowUp ? Change.UP : Change.DOWN;
        return Change.NONE;
    }

    /**
     * Reads a tracked file as keepalived does: up to 127 bytes parsed with strtol(..., 0) (decimal, 0x hex,
     * 0 octal, leading blanks and a sign allowed); missing or empty is 0. Returns null for a number out of range
     * ("Invalid number %ld read from %s - ignoring").
     */
    public static Long readValue(Path file) {
        byte[] buf;
        try (InputStream in = Files.newInputStream(file)) {
            buf = in.readNBytes(127);
        } catch (IOException e) {
            return 0L;
        }
        String s = new String(buf, java.nio.charset.StandardCharsets.ISO_8859_1);
        long v = strtol(s);
        if (v < Integer.MIN_VALUE || v > (long) Integer.MAX_VALUE + 1) return null;
        return v;
    }

    static long strtol(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) neg = s.charAt(i++) == '-';
        int base = 10;
        if (i + 1 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && i + 2 < s.length() && Character.digit(s.charAt(i + 2), 16) >= 0) {
            base = 16;
            i += 2;
        } else if (i < s.length() && s.charAt(i) == '0') {
            base = 8;
        }
        long v = 0;
        while (i < s.length()) {
            int d = Character.digit(s.charAt(i), base);
            if (d < 0) break;
            v = v * base + d;
            if (v > (1L << 40)) break; // far out of range already
            i++;
        }
        return neg ? -v : v;
    }
}
