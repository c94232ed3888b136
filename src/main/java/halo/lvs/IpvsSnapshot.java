package halo.lvs;

import java.util.List;

/**
 * What the load balancer holds at one moment: every virtual service with its destinations and counters. This is what
 * {@code halo lvs -L} renders, whether it comes from the running daemon or from a configuration preview.
 *
 * @param connectionTableSize IPVS's connection hash table size, shown in the header (the kernel's default 4096)
 */
public record IpvsSnapshot(List<IpvsService> services, int connectionTableSize) {
    public static final int DEFAULT_TABLE_SIZE = 4096;

    public IpvsSnapshot {
        services = List.copyOf(services);
    }

    public IpvsSnapshot(List<IpvsService> services) {
        this(services, DEFAULT_TABLE_SIZE);
    }
}
