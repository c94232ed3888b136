package halo.config;

import halo.net.AddressText;
import java.net.Inet6Address;
import java.net.InetAddress;

/** Address literals as keepalived reads them (inet_pton: no host names, no DNS) and writes them (through {@link AddressText}). */
public final class Addresses {
    private Addresses() {}

    /**
     * An address where keepalived 2.2.7 reads one with inet_stosockaddr (virtual and real servers, sorry_server,
     * connect_ip, bindto, VRRP source, destination and peers, multicast groups, BFD): the text up to a first
     * {@code -}, or else a first {@code /}, is the address ("10.0.0.2-300" and "10.0.0.3/24/24" are 10.0.0.2 and
     * 10.0.0.3); what follows is dropped without a word, as keepalived drops it.
     */
    public static InetAddress parseCut(String text) {
        if (text == null) {
            return null;
        }
        int cut = text.indexOf('-');
        if (cut < 0) {
            cut = text.indexOf('/');
        }
        return parse(cut < 0 ? text : text.substring(0, cut));
    }

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
}
