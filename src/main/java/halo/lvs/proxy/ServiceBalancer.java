package halo.lvs.proxy;

import halo.lvs.DestinationKey;
import halo.lvs.PlaneCounters;
import halo.lvs.Protocol;
import halo.lvs.ServiceKey;
import halo.lvs.conn.Connection;
import halo.lvs.conn.RealServer;
import halo.lvs.conn.Segment;
import halo.lvs.conn.ServiceConnections;
import halo.lvs.sched.Flow;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One virtual service's {@link Balancer}: the proxy's connections scheduled, kept and counted by the service's
 * {@link ServiceConnections} as IPVS would (persistence templates, active and inactive counts, thresholds, counters).
 * Only the service's event loop calls it.
 * <p>
 * What the proxy sees maps to the segments IPVS would see: a connection is opened at accept (the client's SYN), is
 * established when the real server accepts, a first FIN is the client's, and a close is the second FIN, or a reset
 * when no FIN came. A closed connection leaves the table at once: IPVS keeps a closed connection in TIME_WAIT for
 * late segments, a proxy holds nothing for it (its own sockets' TIME_WAIT is the kernel's), so InActConn counts the
 * connections still half open.
 */
final class ServiceBalancer implements Balancer {
    private final ServiceConnections table;
    private final LongSupplier nanoClock;
    private final Flow flow = new Flow();

    /** The proxy's handle for one connection: the table's entry and where it goes. */
    private static final class Proxied implements Picked {
        final Connection entry;
        final InetSocketAddress destination;
        boolean finSeen;

        Proxied(Connection entry, InetSocketAddress destination) {
            this.entry = entry;
            this.destination = destination;
        }

        @Override
        public InetSocketAddress destination() {
            return destination;
        }
    }

    ServiceBalancer(ServiceConnections table, LongSupplier nanoClock) {
        this.table = table;
        this.nanoClock = nanoClock;
    }

    ServiceConnections table() {
        return table;
    }

    @Override
    public Picked open(InetSocketAddress client, InetSocketAddress service, Protocol protocol) {
        flow.set(client.getAddress().getAddress(), client.getPort(), service.getAddress().getAddress(),
                service.getPort());
        Connection c = table.open(flow, protocol, nanoClock.getAsLong());
        if (c == null) return null;
        return new Proxied(c, new InetSocketAddress(c.destination().address(), c.destinationPort()));
    }

    @Override
    public void established(Picked picked) {
        table.established(((Proxied) picked).entry, nanoClock.getAsLong());
    }

    @Override
    public void halfClosed(Picked picked) {
        Proxied p = (Proxied) picked;
        p.finSeen = true;
        table.received(p.entry, Segment.FIN, 0, 0, nanoClock.getAsLong());
    }

    @Override
    public void closed(Picked picked) {
        Proxied p = (Proxied) picked;
        long now = nanoClock.getAsLong();
        if (!p.entry.ended()) {
            table.sent(p.entry, p.finSeen ? Segment.FIN : Segment.RST, 0, 0, now);
        }
        table.close(p.entry, now);
    }

    @Override
    public void traffic(Picked picked, long inPackets, long outPackets, long inBytes, long outBytes) {
        Proxied p = (Proxied) picked;
        long now = nanoClock.getAsLong();
        if (inPackets > 0 || inBytes > 0) table.received(p.entry, Segment.ACK, inPackets, inBytes, now);
        if (outPackets > 0 || outBytes > 0) table.sent(p.entry, Segment.ACK, outPackets, outBytes, now);
    }

    /** Every second: entries that timed out leave, rates are sampled. */
    void tick() {
        table.expire(nanoClock.getAsLong());
    }

    PlaneCounters.ServiceCounters counters() {
        Map<DestinationKey, PlaneCounters.DestinationCounters> destinations = new LinkedHashMap<>();
        for (RealServer r : table.realServers()) {
            destinations.put(new DestinationKey(r.destination().address(), r.destination().port()),
                    new PlaneCounters.DestinationCounters(r.connections(), r.counters().totals(), r.counters().rates()));
        }
        return new PlaneCounters.ServiceCounters(table.counters().totals(), table.counters().rates(), destinations);
    }

    /** A service or destination in log lines: {@code TCP 192.0.2.10:80}, {@code [2001:db8::1]:80}. */
    static String name(ServiceKey key) {
        return switch (key) {
            case ServiceKey.Inet i -> i.protocol() + " " + name(i.address(), i.port());
            case ServiceKey.Fwmark f -> "FWM " + Integer.toUnsignedString(f.mark());
        };
    }

    static String name(DestinationKey key) {
        return name(key.address(), key.port());
    }

    private static String name(InetAddress address, int port) {
        return Endpoints.text(new InetSocketAddress(address, port));
    }
}
