package halo.config;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Address literals as keepalived reads them (inet_pton: no host names, no DNS) and writes them (RFC 5952 for IPv6). */
public final class Addresses {
    private Addresses() {}

    /** Parses an IPv4 dotted quad or an IPv6 literal; {@code null} when the text is not one (never resolves names). */
    public static InetAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            if (text.indexOf(':') >= 0) {
                String t = text;
                int pct = t.indexOf('%');
                if (pct >= 0) {
                    return null; // scoped literals are not keepalived addresses
                }
                if (!t.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                    return null;
                }
                InetAddress a = InetAddress.ofLiteral(t);
                return a;
            }
            byte[] b = new byte[4];
            int part = 0;
            int value = -1;
            int digits = 0;
            for (int i = 0; i <= text.length(); i++) {
                char c = i < text.length() ? text.charAt(i) : '.';
                if (c >= '0' && c <= '9') {
                    value = (value < 0 ? 0 : value * 10) + (c - '0');
                    if (++digits > 3 || value > 255) {
                        return null;
                    }
                } else if (c == '.') {
                    if (value < 0 || part == 4) {
                        return null;
                    }
                    b[part++] = (byte) value;
                    value = -1;
                    digits = 0;
                } else {
                    return null;
                }
            }
            return part == 4 ? InetAddress.getByAddress(b) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Parses {@code ADDR[/LEN]}; {@code null} when invalid (bad address or prefix out of range). */
    public static IpPrefix parsePrefix(String text) {
        int slash = text.indexOf('/');
        InetAddress a = parse(slash < 0 ? text : text.substring(0, slash));
        if (a == null) {
            return null;
        }
        if (slash < 0) {
            return IpPrefix.host(a);
        }
        String len = text.substring(slash + 1);
        if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int n = Integer.parseInt(len);
        int max = a instanceof Inet6Address ? 128 : 32;
        return n > max ? null : new IpPrefix(a, n);
    }

    /** Dotted quad, or RFC 5952 text for IPv6 (lower case, longest zero run compressed). */
    public static String format(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(w[i]));
        }
        return s.toString();
    }
}
