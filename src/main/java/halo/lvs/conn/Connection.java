package halo.lvs.conn;

import halo.lvs.sched.Destination;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One entry of IPVS's connection table (struct ip_vs_conn): a client's connection to the virtual service bound to a
 * real server, or a persistence template (client network, port 0, bound to the server its clients stick to). Owned
 * and changed by its {@link ServiceConnections}; the data plane reads it and reports what happens to it there.
 * Addresses are kept as numbers (no allocation per connection besides this object).
 */
public final class Connection {
    /** IPPROTO_IP: the protocol of a firewall-mark service's templates. */
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    /** ip_vs_check_template marks an invalidated template with this destination port. */
    static final int INVALID_PORT = 0xffff;

    final boolean ipv6;
    final int protocol;
    long clientHigh, clientLow;
    int clientPort;
    final long virtualHigh, virtualLow;
    final int virtualPort;
    final RealServer real;
    int destinationPort;
    final boolean template;
    final boolean onePacket;

    TcpState tcpState;
    boolean inactive = true;
    /** IP_VS_CTPL_S_ASSURED: a connection it controls reached ESTABLISHED (TCP) or got a reply (UDP). */
    boolean assured;
    long timeoutNanos;
    long deadline;
    boolean ended;

    Connection control;
    int controlled;

    // the service's entry list (creation order), its timer heap and its lookup table
    Connection previous, next;
    int heapIndex = -1;
    long timerKey;
    int hash;

    Connection(boolean ipv6, int protocol, long clientHigh, long clientLow, int clientPort, long virtualHigh,
               long virtualLow, int virtualPort, RealServer real, int destinationPort, boolean template,
               boolean onePacket) {
        this.ipv6 = ipv6;
        this.protocol = protocol;
        this.clientHigh = clientHigh;
        this.clientLow = clientLow;
        this.clientPort = clientPort;
        this.virtualHigh = virtualHigh;
        this.virtualLow = virtualLow;
        this.virtualPort = virtualPort;
        this.real = real;
        this.destinationPort = destinationPort;
        this.template = template;
        this.onePacket = onePacket;
    }

    /** The real server this connection goes to (for a template: the one its clients stick to). */
    public Destination destination() {
        return real.destination;
    }

    public RealServer realServer() {
        return real;
    }

    /** The port to connect to on the real server (the virtual port when the server has none). */
    public int destinationPort() {
        return destinationPort;
    }

    public boolean ipv6() {
        return ipv6;
    }

    /** The client's address (for a template: the client network, masked by the persistence granularity). */
    public InetAddress clientAddress() {
        return address(clientHigh, clientLow, ipv6);
    }

    public int clientPort() {
        return clientPort;
    }

    /** The virtual address the client reached (for a firewall-mark template: the mark, as an address). */
    public InetAddress virtualAddress() {
        return address(virtualHigh, virtualLow, ipv6);
    }

    public int virtualPort() {
        return virtualPort;
    }

    /** A persistence template rather than a connection. */
    public boolean template() {
        return template;
    }

    /** The template controlling this connection, if the service is persistent. */
    public Connection controllingTemplate() {
        return control;
    }

    /** "TCP", "UDP", or "IP" for a firewall-mark template (ip_vs_proto_name). */
    public String protocolName() {
        return switch (protocol) {
            case IPPROTO_TCP -> "TCP";
            case IPPROTO_UDP -> "UDP";
            case IPPROTO_IP -> "IP";
            default -> "IP_" + protocol;
        };
    }

    /** ip_vs_state_name: the TCP state, "UDP", or for a template NONE or ASSURED. */
    public String stateName() {
        if (template) {
            return assured ? "ASSURED" : "NONE";
        }
        return protocol == IPPROTO_TCP ? tcpState.kernelName() : "UDP";
    }

    /** The TCP state, or null for UDP connections and templates. */
    public TcpState tcpState() {
        return template ? null : tcpState;
    }

    /** Counted in the real server's activeconns (not IP_VS_CONN_F_INACTIVE). */
    public boolean active() {
        return !template && !inactive;
    }

    /** No longer in the table (expired or dropped). */
    public boolean ended() {
        return ended;
    }

    /** When this entry expires, on the service's clock, unless traffic renews it. */
    public long deadline() {
        return deadline;
    }

    /** Writes the client's address (4 or 16 bytes) into OUT. */
    public void clientAddress(byte[] out) {
        write(clientHigh, clientLow, ipv6, out);
    }

    static InetAddress address(long high, long low, boolean ipv6) {
        byte[] bytes = new byte[ipv6 ? 16 : 4];
        write(high, low, ipv6, bytes);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static void write(long high, long low, boolean ipv6, byte[] out) {
        if (ipv6) {
            for (int i = 0; i < 8; i++) {
                out[i] = (byte) (high >>> (56 - 8 * i));
                out[8 + i] = (byte) (low >>> (56 - 8 * i));
            }
        } else {
            for (int i = 0; i < 4; i++) {
                out[i] = (byte) (low >>> (24 - 8 * i));
            }
        }
    }

    /** The high 64 bits of an IPv6 address; 0 for IPv4. */
    static long high(byte[] a) {
        return a.length == 16 ? longAt(a, 0) : 0;
    }

    /** The low 64 bits of an IPv6 address, or the IPv4 address as an unsigned number. */
    static long low(byte[] a) {
        if (a.length == 16) {
            return longAt(a, 8);
        }
        return ((a[0] & 0xffL) << 24) | ((a[1] & 0xffL) << 16) | ((a[2] & 0xffL) << 8) | (a[3] & 0xffL);
    }

    private static long longAt(byte[] a, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (a[offset + i] & 0xffL);
        }
        return v;
    }

    @Override
    public String toString() {
        return protocolName() + " " + stateName() + " " + clientAddress().getHostAddress() + ":" + clientPort + " -> "
                + destination().address().getHostAddress() + ":" + destinationPort;
    }
}
