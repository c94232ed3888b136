package halo.lvs;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One virtual service and its destinations, as {@code ipvsadm -L} shows it and as data planes install it.
 *
 * @param flags        one-packet scheduling and the scheduler flags (persistence is its own value)
 * @param peName       persistence engine name, or "" for none
 * @param group        the virtual_server_group this service was made from, or "" when it stands alone: a data
 *                     plane may install a group as one set rather than one service per member
 * @param stats        totals, filled in from the data plane's counters
 * @param rates        per-second rates, likewise
 * @param destinations in the order they were added (views sort them)
 */
public record IpvsService(ServiceKey key, SchedulingMethod scheduler, Set<ServiceFlag> flags, Persistence persistence,
                          String peName, String group, Stats stats, Stats rates, List<IpvsDestination> destinations) {
    public IpvsService {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scheduler, "scheduler");
        flags = Set.copyOf(flags);
        persistence = persistence == null ? Persistence.none(key.ipv6()) : persistence;
        peName = peName == null ? "" : peName;
        group = group == null ? "" : group;
        stats = stats == null ? Stats.ZERO : stats;
        rates = rates == null ? Stats.ZERO : rates;
        destinations = List.copyOf(destinations);
    }

    /** A service with no destinations and no traffic yet. */
    public static IpvsService of(ServiceKey key, SchedulingMethod scheduler, Set<ServiceFlag> flags,
                                 Persistence persistence) {
        return new IpvsService(key, scheduler, flags, persistence, "", "", null, null, List.of());
    }

    public boolean persistent() {
        return persistence.persistent();
    }

    public boolean has(ServiceFlag flag) {
        return flags.contains(flag);
    }

    public IpvsService withDestinations(List<IpvsDestination> newDestinations) {
        return new IpvsService(key, scheduler, flags, persistence, peName, group, stats, rates, newDestinations);
    }

    /** The same service settings (what -E would change) with this one's destinations and counters kept. */
    public IpvsService withSettingsOf(IpvsService other) {
        return new IpvsService(key, other.scheduler, other.flags, other.persistence, other.peName, group, stats, rates,
                destinations);
    }

    public IpvsService withCounters(Stats newStats, Stats newRates) {
        return new IpvsService(key, scheduler, flags, persistence, peName, group, newStats, newRates, destinations);
    }

    /** Whether OTHER has the same settings (scheduler, flags, persistence, engine): no -E needed to go from one to the other. */
    public boolean sameSettings(IpvsService other) {
        return scheduler == other.scheduler && flags.equals(other.flags) && persistence.equals(other.persistence)
                && peName.equals(other.peName);
    }
}
