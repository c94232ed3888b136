package halo.lvs.conn;

import halo.lvs.Protocol;
import halo.lvs.ServiceKey;
import halo.lvs.sched.Flow;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;

/** Addresses, flows and services for the connection tests (documentation ranges only). */
final class Net {
    static final InetAddress VIP = ip("192.0.2.100");
    static final InetAddress A = ip("198.51.100.11");
    static final InetAddress B = ip("198.51.100.12");
    static final long SECOND = 1_000_000_000L;

    private Net() {}

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static ServiceConnections tcpService(String scheduler, int persistence, int netmask, Settings settings) {
        return new ServiceConnections(new ServiceKey.Inet(VIP, 80, Protocol.TCP), scheduler, 0, persistence,
                netmask, settings, new Random(1), 0);
    }

    static Flow flow(String client, int clientPort) {
        return new Flow().set(ip(client).getAddress(), clientPort, VIP.getAddress(), 80);
    }

    /** "A" or "B" for the test's two real servers. */
    static String name(Connection c) {
        if (c == null) return "-";
        InetAddress a = c.destination().address();
        return a.equals(A) ? "A" : a.equals(B) ? "B" : a.getHostAddress();
    }
}
