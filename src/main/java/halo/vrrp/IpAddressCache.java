package halo.vrrp;

/**
 * Maps raw source addresses (as a receive buffer holds them) to shared {@link IpAddress} values without allocating
 * for addresses seen before: a small open-addressing table. Peers on a VRRP segment are few; when the table is full
 * it is cleared. Not thread-safe: one per receive loop.
 */
public final class IpAddressCache {
    private final long[] highs;
    private final long[] lows;
    private final boolean[] v6s;
    private final IpAddress[] values;
    private int size;

    public IpAddressCache(int capacity) {
        int n = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1;
        highs = new long[n];
        lows = new long[n];
        v6s = new boolean[n];
        values = new IpAddress[n];
    }

    /** The address in {@code bytes[offset .. offset+length)}, length 4 or 16. */
    public IpAddress intern(byte[] bytes, int offset, int length) {
        long high = 0;
        long low = 0;
        boolean v6;
        if (length == 4) {
            v6 = false;
            low = ((bytes[offset] & 0xffL) << 24) | ((bytes[offset + 1] & 0xffL) << 16) | ((bytes[offset + 2] & 0xffL) << 8)
                    | (bytes[offset + 3] & 0xffL);
        } else if (length == 16) {
            v6 = true;
            for (int i = 0; i < 8; i++) {
                high = (high << 8) | (bytes[offset + i] & 0xffL);
                low = (low << 8) | (bytes[offset + 8 + i] & 0xffL);
            }
        } else {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + length);
        }
        int mask = values.length - 1;
        int h = (int) (low ^ (low >>> 29) ^ high ^ (high >>> 31)) * 0x9E3779B9;
        for (int i = (h ^ (h >>> 16)) & mask; ; i = (i + 1) & mask) {
            IpAddress v = values[i];
            if (v == null) {
                if (size * 2 >= values.length) {
                    clear();
                    return intern(bytes, offset, length);
                }
                IpAddress a = v6 ? IpAddress.ofV6(high, low) : IpAddress.ofV4((int) low);
                highs[i] = high;
                lows[i] = low;
                v6s[i] = v6;
                values[i] = a;
                size++;
                return a;
            }
            if (lows[i] == low && highs[i] == high && v6s[i] == v6) {
                return v;
            }
        }
    }

    private void clear() {
        java.util.Arrays.fill(values, null);
        size = 0;
    }
}
