package halo.observe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code ADDRESS:PORT} as metrics_listen and --metrics-listen take it: {@code 127.0.0.1:9650}, {@code [::1]:9650},
 * {@code 0.0.0.0:9650} for every address; port 0 lets the kernel choose (the daemon logs the port it got).
 */
public final class ListenAddress {

    private ListenAddress() {}

    /** The socket address TEXT names; IllegalArgumentException saying what is wrong. No name lookups: numeric only. */
    public static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("expected ADDRESS:PORT, got '" + text + "'");
        String host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an IPv6 address goes in brackets: [" + host + "]:" + portText);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port '" + portText + "' in '" + text + "'");
        }
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range 0-65535 in '" + text + "'");
        if (!numeric(host)) throw new IllegalArgumentException("'" + host + "' is not a numeric IP address");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address");
        }
    }

    /** Digits and dots, or hex digits and colons (with an IPv4 tail): what InetAddress parses without a lookup. */
    private static boolean numeric(String host) {
        if (host.isEmpty()) return false;
        boolean colons = host.indexOf(':') >= 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.'
                    || (colons && (c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
            if (!ok) return false;
        }
        return colons || host.chars().filter(c -> c == '.').count() == 3;
    }
}
