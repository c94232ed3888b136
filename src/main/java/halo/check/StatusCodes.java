package halo.check;

import java.util.BitSet;

/** An HTTP_GET url's status_code set: codes and ranges between 100 and 599, default 200-299. */
public final class StatusCodes {
    public static final int MIN = 100;
    public static final int MAX = 599;
    public static final StatusCodes DEFAULT = range(200, 299);

    private final BitSet codes;

    private StatusCodes(BitSet codes) {
        this.codes = codes;
    }

    public static StatusCodes range(int min, int max) {
        BitSet b = new BitSet();
        b.set(min - MIN, max - MIN + 1);
        return new StatusCodes(b);
    }

    /**
     * Parses keepalived's "status_code 200 301-302 503" arguments. Invalid items are skipped, as keepalived does
     * ("Invalid HTTP_GET status code '%s'"); none valid gives the default 200-299.
     */
    public static StatusCodes parse(Iterable<String> items) {
        BitSet b = new BitSet();
        for (String item : items) {
            try {
                int dash = item.indexOf('-');
                int min = Integer.parseInt(dash < 0 ? item : item.substring(0, dash));
                int max = dash < 0 ? min : Integer.parseInt(item.substring(dash + 1));
                if (min < MIN || max > MAX || min > max) continue;
                b.set(min - MIN, max - MIN + 1);
            } catch (NumberFormatException e) {
                // skipped like keepalived
            }
        }
        return b.isEmpty() ? DEFAULT : new StatusCodes(b);
    }

    public boolean contains(int code) {
        return code >= MIN && code <= MAX && codes.get(code - MIN);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatusCodes s && s.codes.equals(codes);
    }

    @Override
    public int hashCode() {
        return codes.hashCode();
    }

    /** keepalived's dump form: "200-299 404". */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = codes.nextSetBit(0); i >= 0; ) {
            int end = codes.nextClearBit(i) - 1;
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(i + MIN);
            if (end > i) sb.append('-').append(end + MIN);
            i = codes.nextSetBit(end + 1);
        }
        return sb.toString();
    }
}
