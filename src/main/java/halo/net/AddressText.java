package halo.net;

import java.net.InetAddress;

/**
 * An address as text the way keepalived and tcpdump print it (inet_ntop): a dotted quad for IPv4; for IPv6 RFC 5952
 * section 4 (lower case, no leading zeros, the longest run of two or more zero fields as "::", the first such run on
 * a tie, a single zero field kept) and section 5's dotted tail for IPv4-mapped addresses ({@code ::ffff:192.0.2.1}).
 * Deprecated IPv4-compatible addresses ({@code ::c000:201}) stay in hex, as section 5 asks; glibc would print them
 * dotted. Builds a string only when called: callers format for log lines, never per packet.
 */
public final class AddressText {
    private static final int IPV4_LENGTH = 4;
    private static final int IPV6_LENGTH = 16;
    private static final int IPV6_FIELDS = 8;

    private AddressText() {}

    public static String format(InetAddress address) {
        return format(address.getAddress());
    }

    /** Formats 4 (IPv4) or 16 (IPv6) bytes in network order. */
    public static String format(byte[] address) {
        return format(address, 0, address.length);
    }

    /** Formats the {@code length} (4 or 16) bytes of {@code address} at {@code offset}. */
    public static String format(byte[] address, int offset, int length) {
        return append(new StringBuilder(length == IPV4_LENGTH ? 15 : 39), address, offset, length).toString();
    }

    /** Appends the text of the {@code length} (4 or 16) bytes of {@code address} at {@code offset} to {@code out}. */
    public static StringBuilder append(StringBuilder out, byte[] address, int offset, int length) {
        if (length == IPV4_LENGTH) {
            return appendDotted(out, address, offset);
        }
        if (length != IPV6_LENGTH) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + length);
        }
        // RFC 4291 2.5.5.2: 80 zero bits, 16 one bits, then the IPv4 address.
        boolean mapped = field(address, offset, 5) == 0xffff;
        for (int i = 0; mapped && i < 5; i++) {
            mapped = field(address, offset, i) == 0;
        }
        int hexFields = mapped ? 6 : IPV6_FIELDS;
        int bestStart = -1;
        int bestLength = 1; // a run must be longer than one field to be compressed
        for (int i = 0; i < hexFields; ) {
            if (field(address, offset, i) != 0) {
                i++;
                continue;
            }
            int end = i;
            while (end < hexFields && field(address, offset, end) == 0) {
                end++;
            }
            if (end - i > bestLength) { // strictly longer: the first run wins a tie
                bestStart = i;
                bestLength = end - i;
            }
            i = end;
        }
        for (int i = 0; i < hexFields; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLength) {
                out.append(':');
            }
            appendHex(out, field(address, offset, i));
        }
        if (mapped) {
            if (bestStart + bestLength != hexFields) {
                out.append(':');
            }
            appendDotted(out, address, offset + 12);
        }
        return out;
    }

    private static StringBuilder appendDotted(StringBuilder out, byte[] address, int offset) {
        for (int i = 0; i < IPV4_LENGTH; i++) {
            if (i > 0) {
                out.append('.');
            }
            out.append(address[offset + i] & 0xff);
        }
        return out;
    }

    private static void appendHex(StringBuilder out, int field) {
        for (int shift = 12; shift >= 0; shift -= 4) {
            int digit = field >>> shift & 0xf;
            if (digit != 0 || shift == 0 || field >>> shift != 0) {
                out.append(Character.forDigit(digit, 16));
            }
        }
    }

    private static int field(byte[] address, int offset, int index) {
        return (address[offset + 2 * index] & 0xff) << 8 | (address[offset + 2 * index + 1] & 0xff);
    }
}
