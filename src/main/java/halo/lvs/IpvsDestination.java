package halo.lvs;

import halo.lvs.ForwardingMethod;
import halo.config.Tunnel;
import java.util.Objects;

/**
 * One destination (real server) of an IPVS service, as {@code ipvsadm -L} shows it.
 *
 * @param tunnel         tunnel encapsulation when forwarding is TUN ({@code null} means ipip), else {@code null}
 * @param upperThreshold connection limit (0 = none); lowerThreshold likewise
 * @param connections    filled in by data planes
 * @param stats          totals, filled in by data planes
 * @param rates          per-second rates, filled in by data planes
 */
public record IpvsDestination(DestinationKey key, ForwardingMethod forwarding, Tunnel tunnel, int weight,
                              int upperThreshold, int lowerThreshold, Connections connections, Stats stats,
                              Stats rates) {
    public IpvsDestination {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(forwarding, "forwarding");
        if (weight < 0 || weight > 65535) {
            throw new IllegalArgumentException("weight out of range 0..65535: " + weight);
        }
        connections = connections == null ? Connections.NONE : connections;
        stats = stats == null ? Stats.ZERO : stats;
        rates = rates == null ? Stats.ZERO : rates;
    }

    /** A destination with no traffic yet. */
    public static IpvsDestination of(DestinationKey key, ForwardingMethod forwarding, int weight) {
        return new IpvsDestination(key, forwarding, null, weight, 0, 0, null, null, null);
    }

    public IpvsDestination withWeight(int newWeight) {
        return new IpvsDestination(key, forwarding, tunnel, newWeight, upperThreshold, lowerThreshold, connections,
                stats, rates);
    }

    /** The same destination settings (what -e would change) with this one's counters kept. */
    public IpvsDestination withSettingsOf(IpvsDestination other) {
        return new IpvsDestination(key, other.forwarding, other.tunnel, other.weight, other.upperThreshold,
                other.lowerThreshold, connections, stats, rates);
    }

    public IpvsDestination withCounters(Connections newConnections, Stats newStats, Stats newRates) {
        return new IpvsDestination(key, forwarding, tunnel, weight, upperThreshold, lowerThreshold, newConnections,
                newStats, newRates);
    }
}
