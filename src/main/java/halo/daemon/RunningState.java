package halo.daemon;

import halo.config.KeepalivedConfig;
import halo.lvs.DataPlaneKind;
import halo.vrrp.VrrpHost;
import java.util.HashMap;
import java.util.Map;

/**
 * What the daemon runs now: the configuration, the VRRP host and its trackers, the notify FIFOs, the checker side.
 * A reload replaces them on the protocol thread, which alone reads them but for the FIFOs and the checker side.
 */
final class RunningState {
    KeepalivedConfig config;
    /** Null on the checker side alone. */
    VrrpHost host;
    VrrpTrackers trackers;
    /** The notify FIFOs and their scripts; replaced whole at reload (read by the checker side's thread too). */
    volatile NotifyFifos fifos = NotifyFifos.none(null);
    /** Null when the checker side does not run. */
    CheckerSide checkerSide;
    /** The data plane the checker side runs (chosen at start; a reload keeps it), null without a checker side. */
    DataPlaneKind dataPlane;
    /** {@code --lvs-dataplane} as given, null when not given (it wins over the file's lvs_dataplane). */
    String dataPlaneFromCommandLine;
    /** conntrackd for lvs_sync_daemon, null without one (started at start; a reload keeps it). */
    ConntrackdSupervisor connectionSync;
    /** use_vmac's interfaces, null until the VRRP side opens the host (protocol thread). */
    VmacInterfaces vmacs;
    /** When each instance last changed state (epoch ms), for status. */
    final Map<String, Long> lastTransitions = new HashMap<>();
    /** How often each instance changed state, by reason and new state, since start (for metrics). */
    final Map<TransitionKey, Long> transitionCounts = new java.util.TreeMap<>(java.util.Comparator
            .comparing(TransitionKey::instance).thenComparing(TransitionKey::reason).thenComparing(TransitionKey::to));

    record TransitionKey(String instance, halo.vrrp.TransitionReason reason, halo.vrrp.VrrpState to) {}
}
