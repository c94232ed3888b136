package halo.daemon;

import halo.lvs.Action;
import halo.lvs.DataPlane;
import halo.lvs.DataPlaneException;
import halo.lvs.IpvsSnapshot;
import java.util.List;
import java.util.function.Supplier;

/**
 * Keeps a {@link DataPlane} holding what the virtual-server table holds. Each event's table changes go to the plane
 * as one batch with the next generation number; a batch that fails is logged and followed by a resync from the
 * table's whole snapshot, and a resync that fails is logged and tried again by {@link #retry()} until it succeeds,
 * so the plane never drifts from the table unnoticed. One thread (the checker side's) calls it.
 */
final class DataPlaneSync {
    private final DataPlane plane;
    private final Supplier<IpvsSnapshot> table;
    private final DaemonLog log;
    private long generation;
    private boolean outOfSync;
    private String lastFailure;

    DataPlaneSync(DataPlane plane, Supplier<IpvsSnapshot> table, DaemonLog log) {
        this.plane = plane;
        this.table = table;
        this.log = log;
    }

    DataPlane plane() {
        return plane;
    }

    long generation() {
        return generation;
    }

    boolean inSync() {
        return !outOfSync;
    }

    /** One event's changes, in the table's order. */
    void apply(List<Action.TableChange> changes) {
        if (changes.isEmpty()) return;
        generation++;
        if (outOfSync) {
            // the plane is behind already: the whole table replaces the pending resync and this batch
            resync("");
            return;
        }
        try {
            plane.apply(generation, changes);
        } catch (DataPlaneException | RuntimeException e) {
            log.info("LVS data plane " + plane.kind() + ": applying generation " + generation + " failed: "
                    + message(e) + " - resyncing from the table");
            resync("");
        }
    }

    /** Makes the plane hold the table again (after a reload, or when a failed resync is retried). */
    void resync(String why) {
        try {
            plane.resync(generation, table.get());
            if (outOfSync) {
                log.info("LVS data plane " + plane.kind() + ": in sync with the table again (generation "
                        + generation + ")");
            }
            outOfSync = false;
            lastFailure = null;
        } catch (DataPlaneException | RuntimeException e) {
            String failure = message(e);
            // the same failure again (a port still taken) is logged once, not every second
            if (!failure.equals(lastFailure)) {
                log.info("LVS data plane " + plane.kind() + ": resync" + why + " of generation " + generation
                        + " failed: " + failure + " - the plane does not hold the whole table; retrying");
            }
            lastFailure = failure;
            outOfSync = true;
        }
    }

    /** Called now and then: a plane left behind by a failure is resynced. */
    void retry() {
        if (outOfSync) resync(" (retry)");
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
