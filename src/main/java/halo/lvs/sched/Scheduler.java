package halo.lvs.sched;

import java.util.List;

/**
 * An IPVS scheduling method (the kernel's struct ip_vs_scheduler): picks the real server for a new connection from
 * the service's destinations, with the kernel's selection rule exactly, so that Halo's data planes and a kernel's IPVS
 * spread connections the same way. Not thread-safe: one data plane thread calls it. Pure: no I/O; lblc and lblcr
 * take their clock as a parameter.
 */
public interface Scheduler {

    /** The kernel's name for it (rr, wrr, lc, ...), as ipvsadm and keepalived's lb_algo spell it. */
    String name();

    /**
     * The service's destinations changed (added, removed, a weight): the kernel's init_service / add_dest / del_dest /
     * upd_dest, which rebuild what a scheduler keeps (wrr's gcd and maximum weight, sh/dh/mh tables).
     * DESTINATIONS is the service's list in the kernel's order: newest first (ip_vs_ctl.c adds each destination at
     * the head of the service's list), which decides where rr and wrr go next and how sh, dh and mh fill their tables.
     */
    void update(List<Destination> destinations);

    /**
     * The destination for a new connection, or {@code null} when none is available (the kernel's "no destination
     * available"). FLOW describes the connection's first packet, for the hashing schedulers.
     */
    Destination schedule(List<Destination> destinations, Flow flow);
}
