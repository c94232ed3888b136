package halo.lvs.ipvs;

import halo.net.AddressText;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code ipvsadm -L -c -n} from the kernel's /proc/net/ip_vs_conn, as ipvsadm 1.31's list_conn and print_conn read
 * and print it. The kernel writes one line per entry after a header (ip_vs_conn_seq_show):
 * {@code "%-3s %08X %04X %08X %04X %08X %04X %-11s %7lu%s"} (IPv4 addresses as one hex number, IPv6 ones as %pI6),
 * protocol, client, virtual and destination address and port, state, seconds left and the persistence engine's name
 * and data when there are any. Addresses and ports are printed as numbers.
 */
public final class ProcConnections {
    private ProcConnections() {}

    /** The listing of PROC (the file's text); PERSISTENT_CONN is {@code --persistent-conn}. */
    public static String render(String proc, boolean persistentConn) {
        StringBuilder out = new StringBuilder(256);
        out.append("IPVS connection entries\n");
        if (persistentConn) {
            out.append(String.format("pro expire %-11s %-18s %-18s %-18s %-16s %s\n", "state", "source", "virtual",
                    "destination", "pe name", "pe_data"));
        } else {
            out.append(String.format("pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual",
                    "destination"));
        }
        for (String line : proc.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 9 || f[0].equals("Pro")) continue;
            try {
                long expires = Long.parseLong(f[8]);
                String row = String.format("%-3s %-6s %-11s %-18s %-18s %s", f[0],
                        String.format("%02d:%02d", expires / 60, expires % 60), f[7], endpoint(f[1], f[2]),
                        endpoint(f[3], f[4]), endpoint(f[5], f[6]));
                if (persistentConn && f.length >= 10) {
                    row = String.format("%-3s %-6s %-11s %-18s %-18s %-18s %-16s %s", f[0],
                            String.format("%02d:%02d", expires / 60, expires % 60), f[7], endpoint(f[1], f[2]),
                            endpoint(f[3], f[4]), endpoint(f[5], f[6]), f[9], f.length > 10 ? f[10] : "");
                }
                out.append(row).append('\n');
            } catch (IllegalArgumentException e) {
                // a line the kernel did not write this way: ipvsadm's sscanf skips it too
            }
        }
        return out.toString();
    }

    /** ADDRESS as the kernel printed it (8 hex digits, or %pI6) with PORT in 4 hex digits, as {@code addr:port}. */
    static String endpoint(String address, String port) {
        int p = Integer.parseInt(port, 16);
        InetAddress a = address.indexOf(':') >= 0 ? InetAddress.ofLiteral(address) : ipv4(address);
        String text = AddressText.format(a);
        return (a instanceof Inet6Address ? "[" + text + "]" : text) + ":" + p;
    }

    private static InetAddress ipv4(String hex) {
        long v = Long.parseLong(hex, 16);
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8),
                (byte) v});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

}
