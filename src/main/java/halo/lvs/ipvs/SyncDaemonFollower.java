package halo.lvs.ipvs;

import halo.config.SyncDaemonConfig;
import halo.config.KeepalivedConfig;
import halo.config.RawSetting;
import halo.config.VrrpInstance;
import halo.lvs.DataPlane;
import halo.lvs.DataPlaneException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * global_defs' lvs_sync_daemon carried out on the IPVS plane as keepalived does it: with a VRRP instance the sync
 * daemon follows it (master when the instance sets its virtual addresses, backup when it removes them: keepalived's
 * vrrp_state_become_master and vrrp_state_leave_master), without one both daemons run from the start (keepalived's
 * checker process). Failures are logged, as keepalived logs them, and do not stop the daemon.
 */
public final class SyncDaemonFollower {
    private final SyncDaemonConfig config;
    private final IpvsDataPlane plane;
    private final Consumer<String> log;

    SyncDaemonFollower(SyncDaemonConfig config, IpvsDataPlane plane, Consumer<String> log) {
        this.config = config;
        this.plane = plane;
        this.log = log;
    }

    /**
     * The follower for CONFIG's lvs_sync_daemon on PLANE, or empty when there is none, it is invalid (keepalived's
     * warnings logged) or the plane is not IPVS (the nftables plane synchronises through conntrackd, the proxy not at
     * all: halo.daemon.ConntrackdSupervisor says so).
     */
    public static Optional<SyncDaemonFollower> of(KeepalivedConfig config, DataPlane plane, Consumer<String> log) {
        if (!(plane instanceof IpvsDataPlane ipvs)) return Optional.empty();
        Optional<SyncDaemonConfig.Parsed> read = SyncDaemonConfig.of(config);
        if (read.isEmpty()) return Optional.empty();
        SyncDaemonConfig.Parsed parsed = read.get();
        parsed.warnings().forEach(log);
        if (parsed.config().isEmpty()) return Optional.empty();
        return Optional.of(new SyncDaemonFollower(parsed.config().get(), ipvs, log));
    }

    /** At start: without a VRRP instance both daemons start now; with one, they wait for its state. */
    public void start() {
        if (config.vrrpInstance() != null) return;
        try {
            plane.syncDaemons(config);
        } catch (DataPlaneException e) {
            log.accept("IPVS: " + e.getMessage());
        }
    }

    /** VRRP instance INSTANCE set (MASTER true) or removed its virtual addresses. */
    public void instanceState(String instance, boolean master) {
        if (!instance.equals(config.vrrpInstance())) return;
        try {
            plane.syncDaemon(config, master);
        } catch (DataPlaneException e) {
            log.accept("IPVS: " + e.getMessage());
        }
    }
}
