package halo.vrrp;

import halo.net.AddressText;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address as an immutable value, ordered as RFC 5798 compares primary addresses (unsigned, network byte
 * order), which is also keepalived's {@code inet_inaddrcmp}. Create one per peer and reuse it: the state machine keeps
 * the reference, so receiving an advert never allocates.
 */
public final class IpAddress implements Comparable<IpAddress> {
    private final boolean v6;
    private final long high; // v6: first 8 bytes; v4: 0
    private final long low;  // v6: last 8 bytes; v4: the 32-bit address, unsigned

    private IpAddress(boolean v6, long high, long low) {
        this.v6 = v6;
        this.high = high;
        this.low = low;
    }

    public static IpAddress ofV4(int address) {
        return new IpAddress(false, 0, address & 0xffff_ffffL);
    }

    public static IpAddress ofV6(long high, long low) {
        return new IpAddress(true, high, low);
    }

    /** From 4 or 16 bytes in network order. */
    public static IpAddress of(byte[] bytes) {
        if (bytes.length == 4) {
            return ofV4(((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff));
        }
        if (bytes.length == 16) {
            long h = 0;
            long l = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (bytes[i] & 0xff);
                l = (l << 8) | (bytes[8 + i] & 0xff);
            }
            return ofV6(h, l);
        }
        throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
    }

    public static IpAddress of(InetAddress address) {
        return of(address.getAddress());
    }

    /** Parses a literal address (no name lookup). */
    public static IpAddress parse(String literal) {
        if (literal.isEmpty() || !(literal.indexOf(':') >= 0 || Character.digit(literal.charAt(0), 16) >= 0)) {
            throw new IllegalArgumentException("not an IP address: " + literal);
        }
        try {
            // A literal containing only digits, dots and colons is never looked up.
            for (int i = 0; i < literal.length(); i++) {
                char c = literal.charAt(i);
                if (!(c == '.' || c == ':' || Character.digit(c, 16) >= 0)) {
                    throw new IllegalArgumentException("not an IP address: " + literal);
                }
            }
            return of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + literal, e);
        }
    }

    public boolean isV6() {
        return v6;
    }

    /** Whether {@code buf[offset..]} holds this address (4 bytes for IPv4, 16 for IPv6), without allocating. */
    public boolean matches(byte[] buf, int offset) {
        if (!v6) {
            long a = ((buf[offset] & 0xffL) << 24) | ((buf[offset + 1] & 0xffL) << 16) | ((buf[offset + 2] & 0xffL) << 8)
                    | (buf[offset + 3] & 0xffL);
            return a == low;
        }
        long h = 0;
        long l = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (buf[offset + i] & 0xffL);
            l = (l << 8) | (buf[offset + 8 + i] & 0xffL);
        }
        return h == high && l == low;
    }

    public byte[] toBytes() {
        if (!v6) {
            int a = (int) low;
            return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (high >>> (56 - 8 * i));
            b[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return b;
    }

    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** IPv4 sorts before IPv6; within a family, unsigned numeric order. */
    @Override
    public int compareTo(IpAddress o) {
        if (v6 != o.v6) {
            return v6 ? 1 : -1;
        }
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress a && a.v6 == v6 && a.high == high && a.low == low;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high) * 31 + Long.hashCode(low) + (v6 ? 7 : 0);
    }

    /** Dotted quad, or RFC 5952 text for IPv6 (as inet_ntop prints it). */
    @Override
    public String toString() {
        return AddressText.format(toBytes());
    }
}
