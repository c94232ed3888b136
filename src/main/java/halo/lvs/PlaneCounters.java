package halo.lvs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A data plane's counters at one moment, by service and destination. {@link #mergeInto} puts them into a table
 * snapshot for {@code halo lvs --stats/--rate} and the connection columns.
 */
public record PlaneCounters(Map<ServiceKey, ServiceCounters> services) {
    public static final PlaneCounters NONE = new PlaneCounters(Map.of());

    public PlaneCounters {
        services = Map.copyOf(services);
    }

    public record ServiceCounters(Stats stats, Stats rates, Map<DestinationKey, DestinationCounters> destinations) {
        public ServiceCounters {
            destinations = Map.copyOf(destinations);
        }
    }

    public record DestinationCounters(Connections connections, Stats stats, Stats rates) {}

    /** SNAPSHOT with these counters in place of its own (services or destinations the plane does not know: zero). */
    public IpvsSnapshot mergeInto(IpvsSnapshot snapshot) {
        List<IpvsService> merged = new ArrayList<>();
        for (IpvsService s : snapshot.services()) {
            ServiceCounters c = services.get(s.key());
            if (c == null) {
                merged.add(s);
                continue;
            }
            List<IpvsDestination> dests = new ArrayList<>();
            for (IpvsDestination d : s.destinations()) {
                DestinationCounters dc = c.destinations().get(d.key());
                dests.add(dc == null ? d : d.withCounters(dc.connections(), dc.stats(), dc.rates()));
            }
            merged.add(s.withCounters(c.stats(), c.rates()).withDestinations(dests));
        }
        return new IpvsSnapshot(merged, snapshot.connectionTableSize());
    }
}
