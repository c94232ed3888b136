package halo.lvs.nft;

import halo.lvs.Connections;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.Protocol;
import halo.lvs.ServiceKey;
import halo.lvs.conn.ConnectionListing;
import halo.os.Conntrack;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The NAT services' connections as conntrack holds them, in IPVS's terms: an entry belongs to a real server when its
 * reply tuple comes from the real server's address and port (dnat put it there) and its original tuple went to the
 * service's VIP, port and protocol (a firewall-mark service: any of its protocols). Established TCP is active, every
 * other state and UDP inactive, as {@code ipvsadm -L -n} counts them. Pure: the entries come from a dump.
 */
final class NatConnections {
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;
    private static final int IPPROTO_SCTP = 132;

    /** A NAT destination with its service, found by the real server's address and port. */
    private record Target(NftRuleset.PlacedService service, NftRuleset.PlacedDestination destination) {}

    private record Server(InetAddress address, int port) {}

    private final Map<Server, List<Target>> byServer = new HashMap<>();

    /** The NAT services among SERVICES (the others are not indexed). */
    NatConnections(Collection<NftRuleset.PlacedService> services) {
        for (NftRuleset.PlacedService p : services) {
            if (NftRuleset.forwarding(p.service()) != ForwardingMethod.NAT) continue;
            for (NftRuleset.PlacedDestination d : p.destinations()) {
                DestinationKey k = d.destination().key();
                byServer.computeIfAbsent(new Server(k.address(), k.port()), x -> new ArrayList<>())
                        .add(new Target(p, d));
            }
        }
    }

    /** Whether there is a NAT destination at all (else no dump is needed). */
    boolean isEmpty() {
        return byServer.isEmpty();
    }

    /** Active and inactive counts per service and destination (absent: none). */
    Map<ServiceKey, Map<DestinationKey, Connections>> count(List<Conntrack.Entry> entries) {
        Map<ServiceKey, Map<DestinationKey, long[]>> counts = new HashMap<>();
        for (Conntrack.Entry e : entries) {
            Target t = target(e);
            if (t == null) continue;
            long[] c = counts.computeIfAbsent(t.service().service().key(), x -> new HashMap<>())
                    .computeIfAbsent(t.destination().destination().key(), x -> new long[2]);
            c[e.active() ? 0 : 1]++;
        }
        Map<ServiceKey, Map<DestinationKey, Connections>> out = new HashMap<>();
        counts.forEach((s, ds) -> {
            Map<DestinationKey, Connections> m = new HashMap<>();
            ds.forEach((d, c) -> m.put(d, new Connections(c[0], c[1], 0)));
            out.put(s, m);
        });
        return out;
    }

    /**
     * {@code ipvsadm -L -c -n}'s rows for the NAT connections, in the dump's order: protocol, seconds left, state (TCP's
     * as conntrack names it, UDP for UDP as IPVS does), client, virtual address and real server.
     */
    void appendRows(StringBuilder out, List<Conntrack.Entry> entries) {
        for (Conntrack.Entry e : entries) {
            Target t = target(e);
            if (t == null) continue;
            String protocol = switch (e.protocol()) {
                case IPPROTO_TCP -> "TCP";
                case IPPROTO_UDP -> "UDP";
                case IPPROTO_SCTP -> "SCTP";
                default -> "IP";
            };
            String state = e.protocol() == IPPROTO_TCP ? e.tcpStateName() : protocol;
            ConnectionListing.appendRow(out, protocol, e.timeoutSeconds(), state,
                    e.original().source(), e.original().sourcePort(),
                    e.original().destination(), e.original().destinationPort(),
                    e.reply().source(), e.reply().sourcePort());
        }
    }

    /** The NAT destination ENTRY belongs to, or null. */
    private Target target(Conntrack.Entry e) {
        Conntrack.Tuple o = e.original();
        Conntrack.Tuple r = e.reply();
        // not dnat'ed: the director's own connections (a checker's to a real server, one to the VIP itself)
        if (o.destination().equals(r.source()) && o.destinationPort() == r.sourcePort()) return null;
        Target t = match(e, byServer.get(new Server(r.source(), r.sourcePort())));
        return t != null ? t : match(e, byServer.get(new Server(r.source(), 0)));
    }

    private static Target match(Conntrack.Entry e, List<Target> candidates) {
        if (candidates == null) return null;
        for (Target t : candidates) {
            switch (t.service().service().key()) {
                case ServiceKey.Inet i -> {
                    if (protocol(i.protocol()) == e.protocol() && i.address().equals(e.original().destination())
                            && (i.port() == 0 || i.port() == e.original().destinationPort())) {
                        return t;
                    }
                }
                case ServiceKey.Fwmark f -> {
                    if ((e.protocol() == IPPROTO_TCP || e.protocol() == IPPROTO_UDP || e.protocol() == IPPROTO_SCTP)
                            && f.ipv6() == (e.original().destination() instanceof java.net.Inet6Address)) {
                        return t;
                    }
                }
            }
        }
        return null;
    }

    private static int protocol(Protocol p) {
        return switch (p) {
            case TCP -> IPPROTO_TCP;
            case UDP -> IPPROTO_UDP;
            case SCTP -> IPPROTO_SCTP;
        };
    }
}
