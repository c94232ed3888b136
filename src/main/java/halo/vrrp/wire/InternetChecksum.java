package halo.vrrp.wire;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum of RFC 1071: the 16-bit one's complement of the one's complement sum of 16-bit words.
 * Sums are kept in a {@code long} accumulator and folded at the end, so callers can add several pieces
 * (pseudo-header, message) without allocation.
 */
public final class InternetChecksum {
    private InternetChecksum() {}

    private static final ValueLayout.OfShort BIG_ENDIAN_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BIG_ENDIAN_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BIG_ENDIAN_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final VarHandle ARRAY_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    // Wider words: RFC 1071 2(B), "the sum may be computed in any convenient word size": a 32-bit word w counts as
    // its two 16-bit halves (w = hi * 2^16 + lo, and 2^16 is 1 modulo 0xffff), which fold() adds back together.

    /** Adds {@code length} bytes of {@code segment} from {@code offset} as big-endian 16-bit words (an odd last byte is padded with zero). */
    public static long add(long sum, MemorySegment segment, long offset, int length) {
        int i = 0;
        for (; i + 7 < length; i += 8) {
            long w = segment.get(BIG_ENDIAN_LONG, offset + i);
            sum += (w >>> 32) + (w & 0xffffffffL);
        }
        if (i + 3 < length) {
            sum += segment.get(BIG_ENDIAN_INT, offset + i) & 0xffffffffL;
            i += 4;
        }
        if (i + 1 < length) {
            sum += segment.get(BIG_ENDIAN_SHORT, offset + i) & 0xffff;
            i += 2;
        }
        if (i < length) {
            sum += (segment.get(ValueLayout.JAVA_BYTE, offset + i) & 0xff) << 8;
        }
        return sum;
    }

    /** Adds {@code length} bytes of {@code bytes} from {@code offset} as big-endian 16-bit words. */
    public static long add(long sum, byte[] bytes, int offset, int length) {
        int i = 0;
        for (; i + 3 < length; i += 4) {
            sum += (int) ARRAY_INT.get(bytes, offset + i) & 0xffffffffL;
        }
        for (; i + 1 < length; i += 2) {
            sum += ((bytes[offset + i] & 0xff) << 8) | (bytes[offset + i + 1] & 0xff);
        }
        if (i < length) {
            sum += (bytes[offset + i] & 0xff) << 8;
        }
        return sum;
    }

    /** Adds one 16-bit word. */
    public static long addWord(long sum, int word) {
        return sum + (word & 0xffff);
    }

    /** Folds the carries back in and returns the one's complement sum (0..0xffff), not yet complemented. */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum to put in a header: the complement of the folded sum. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xffff;
    }
}
