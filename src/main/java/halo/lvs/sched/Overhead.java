package halo.lvs.sched;

/** The kernel's load figures for a destination, as the connection schedulers compare them. */
final class Overhead {
    private Overhead() {}

    /**
     * ip_vs_dest_conn_overhead: active × 256 + inactive, an unsigned int in the kernel (returned here as its unsigned
     * value in a long, so the schedulers' 64-bit products match the kernel's (__s64) casts).
     */
    static long connections(Destination d) {
        return ((((long) d.activeConnections()) << 8) + d.inactiveConnections()) & 0xFFFF_FFFFL;
    }

    /** sed's and nq's ip_vs_*_dest_overhead: active + 1 (inactive connections do not count). */
    static long activePlusOne(Destination d) {
        return (d.activeConnections() + 1) & 0xFFFF_FFFFL;
    }
}
