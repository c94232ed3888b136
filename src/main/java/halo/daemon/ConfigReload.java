package halo.daemon;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.config.source.Diagnostic;
import halo.lvs.DataPlaneKind;
import halo.lvs.DataPlaneSupport;
import halo.os.NativeException;
import halo.os.SystemdNotify;
import halo.vrrp.HostPort;
import halo.vrrp.HostSetup;
import halo.vrrp.VrrpHost;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * SIGHUP, with keepalived's reload semantics: the new configuration replaces the old one when it loads and can run
 * (else the running one stays). Instances are matched not by name but by VRID, family, interface and unicast source
 * or multicast group ({@link VrrpHost#reloadKey}): a matched MASTER stays MASTER with no election, its new addresses
 * added (with gratuitous ARPs) and its dropped ones removed; a matched BACKUP stays BACKUP; an instance that is
 * gone stops (a MASTER sends priority 0 and removes its addresses) and its socket closes once no instance uses it;
 * a new one starts in BACKUP. A sync group whose members all keep one state keeps it too. vrrp_script states
 * carry over; track files are read and processes scanned again from the new definitions. So a VIP that stays
 * configured on a MASTER is never removed. The notify FIFOs are closed and opened again, their scripts restarted.
 * The checker side applies the new virtual servers as keepalived's checker process does (kept servers keep
 * their state).
 */
final class ConfigReload {

    /** The VRRP side's parts a reload changes; absent on the checker side alone. */
    record VrrpParts(LinuxHostNetwork network, VrrpSockets sockets, VipInstaller vips, VrrpScripts scripts,
                     HostPort port) {}

    private final Path configFile;
    private final String configId;
    private final boolean logDetail;
    private final boolean vrrpSide;
    private final boolean checkerSide;
    private final RunningState state;
    private final EventLoop loop;
    private final ScriptRunner runner;
    private final DaemonLog log;
    private final SystemdNotify notify;
    /** One reload at a time, start to READY=1: what one moves (the metrics listener) no older one moves back. */
    private final java.util.concurrent.locks.ReentrantLock reloading = new java.util.concurrent.locks.ReentrantLock();
    private VrrpParts vrrp;
    private java.util.function.Consumer<KeepalivedConfig> applied = next -> {};

    ConfigReload(Path configFile, String configId, boolean logDetail, boolean vrrpSide, boolean checkerSide,
                 RunningState state, EventLoop loop, ScriptRunner runner, DaemonLog log, SystemdNotify notify) {
        this.configFile = configFile;
        this.configId = configId;
        this.logDetail = logDetail;
        this.vrrpSide = vrrpSide;
        this.checkerSide = checkerSide;
        this.state = state;
        this.loop = loop;
        this.runner = runner;
        this.log = log;
        this.notify = notify;
    }

    /**
     * What follows a configuration taken by a reload, off the protocol thread, before READY=1 (so `systemctl reload`
     * returns once it is done): the metrics listener moves to the new metrics_listen.
     */
    void onApplied(java.util.function.Consumer<KeepalivedConfig> then) {
        this.applied = then;
    }

    /** The VRRP side, once it runs. */
    void vrrp(VrrpParts parts) {
        this.vrrp = parts;
    }

    /** Loads the configuration file (its diagnostics go to the log in {@link #keepalivedWording}). */
    static LoadResult load(Path configFile, String configId) {
        return ConfigLoader.load(configFile, new LoadOptions(configId, false));
    }

    /** keepalived's form for configuration messages: {@code (FILE: Line N) message}. */
    static String keepalivedWording(Diagnostic d) {
        String where = d.location() == null ? "" : "(" + d.location().file() + ": Line " + d.location().line() + ") ";
        return where + d.message();
    }

    /**
     * The notify FIFOs of the sides that run, with their scripts started (keepalived opens them as each side starts,
     * before its checkers and instances, so the first lines reach them).
     */
    void openFifos() {
        state.fifos = NotifyFifos.open(state.config.global(), vrrpSide, checkerSide, runner, log).watch();
    }

    /**
     * The first vrrp_instance whose interface does not exist, logged in keepalived's words; null when all exist (the
     * caller logs what follows).
     */
    static String missingInterface(KeepalivedConfig config, LinuxHostNetwork network, DaemonLog log) {
        for (halo.config.VrrpInstance i : config.vrrpInstances()) {
            if (i.interfaceName() != null && !network.hasLink(i.interfaceName())) {
                log.info("WARNING - interface " + i.interfaceName() + " for vrrp_instance " + i.name() + " doesn't exist");
                return i.interfaceName();
            }
        }
        return null;
    }

    /**
     * Starts a reload: reading and checking the file takes long for a 10 ms advert interval, so another thread does
     * it, and the protocol thread only swaps the running instances over.
     */
    void start() {
        log.info("Reloading ...");
        notify.reloading(System.nanoTime());
        Thread.ofVirtual().name("reload").start(() -> {
            reloading.lock();
            try {
                reload();
            } finally {
                // systemd holds `systemctl reload` until READY=1 comes back, whether the configuration was taken or not
                notify.ready();
                reloading.unlock();
            }
        });
    }

    /** On the reload thread: reads the file, has the protocol thread apply it, then what follows a taken one. */
    private void reload() {
        LoadResult loaded = load(configFile, configId);
        // keepalived stops its track_file watches and reads the files (and scans the processes) again from the
        // new configuration; reading them here too keeps the protocol thread free
        VrrpTrackers next = null;
        HostSetup.TrackedState tracked = null;
        if (vrrpSide && loaded.config() != null && !loaded.hasFatal()) {
            next = new VrrpTrackers(loaded.config(), log);
            tracked = next.initialise(true);
        }
        VrrpTrackers nextTrackers = next;
        HostSetup.TrackedState nextTracked = tracked;
        java.util.concurrent.CompletableFuture<KeepalivedConfig> taken = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> {
            try {
                if (!apply(loaded, nextTrackers, nextTracked) && nextTrackers != null) {
                    nextTrackers.close();
                }
            } finally {
                taken.complete(state.config == loaded.config() ? loaded.config() : null);
            }
        });
        KeepalivedConfig takenConfig;
        try {
            takenConfig = taken.get(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return; // the protocol thread is gone: the daemon is stopping
        }
        if (takenConfig != null) {
            applied.accept(takenConfig);
        }
    }

    /**
     * The running instances handed over from OLD to a host for SETUP (a matched MASTER stays MASTER and keeps its
     * addresses), then what no MASTER holds any more removed from the host, and static_* changed from PREVIOUS to
     * NEXT. Returns the new host, started.
     */
    static VrrpHost swapHost(VrrpHost old, HostSetup setup, HostPort port, VipInstaller vips,
                             KeepalivedConfig previous, KeepalivedConfig next, long now) {
        // addresses, routes and rules set now, to remove those no MASTER holds after the reload
        VipInstaller.Installed before = vips.installedBy(old);
        VrrpHost host = new VrrpHost(setup, port, old.counters());
        host.startAfterReload(now, old);
        vips.removeNoLongerHeld(before, vips.installedBy(host));
        vips.refreshFirewall(host, next);
        vips.reloadStatic(previous, next);
        return host;
    }

    /** On the protocol thread. Returns whether {@code nextTrackers} were taken into use (else the caller closes them). */
    private boolean apply(LoadResult loaded, VrrpTrackers nextTrackers, HostSetup.TrackedState tracked) {
        for (Diagnostic d : loaded.diagnostics()) {
            log.info(keepalivedWording(d));
        }
        if (loaded.config() == null || loaded.hasFatal()) {
            log.info("Reload failed - keeping the running configuration");
            return false;
        }
        KeepalivedConfig next = loaded.config();
        if (state.host != null && missingInterface(next, vrrp.network(), log) != null) {
            log.info("Reload failed - keeping the running configuration");
            return false;
        }
        if (state.checkerSide != null) {
            List<String> refused = DataPlaneSupport.refusals(next, state.dataPlane);
            if (!refused.isEmpty()) {
                refused.forEach(log::info);
                log.info("Reload failed - keeping the running configuration");
                return false;
            }
            DataPlaneKind wanted = Daemon.dataPlane(state.dataPlaneFromCommandLine, next);
            if (wanted != state.dataPlane) {
                log.info("lvs_dataplane " + wanted + ": the " + state.dataPlane
                        + " data plane keeps running until Halo restarts");
            }
        }
        KeepalivedConfig previous = state.config;
        state.config = next;
        // At reload keepalived kills every script, its FIFO scripts among them, closes its FIFOs ("we don't know if
        // it will be the same after a reload") and opens them again from the new configuration.
        state.fifos.closeForReload();
        openFifos();
        if (state.checkerSide != null) {
            state.checkerSide.reload(next);
        }
        if (state.host == null) {
            return false;
        }
        log.info("Reloading");
        Set<String> disabled = vrrp.scripts().check(next);
        // the track files and processes as read for the new configuration: a changed path, weight or new one applies
        HostSetup setup = HostSetup.fromConfig(next, logDetail, disabled, tracked);
        if (state.vmacs != null) {
            state.vmacs.createFor(setup.instances());
            state.vmacs.promoteSecondaries(setup.instances());
        }
        try {
            for (HostSetup.Instance i : setup.instances()) {
                vrrp.sockets().open(i);
            }
        } catch (NativeException e) {
            log.info("Reload failed - " + e.getMessage() + " - keeping the running configuration");
            vrrp.sockets().forget(setup.instances());
            vrrp.sockets().closeUnused();
            state.config = previous;
            vrrp.scripts().check(previous);
            return false;
        }
        state.trackers.close();
        state.trackers = nextTrackers;
        state.host = swapHost(state.host, setup, vrrp.port(), vrrp.vips(), previous, next, System.nanoTime());
        vrrp.sockets().keepOnly(setup.instances());
        vrrp.sockets().closeUnused();
        if (state.vmacs != null) {
            state.vmacs.keepOnly(setup.instances());
        }
        try {
            TrackerFeed.start(state.trackers, state, loop);
        } catch (IOException e) {
            log.info("Unable to monitor track files: " + e.getMessage());
        }
        log.info("Reload complete");
        return true;
    }
}
