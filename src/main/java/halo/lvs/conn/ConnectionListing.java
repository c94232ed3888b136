package halo.lvs.conn;

import halo.net.AddressText;

/**
 * {@code ipvsadm -L -c [-n] [--persistent-conn]} as ipvsadm 1.31 prints it (list_conn and print_conn, which read
 * /proc/net/ip_vs_conn): the title, the column header, then one line per entry,
 * {@code "%-3s %-6s %-11s %-18s %-18s %s\n"} of protocol, expiry as {@code "%02d:%02d"} minutes and seconds (whole
 * seconds left, rounded down, never negative), state, and client, virtual and destination {@code addr:port} (IPv6 in
 * brackets; glibc's inet_ntop text). Templates show as the kernel lists them: client network and port 0, protocol IP
 * for a firewall-mark service with the mark as the virtual address, state NONE or ASSURED, and destination port
 * 65535 once invalidated. Without {@code -n} ipvsadm names IPv4 hosts (gethostbyaddr; it asks for IPv6 ones with an
 * IPv4 length, so they stay numeric) and TCP/UDP ports (getservbyport); {@link Names} supplies those.
 */
public final class ConnectionListing {
    /** Name lookups for listings without {@code -n}; null answers leave the number. */
    public interface Names {
        /** The host name of an IPv4 address (4 bytes), or null. */
        String host(byte[] ipv4);

        /** The service name of PORT for "tcp" or "udp", or null. */
        String service(int port, String protocol);
    }

    private ConnectionListing() {}

    /** The whole listing. NAMES null = {@code -n}; PERSISTENT_CONN = {@code --persistent-conn}. */
    public static String render(Iterable<Connection> entries, long now, Names names, boolean persistentConn) {
        StringBuilder out = new StringBuilder(256);
        out.append(header(persistentConn));
        for (Connection c : entries) {
            appendRow(out, c, now, names);
        }
        return out.toString();
    }

    /** The title and the column header. */
    public static String header(boolean persistentConn) {
        return "IPVS connection entries\n" + (persistentConn
                ? String.format("pro expire %-11s %-18s %-18s %-18s %-16s %s\n", "state", "source", "virtual",
                        "destination", "pe name", "pe_data")
                : String.format("pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual", "destination"));
    }

    /**
     * One line from plain values, numeric (as with {@code -n}): a connection another plane holds (the nftables
     * plane's, from conntrack), SECONDS_LEFT before it expires.
     */
    public static StringBuilder appendRow(StringBuilder out, String protocol, long secondsLeft, String state,
                                          java.net.InetAddress client, int clientPort, java.net.InetAddress virtual,
                                          int virtualPort, java.net.InetAddress destination, int destinationPort) {
        long left = Math.max(0, secondsLeft);
        out.append(String.format("%-3s %-6s %-11s %-18s %-18s %s\n", protocol,
                String.format("%02d:%02d", left / 60, left % 60), state,
                addressPort(client.getAddress(), clientPort, protocol, null),
                addressPort(virtual.getAddress(), virtualPort, protocol, null),
                addressPort(destination.getAddress(), destinationPort, protocol, null)));
        return out;
    }

    /** One entry's line. Entries carry no persistence-engine data, so --persistent-conn lines are the same. */
    public static StringBuilder appendRow(StringBuilder out, Connection c, long now, Names names) {
        long left = Math.max(0, c.deadline() - now) / 1_000_000_000L;
        String expire = String.format("%02d:%02d", left / 60, left % 60);
        byte[] client = new byte[c.ipv6 ? 16 : 4];
        byte[] virtual = new byte[client.length];
        Connection.write(c.clientHigh, c.clientLow, c.ipv6, client);
        Connection.write(c.virtualHigh, c.virtualLow, c.ipv6, virtual);
        byte[] destination = c.destination().address().getAddress();
        String protocol = c.protocolName();
        out.append(String.format("%-3s %-6s %-11s %-18s %-18s %s\n", protocol, expire, c.stateName(),
                addressPort(client, c.clientPort, protocol, names),
                addressPort(virtual, c.virtualPort, protocol, names),
                addressPort(destination, c.destinationPort, protocol, names)));
        return out;
    }

    /** addrport_to_anyname: {@code "%s%s%s:%u"} (or {@code :%s} with a service name) into a 60-byte buffer. */
    static String addressPort(byte[] address, int port, String protocol, Names names) {
        boolean v6 = address.length == 16;
        String host = null;
        String service = null;
        if (names != null) {
            if (!v6) {
                host = names.host(address);
            }
            if (protocol.equals("TCP") || protocol.equals("UDP")) {
                service = names.service(port, protocol.toLowerCase());
            }
        }
        if (host == null) {
            host = ntop(address);
        }
        String text = (v6 ? "[" : "") + host + (v6 ? "]" : "") + ":" + (service != null ? service : port);
        return text.length() > 59 ? text.substring(0, 59) : text;
    }

    /** glibc's inet_ntop: as {@link AddressText}, but IPv4-compatible addresses ({@code ::192.0.2.1}) dotted. */
    static String ntop(byte[] a) {
        if (a.length == 16) {
            boolean compatible = (a[12] | a[13]) != 0;
            for (int i = 0; compatible && i < 12; i++) {
                compatible = a[i] == 0;
            }
            if (compatible) {
                return "::" + (a[12] & 0xff) + "." + (a[13] & 0xff) + "." + (a[14] & 0xff) + "." + (a[15] & 0xff);
            }
        }
        return AddressText.format(a);
    }
}
