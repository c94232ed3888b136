package halo.lvs;

import java.util.List;

/**
 * What carries the virtual-server table into traffic: the userspace proxy, nftables or the kernel's IPVS. The daemon
 * drives it from the table ({@link VirtualServerTable}): every event's {@link Action.TableChange}s go to
 * {@link #apply} as one batch with the next generation number; when a batch fails the daemon logs it and calls
 * {@link #resync} with the table's whole snapshot, so that what is applied never drifts from the table unnoticed.
 * <p>
 * Calls come from one thread (the daemon's checker side) and block until the plane has done the work, so a failure
 * is known to the caller. Counters belong to the plane: {@link #counters()} is merged into what {@code halo lvs}
 * shows.
 */
public interface DataPlane extends AutoCloseable {

    DataPlaneKind kind();

    /**
     * Applies CHANGES in order, as generation GENERATION (one more than the last batch or resync).
     *
     * @throws DataPlaneException when a change could not be applied; the plane may hold part of the batch, and the
     *                            caller resyncs
     */
    void apply(long generation, List<Action.TableChange> changes) throws DataPlaneException;

    /**
     * Makes the plane hold exactly SNAPSHOT's services and destinations (settings, not counters), as generation
     * GENERATION. Services and destinations that stay keep their connections.
     *
     * @throws DataPlaneException when some of it could not be applied (the rest is); the caller tries again later
     */
    void resync(long generation, IpvsSnapshot snapshot) throws DataPlaneException;

    /** The last generation applied or resynced completely, 0 before the first. */
    long generation();

    /** The counters now: connections, packets and bytes per service and destination, with rates. */
    PlaneCounters counters();

    /** {@code ipvsadm -Z}: zero the counters of SERVICE, or of every service when it is null. */
    void zeroCounters(ServiceKey service);

    /** The connection timeouts ({@code ipvsadm --timeout}). */
    IpvsTimeouts timeouts();

    /** {@code ipvsadm --set}: a value of 0 leaves that timeout as it is. */
    void timeouts(IpvsTimeouts timeouts);

    /**
     * {@code ipvsadm -L -c}: the connections and persistence templates in ipvsadm 1.31's layout; NUMERIC is
     * {@code -n}, PERSISTENT_CONN {@code --persistent-conn}.
     */
    String connectionListing(boolean numeric, boolean persistentConn);

    /** Stops forwarding and releases what the plane holds (listeners, rules). */
    @Override
    void close();
}
