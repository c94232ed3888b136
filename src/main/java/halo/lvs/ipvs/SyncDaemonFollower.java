package halo.lvs.ipvs;

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
     * warnings logged) or the plane is not IPVS (logged: only IPVS synchronises connections this way).
     */
    public static Optional<SyncDaemonFollower> of(KeepalivedConfig config, DataPlane plane, Consumer<String> log) {
        RawSetting setting = config.global().otherSettings().stream()
                .filter(s -> s.keyword().equals("lvs_sync_daemon")).findFirst().orElse(null);
        if (setting == null) return Optional.empty();
        SyncDaemonConfig.Parsed parsed = SyncDaemonConfig.parse(setting, name -> config.vrrpInstances().stream()
                .filter(i -> i.name().equals(name)).map(VrrpInstance::virtualRouterId).findFirst().orElse(null));
        parsed.warnings().forEach(log);
        if (parsed.config().isEmpty()) return Optional.empty();
        if (!(plane instanceof IpvsDataPlane ipvs)) {
            log.accept("lvs_sync_daemon: the " + plane.kind() + " data plane has no IPVS connection synchronisation"
                    + " - ignoring");
            return Optional.empty();
        }
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
