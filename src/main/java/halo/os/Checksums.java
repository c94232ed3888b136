package halo.os;

/** The Internet checksum (RFC 1071) and its IPv6 pseudo-header form (RFC 8200 8.1). */
public final class Checksums {
    private Checksums() {}

    /** The folded ones'-complement sum of BUF[OFF, OFF+LEN) added to SUM (not yet complemented). */
    static long add(long sum, byte[] buf, int off, int len) {
        int i = 0;
        for (; i + 1 < len; i += 2) {
            sum += ((buf[off + i] & 0xff) << 8) | (buf[off + i + 1] & 0xff);
        }
        if (i < len) {
            sum += (buf[off + i] & 0xff) << 8;
        }
        return sum;
    }

    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /**
     * The folded sum over the IPv6 pseudo-header (source, destination, upper-layer length, next header) and the
     * upper-layer packet. A packet whose checksum field is right sums to 0xffff.
     */
    public static int ipv6PseudoHeaderSum(byte[] source, byte[] destination, int nextHeader, byte[] buf, int off, int len) {
        long sum = add(0, source, 0, 16);
        sum = add(sum, destination, 0, 16);
        sum += (len >>> 16) + (len & 0xffff);
        sum += nextHeader;
        sum = add(sum, buf, off, len);
        return fold(sum);
    }

    /** The checksum to write into an IPv6 upper-layer header whose checksum field is zero. */
    public static int ipv6Checksum(byte[] source, byte[] destination, int nextHeader, byte[] buf, int off, int len) {
        return ~ipv6PseudoHeaderSum(source, destination, nextHeader, buf, off, len) & 0xffff;
    }
}
