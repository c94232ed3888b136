package halo.lvs.conn;

import halo.lvs.Connections;
import halo.lvs.sched.Destination;

/**
 * A real server of one {@link ServiceConnections}: the scheduler's {@link Destination} (weight, thresholds and the
 * connection counts the schedulers read), its traffic {@link Counters}, and whether it is still one of the service's
 * (the kernel's IP_VS_DEST_F_AVAILABLE). A removed server lives on, unavailable, while connections or templates
 * still point at it (the kernel's destination trash), and comes back with its counts if it is added again.
 */
public final class RealServer {
    /** IP_VS_DEST_TRASH_PERIOD: an unused removed server is forgotten after 2 minutes. */
    static final long TRASH_PERIOD_NANOS = 120_000_000_000L;
    static final long NOT_IDLE = Long.MIN_VALUE;

    final Destination destination;
    final Counters counters = new Counters();
    boolean available = true;
    long idleSince = NOT_IDLE;

    RealServer(Destination destination) {
        this.destination = destination;
    }

    public Destination destination() {
        return destination;
    }

    public Counters counters() {
        return counters;
    }

    /** ActiveConn, InActConn and PersistConn as ipvsadm lists them. */
    public Connections connections() {
        return new Connections(destination.activeConnections(), destination.inactiveConnections(),
                destination.persistentConnections());
    }

    public boolean available() {
        return available;
    }

    /** The kernel's dest refcnt less its own: connections and templates still bound to this server. */
    int references() {
        return destination.activeConnections() + destination.inactiveConnections()
                + destination.persistentConnections();
    }

    @Override
    public String toString() {
        return destination + (available ? "" : " removed");
    }
}
