package halo.lvs;

import java.util.List;
import java.util.Objects;

/**
 * One IPVS virtual service and its destinations, as {@code ipvsadm -L} shows it.
 *
 * @param scheduler          scheduler name (rr, wrr, wlc, sh, mh, ...)
 * @param flags              {@link SchedulerFlags} bits (one-packet, scheduler flags); persistence is given below
 * @param persistenceTimeout seconds, 0 when the service is not persistent
 * @param netmask            persistence granularity: an IPv4 netmask as a 32-bit number (0xffffffff = /32),
 *                           or an IPv6 prefix length (128)
 * @param peName             persistence engine name, or "" for none
 * @param destinations       in the order they were added (views sort them)
 */
public record IpvsService(ServiceKey key, String scheduler, int flags, int persistenceTimeout, int netmask,
                          String peName, Stats stats, Stats rates, List<IpvsDestination> destinations) {
    public IpvsService {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scheduler, "scheduler");
        peName = peName == null ? "" : peName;
        stats = stats == null ? Stats.ZERO : stats;
        rates = rates == null ? Stats.ZERO : rates;
        destinations = List.copyOf(destinations);
    }

    /** The host netmask for the key's family: /32 or /128, the kernel's default granularity. */
    public static int hostNetmask(ServiceKey key) {
        return key.ipv6() ? 128 : 0xffffffff;
    }

    public boolean persistent() {
        return persistenceTimeout > 0;
    }

    public IpvsService withDestinations(List<IpvsDestination> newDestinations) {
        return new IpvsService(key, scheduler, flags, persistenceTimeout, netmask, peName, stats, rates, newDestinations);
    }

    /** The same service settings (what -E would change) with this one's destinations and counters kept. */
    public IpvsService withSettingsOf(IpvsService other) {
        return new IpvsService(key, other.scheduler, other.flags, other.persistenceTimeout, other.netmask,
                other.peName, stats, rates, destinations);
    }

    public IpvsService withCounters(Stats newStats, Stats newRates) {
        return new IpvsService(key, scheduler, flags, persistenceTimeout, netmask, peName, newStats, newRates,
                destinations);
    }
}
