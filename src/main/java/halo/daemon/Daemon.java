package halo.daemon;

import halo.config.ConfigLoader;
import halo.config.GlobalDefs;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.config.ScriptCommand;
import halo.config.VirtualAddress;
import halo.config.VrrpScript;
import halo.config.source.Diagnostic;
import halo.os.Frames;
import halo.os.HostAddress;
import halo.os.HostEvent;
import halo.os.HostOs;
import halo.os.Link;
import halo.os.NativeException;
import halo.os.NetlinkMonitor;
import halo.os.PacketSocket;
import halo.os.Poller;
import halo.os.ReceivedPacket;
import halo.os.ResidentMemory;
import halo.os.RtNetlink;
import halo.os.VrrpSocket;
import halo.vrrp.HostPort;
import halo.vrrp.HostSetup;
import halo.vrrp.SyncGroup;
import halo.vrrp.TransitionReason;
import halo.vrrp.VrrpHost;
import halo.vrrp.VrrpInstance;
import halo.vrrp.VrrpState;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Halo daemon's VRRP side on a real Linux host: one protocol thread waits on every VRRP socket and the netlink
 * monitor with a nanosecond timeout (the next instance deadline), feeds what arrives to the {@link VrrpHost}, and does
 * what the state machines ask through raw sockets, rtnetlink and AF_PACKET. Scripts run on other threads and report
 * back through a queue; the control socket reads a snapshot made on the protocol thread. The checker side
 * ({@link CheckerSide}: virtual-server table and health checkers) runs beside it on its own thread, alone with
 * {@code -C}; track_file and vrrp_track_process values come from {@link VrrpTrackers}.
 */
public final class Daemon implements HostPort {

    /** What {@code halo run} was asked to do. */
    public record Options(Path configFile, String configId, Path controlSocket, Path pidFile, Path vrrpPidFile,
                          boolean logDetail, boolean dontReleaseVrrp, boolean runVrrp, boolean runCheckers,
                          Path checkersPidFile, boolean dontReleaseIpvs) {
        /** Both sides, as keepalived without -P or -C. */
        public Options(Path configFile, String configId, Path controlSocket, Path pidFile, Path vrrpPidFile,
                       boolean logDetail, boolean dontReleaseVrrp) {
            this(configFile, configId, controlSocket, pidFile, vrrpPidFile, logDetail, dontReleaseVrrp, true, true, null,
                    false);
        }
    }

    /** keepalived's exit statuses: 0 fine; 1 could not start; 3 configuration cannot run. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_STARTUP_FAILED = 1;
    public static final int EXIT_CONFIG = 3;

    private static final Duration STOP_SCRIPT_WAIT = Duration.ofSeconds(1);
    /** A notify script that hangs is killed eventually, so it cannot pile up processes on a flapping link. */
    private static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(30);

    private final Options options;
    private final DaemonLog log;
    private final ScriptRunner scripts = new ScriptRunner();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<CompletableFuture<ScriptRunner.Result>> stopScripts = new ArrayList<>();

    private volatile boolean stopRequested;
    /** Set once the loop has ended: what the machines release now goes through {@link #releaseAddressesLeftAtStop}. */
    private boolean stopping;
    private final List<HostSetup.Instance> addressesLeftAtStop = new ArrayList<>();
    private volatile boolean reloadRequested;

    private KeepalivedConfig config;
    private RtNetlink netlink;
    private NetlinkMonitor monitor;
    private PacketSocket packets;
    private Poller poller;
    private VrrpHost host;
    /** The notify FIFOs and their scripts; replaced whole at reload (read by the checker side's thread too). */
    private volatile NotifyFifos fifos = NotifyFifos.none(null);
    private boolean vrrpSide;
    private boolean checkerSideRuns;
    private ControlServer control;
    private CheckerSide checkerSide;
    private VrrpTrackers trackers;
    private final Object idle = new Object();
    private String scriptUser;
    private final Map<String, Link> links = new HashMap<>();
    private final Map<Integer, String> linkNames = new HashMap<>();
    /** One socket per (interface, family, unicast source). */
    private final Map<String, VrrpSocket> sockets = new LinkedHashMap<>();
    private final Set<VrrpSocket> ahSockets = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<HostSetup.Instance, VrrpSocket> socketOf = new IdentityHashMap<>();
    private final Map<byte[], InetAddress> destinations = new IdentityHashMap<>();
    /** Made once here: a method reference made at its first use spins a class then (for a backup: at takeover). */
    private final java.util.function.Consumer<HostEvent> hostEvents = this::onHostEvent;
    private final Map<HostSetup.Script, Script> trackScripts = new IdentityHashMap<>();
    private final Set<String> ourAddresses = new HashSet<>();
    /** Stands for "no instance" where static addresses go through the per-instance code (its name is for logs). */
    private static final HostSetup.Instance STATIC = HostSetup.Instance.of(
            halo.vrrp.InstanceSpec.builder("static_ipaddress", 1).interfaceName("").build());
    /** Notify command lines that passed the startup checks, with the user each runs as. */
    private final Map<String, Script> notifyCommands = new HashMap<>();
    private final Set<String> disabledNotify = new HashSet<>();
    private final byte[] rxBuffer = new byte[65536];
    private final ReceivedPacket received = new ReceivedPacket();

    public Daemon(Options options, DaemonLog log) {
        this.options = options;
        this.log = log;
    }

    /** Runs until SIGTERM/SIGINT (or {@link #requestStop()}); returns the exit status. */
    public int run() {
        log.info("Starting Halo " + halo.Version.VERSION + " (keepalived-compatible)");
        LoadResult loaded = ConfigLoader.load(options.configFile(), new LoadOptions(options.configId(), false));
        for (Diagnostic d : loaded.diagnostics()) {
            log.info(keepalivedWording(d));
        }
        if (loaded.config() == null || loaded.hasFatal()) {
            log.info("Stopped - configuration cannot run");
            return EXIT_CONFIG;
        }
        config = loaded.config();
        // keepalived starts the checker process only when there are virtual servers (or -C asks for it alone), and
        // the VRRP process unless -C: the checker side alone needs no raw socket.
        boolean checkers = options.runCheckers() && (!options.runVrrp() || !config.virtualServers().isEmpty());
        boolean vrrp = options.runVrrp() && (!config.vrrpInstances().isEmpty() || !checkers);
        vrrpSide = vrrp;
        checkerSideRuns = checkers;
        if (!vrrp) {
            try {
                writePidFiles();
                openFifos();
                return runCheckersOnly();
            } catch (IOException | RuntimeException e) {
                log.info("Stopped - " + e.getMessage());
                return EXIT_STARTUP_FAILED;
            } finally {
                closeAll();
                deletePidFiles();
            }
        }
        if (!HostOs.isAvailable()) {
            log.info("Halo cannot use the host: " + HostOs.unavailabilityCause().getMessage());
            return EXIT_STARTUP_FAILED;
        }
        String missing = HostOs.missingVrrpCapabilities();
        if (missing != null) {
            log.info(missing);
            return EXIT_STARTUP_FAILED;
        }
        try {
            writePidFiles();
            openFifos();
            if (checkers) {
                startCheckerSide(false);
            }
            return runVrrp();
        } catch (IOException e) {
            log.info("Stopped - " + e.getMessage());
            return EXIT_STARTUP_FAILED;
        } finally {
            closeAll();
            deletePidFiles();
        }
    }

    public void requestStop() {
        stopRequested = true;
        wakeup();
    }

    private void wakeup() {
        if (poller != null) {
            poller.wakeup();
        }
        synchronized (idle) {
            idle.notifyAll();
        }
    }

    private void startCheckerSide(boolean followAddresses) throws IOException {
        checkerSide = new CheckerSide(config, log, scripts, !options.dontReleaseIpvs(), line -> fifos.lvsLine(line));
        try {
            checkerSide.start(followAddresses);
        } catch (RuntimeException e) {
            throw new IOException("the checker side cannot start: " + e.getMessage(), e);
        }
    }

    /**
     * {@code -C}, or a configuration with virtual servers and no vrrp_instance (keepalived starts no VRRP process
     * then): the checker side alone, needing no raw socket; this thread only waits for signals and control requests.
     */
    private int runCheckersOnly() throws IOException {
        startCheckerSide(true);
        installSignals();
        control = ControlServer.start(options.controlSocket(), this::answer);
        log.info("Startup complete");
        while (!stopRequested) {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
            if (reloadRequested) {
                reloadRequested = false;
                reload();
            }
            synchronized (idle) {
                if (!stopRequested && tasks.isEmpty() && !reloadRequested) {
                    try {
                        idle.wait(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        log.info("Stopping");
        checkerSide.stop();
        log.info("Stopped Halo " + halo.Version.VERSION);
        return EXIT_OK;
    }

    private int runVrrp() throws NativeException, IOException {
        netlink = RtNetlink.open();
        monitor = NetlinkMonitor.open();
        packets = PacketSocket.open();
        for (Link l : netlink.links()) {
            links.put(l.name(), l);
            linkNames.put(l.index(), l.name());
        }
        for (halo.config.VrrpInstance i : config.vrrpInstances()) {
            if (i.interfaceName() != null && !links.containsKey(i.interfaceName())) {
                log.info("WARNING - interface " + i.interfaceName() + " for vrrp_instance " + i.name() + " doesn't exist");
                log.info("Non-existent interface specified in configuration");
                return EXIT_CONFIG;
            }
        }
        Set<String> disabled = checkScripts();
        trackers = new VrrpTrackers(config, log);
        HostSetup setup = HostSetup.fromConfig(config, options.logDetail(), disabled, trackers.initialise());
        poller = new Poller(64);
        poller.register(monitor);
        for (HostSetup.Instance i : setup.instances()) {
            openSocket(i);
        }
        installSignals();
        control = ControlServer.start(options.controlSocket(), this::answer);

        // keepalived removes residual VIPs at startup, so a crashed master does not keep them.
        for (HostSetup.Instance i : setup.instances()) {
            log.info("(" + i.spec().name() + ") removing VIPs.");
            changeRoutes(i, false);
            changeAddresses(i, false);
        }
        changeStatic(config, true);
        tuneProtocolThread(setup);
        prepareTakeover(setup);
        host = new VrrpHost(setup, this);
        host.start(System.nanoTime());
        startTrackers(trackers);
        log.info("Startup complete");
        releaseStartupPages();
        loop();
        log.info("Stopping");
        stopping = true;
        host.shutdown(System.nanoTime());
        releaseAddressesLeftAtStop();
        if (!options.dontReleaseVrrp()) {
            changeStatic(config, false);
        }
        if (checkerSide != null) {
            checkerSide.stop();
        }
        waitForStopScripts();
        log.info("Stopped Halo " + halo.Version.VERSION);
        return EXIT_OK;
    }

    /**
     * Runs once what a backup first runs when it takes over, as far as it can without sending: the gratuitous ARP and
     * neighbour advert frames are built (their code loaded and linked now, not on the way to the first GARP).
     */
    private void prepareTakeover(HostSetup setup) {
        for (HostSetup.Instance i : setup.instances()) {
            if (i.config() == null) {
                continue;
            }
            for (VirtualAddress v : i.config().virtualAddresses()) {
                Link link = links.get(v.device() != null ? v.device() : i.spec().interfaceName());
                if (link == null || link.hardwareAddress() == null || link.hardwareAddress().length != 6) {
                    continue;
                }
                if (v.address().address() instanceof Inet4Address v4) {
                    Frames.gratuitousArp(link.hardwareAddress(), v4);
                } else if (v.address().address() instanceof Inet6Address v6) {
                    Frames.unsolicitedNeighbourAdvert(link.hardwareAddress(), v6, true);
                }
            }
        }
    }

    /** The JVM's start-up-only read-only data goes back to the kernel (halo.os.ResidentMemory says what and why). */
    private void releaseStartupPages() {
        try {
            long advised = ResidentMemory.pageOutReadOnlyFileData();
            log.detail("advised " + (advised >> 20) + " MB of read-only file mappings out of memory");
        } catch (IOException e) {
            log.detail("cannot page out start-up data: " + e.getMessage());
        }
    }

    private void loop() throws NativeException {
        try {
            // wake-ups on time to the microsecond, not the default 50 us timer slack (matters at 10 ms adverts)
            HostOs.setTimerSlack(1);
        } catch (NativeException e) {
            log.detail("cannot set the protocol thread's timer slack: " + e.getMessage());
        }
        while (!stopRequested) {
            long now = System.nanoTime();
            if (host.nextDeadline() <= now) {
                // A timer is due. Take in what arrived first: after this thread was held up (a GC pause, a busy CPU),
                // adverts that came in time wait in the socket, and a Master_Down_Timer must not fire past them.
                pollAndDrain(0);
                now = System.nanoTime();
            }
            host.onTimer(now);
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
            if (reloadRequested) {
                reloadRequested = false;
                reload();
            }
            long deadline = host.nextDeadline();
            long timeout = deadline == VrrpInstance.NEVER ? -1 : Math.max(0, deadline - System.nanoTime());
            pollAndDrain(wakeEarly(timeout));
        }
    }

    /**
     * How long to wait so as to wake no later than TIMEOUT. The kernel lets a poll-type wait of a thread that is not
     * realtime end late by a thousandth of its length (up to 100 ms; a fifth of that for a niced thread), whatever
     * the timer slack: 3.6 ms for a VRRPv2 Master_Down_Interval. So the loop waits that much less, then the rest
     * (the last short wait is late by microseconds at most).
     */
    static long wakeEarly(long timeoutNanos) {
        long early = Math.min(timeoutNanos / 200, 100_000_000L);
        return early < 20_000 ? timeoutNanos : timeoutNanos - early;
    }

    /** Waits up to {@code timeoutNanos} (-1: no limit, 0: not at all) and takes in whatever is ready. */
    private void pollAndDrain(long timeoutNanos) throws NativeException {
        if (poller.poll(timeoutNanos) > 0) {
            for (int i = 0; i < poller.size(); i++) {
                if (!poller.isReady(poller.get(i))) {
                    continue;
                }
                if (poller.get(i) == monitor) {
                    monitor.drain(hostEvents);
                } else {
                    drainSocket((VrrpSocket) poller.get(i));
                }
            }
        }
    }

    private void drainSocket(VrrpSocket socket) throws NativeException {
        int n;
        if (ahSockets.contains(socket)) {
            // auth_type AH: whole datagrams (IP header, AH, message), checked and authenticated by the codec
            while ((n = socket.receiveDatagram(rxBuffer, 0, rxBuffer.length, received)) >= 0) {
                String ifname = linkNames.getOrDefault(received.interfaceIndex(), socket.interfaceName());
                host.receiveIpv4(System.nanoTime(), ifname, rxBuffer, 0, n);
            }
            return;
        }
        while ((n = socket.receive(rxBuffer, 0, rxBuffer.length, received)) >= 0) {
            String ifname = linkNames.getOrDefault(received.interfaceIndex(), socket.interfaceName());
            host.receiveMessage(System.nanoTime(), ifname, received.isIpv6(), received.sourceBytes(),
                    received.destinationBytes(), received.ttl(), rxBuffer, 0, n);
        }
    }

    /**
     * What the netlink monitor saw. An if-chain, not a pattern switch: a switch's bootstrap spins a class at its first
     * event, and a backup's first event is the address it adds at its first takeover.
     */
    private void onHostEvent(HostEvent event) {
        long now = System.nanoTime();
        if (event instanceof HostEvent.LinkChanged(Link link)) {
            Link before = links.put(link.name(), link);
            linkNames.put(link.index(), link.name());
            if (before == null || before.isRunning() != link.isRunning()) {
                log.info("Netlink reports " + link.name() + (link.isRunning() ? " up" : " down"));
                host.onLinkChange(now, link.name(), link.isRunning());
            }
        } else if (event instanceof HostEvent.LinkRemoved(Link link)) {
            links.remove(link.name());
            log.info("Netlink reports " + link.name() + " removed");
            host.onLinkChange(now, link.name(), false);
        } else if (event instanceof HostEvent.AddressAdded(HostAddress a)) {
            if (checkerSide != null) {
                checkerSide.addressAdded(a.address());
            }
        } else if (event instanceof HostEvent.AddressRemoved(HostAddress a)) {
            if (checkerSide != null) {
                checkerSide.addressRemoved(a.address());
            }
            String address = a.address().getHostAddress();
            if (ourAddresses.remove(address)) {
                // Deleted behind our back (our own removals leave ourAddresses first): keepalived's words, and
                // as keepalived, the MASTER holding it steps down with priority 0 and comes back to set it again.
                log.info("Netlink reflector reports IP " + address + " removed from "
                        + linkNames.getOrDefault(a.interfaceIndex(), "?"));
                for (VrrpHost.Slot s : host.slots()) {
                    if (s.machine.state() == VrrpState.MASTER && s.setup.config() != null
                            && s.setup.config().virtualAddresses().stream()
                            .anyMatch(v -> v.address().address().equals(a.address()))) {
                        s.machine.onVirtualAddressDeleted(now);
                        host.reschedule(s); // a call past the host: its timer index must hear of it
                    }
                }
            }
        }
    }

    private void openSocket(HostSetup.Instance i) throws NativeException {
        boolean ipv6 = i.spec().ipv6();
        String ifname = i.spec().interfaceName();
        InetAddress source = i.unicastPeers().isEmpty() ? null : i.sourceAddress();
        // keepalived opens its socket with IPPROTO_AH for auth_type AH: the adverts arrive as protocol 51
        boolean ah = isAh(i);
        String key = ifname + "/" + (ipv6 ? 6 : 4) + "/" + (source == null ? "" : source.getHostAddress()) + (ah ? "/ah" : "");
        VrrpSocket socket = sockets.get(key);
        if (socket == null) {
            socket = ah ? VrrpSocket.openIpv4HeaderIncluded(ifname, VrrpSocket.IPPROTO_AH) : VrrpSocket.open(ipv6, ifname, source);
            sockets.put(key, socket);
            if (ah) {
                ahSockets.add(socket);
            }
            poller.register(socket);
        }
        if (i.unicastPeers().isEmpty()) {
            InetAddress group = i.multicastGroup() != null ? i.multicastGroup()
                    : ipv6 ? VrrpSocket.MULTICAST_IPV6 : VrrpSocket.MULTICAST_IPV4;
            try {
                socket.joinGroup(group);
            } catch (NativeException e) {
                if (e.errno() != halo.os.Errno.EADDRINUSE) {
                    throw e; // EADDRINUSE: joined already for another instance on this socket
                }
            }
        }
        socketOf.put(i, socket);
    }

    /**
     * The protocol thread wakes on time: timer slack 1 ns (the kernel's 50 us default batches wake-ups), and SCHED_RR
     * at vrrp_rt_priority / max_auto_priority when configured, as keepalived; with an advert interval under 100 ms and
     * neither given, priority 1 (the lowest realtime one) so that a busy host does not delay adverts past
     * Master_Down_Interval. The loop blocks in poll between events, so it cannot starve the host.
     */
    private void tuneProtocolThread(HostSetup setup) {
        try {
            halo.os.HostOs.setTimerSlack(1);
        } catch (NativeException | RuntimeException e) {
            log.detail("Cannot set the timer slack: " + e.getMessage());
        }
        int priority = 0;
        for (halo.config.RawSetting r : config.global().otherSettings()) {
            if (r.keyword().equals("vrrp_rt_priority") && !r.args().isEmpty()) {
                try {
                    priority = Integer.parseInt(r.args().getFirst());
                } catch (NumberFormatException e) {
                    log.info("Invalid vrrp_rt_priority " + r.args().getFirst() + " - ignoring");
                }
            }
        }
        if (priority == 0 && config.global().maxAutoPriority() > 0) {
            priority = config.global().maxAutoPriority();
        }
        long fastest = setup.instances().stream().mapToLong(i -> i.spec().advertInterval().toMillis()).min().orElse(1000);
        if (priority == 0 && fastest < 100) {
            priority = 1;
        }
        if (priority > 0) {
            try {
                halo.os.HostOs.setRealtimePriority(Math.min(99, priority));
                log.detail("Set realtime priority " + Math.min(99, priority) + " (SCHED_RR) for the VRRP thread");
            } catch (NativeException | RuntimeException e) {
                log.info("Cannot set realtime priority " + priority + ": " + e.getMessage());
            }
        }
    }

    /** keepalived's script checks: not found is disabled; unsafe is disabled under enable_script_security. */
    private Set<String> checkScripts() {
        GlobalDefs g = config.global();
        scriptUser = g.scriptUser();
        boolean security = g.enableScriptSecurity();
        Set<String> disabled = new HashSet<>();
        boolean anyScript = false;
        for (VrrpScript s : config.vrrpScripts()) {
            Script script = toScript(s.script(), s.timeout());
            ScriptSecurity.Verdict v = ScriptSecurity.check(script);
            if (v == ScriptSecurity.Verdict.NOT_FOUND) {
                log.info("Cannot find script " + (script.argv().isEmpty() ? "" : script.argv().getFirst()) + " in path - disabling");
                log.info("Disabling track script " + s.name() + " since not found/accessible");
                disabled.add(s.name());
            } else if (v == ScriptSecurity.Verdict.UNSAFE && security) {
                log.info("Unsafe permissions found for script '" + script.argv().getFirst() + "' - disabling.");
                disabled.add(s.name());
            } else {
                anyScript = true;
            }
        }
        // Notify scripts get the same checks; keepalived disables the one script, not the instance.
        notifyCommands.clear();
        disabledNotify.clear();
        for (ScriptCommand c : notifyCommands()) {
            if (notifyCommands.containsKey(c.commandLine()) || disabledNotify.contains(c.commandLine())) {
                continue;
            }
            Script script = toScript(c, null);
            ScriptSecurity.Verdict v = ScriptSecurity.check(script);
            String file = script.argv().isEmpty() ? "" : script.argv().getFirst();
            if (v == ScriptSecurity.Verdict.NOT_FOUND) {
                log.info("Script " + file + " cannot be accessed - No such file or directory");
                disabledNotify.add(c.commandLine());
            } else if (v == ScriptSecurity.Verdict.UNSAFE && security) {
                log.info("Unsafe permissions found for script '" + file + "' - disabling.");
                disabledNotify.add(c.commandLine());
            } else {
                notifyCommands.put(c.commandLine(), script);
                anyScript = true;
            }
        }
        // the FIFO scripts count too (NotifyFifos reports those it drops)
        for (GlobalDefs.Fifo f : new GlobalDefs.Fifo[] {g.notifyFifo(), g.vrrpNotifyFifo()}) {
            if (f != null && f.script() != null
                    && ScriptSecurity.check(NotifyFifos.script(f.script(), g)) != ScriptSecurity.Verdict.NOT_FOUND) {
                anyScript = true;
            }
        }
        if (anyScript && !security) {
            log.info("SECURITY VIOLATION - scripts are being executed but script_security not enabled.");
        }
        return disabled;
    }

    /** Every notify script of every instance and sync group, as configured (with its own user, if any). */
    private List<ScriptCommand> notifyCommands() {
        List<ScriptCommand> all = new ArrayList<>();
        List<halo.config.NotifyScripts> sets = new ArrayList<>();
        config.vrrpInstances().forEach(i -> sets.add(i.notifyScripts()));
        config.syncGroups().forEach(g -> sets.add(g.notifyScripts()));
        for (halo.config.NotifyScripts n : sets) {
            if (n == null) {
                continue;
            }
            for (ScriptCommand c : new ScriptCommand[] {n.master(), n.backup(), n.fault(), n.stop(), n.anyState(), n.masterRxLowerPri()}) {
                if (c != null) {
                    all.add(c);
                }
            }
        }
        return all;
    }

    private Script toScript(ScriptCommand command, Duration timeout) {
        String user = command.user() != null ? command.user() : scriptUser;
        String group = command.user() != null ? command.group() : config.global().scriptGroup();
        return new Script(command.commandLine(), command.argv(), user, timeout, group);
    }

    private void installSignals() {
        DaemonSignals.install(log, this::requestStop, () -> {
            reloadRequested = true;
            wakeup();
        });
    }

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
    private void reload() {
        log.info("Reloading ...");
        // Reading and checking the file takes long for a 10 ms advert interval: another thread does it, and the
        // protocol thread only swaps the running instances over.
        Thread.ofVirtual().name("reload").start(() -> {
            LoadResult loaded = ConfigLoader.load(options.configFile(), new LoadOptions(options.configId(), false));
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
            tasks.add(() -> {
                if (!applyReload(loaded, nextTrackers, nextTracked) && nextTrackers != null) {
                    nextTrackers.close();
                }
            });
            wakeup();
        });
    }

    /** Returns whether {@code nextTrackers} were taken into use (else the caller closes them). */
    private boolean applyReload(LoadResult loaded, VrrpTrackers nextTrackers, HostSetup.TrackedState tracked) {
        for (Diagnostic d : loaded.diagnostics()) {
            log.info(keepalivedWording(d));
        }
        if (loaded.config() == null || loaded.hasFatal()) {
            log.info("Reload failed - keeping the running configuration");
            return false;
        }
        KeepalivedConfig next = loaded.config();
        if (host != null) {
            for (halo.config.VrrpInstance i : next.vrrpInstances()) {
                if (i.interfaceName() != null && !links.containsKey(i.interfaceName())) {
                    log.info("WARNING - interface " + i.interfaceName() + " for vrrp_instance " + i.name() + " doesn't exist");
                    log.info("Reload failed - keeping the running configuration");
                    return false;
                }
            }
        }
        KeepalivedConfig previous = config;
        config = next;
        reopenFifos();
        if (checkerSide != null) {
            checkerSide.reload(next);
        }
        if (host == null) {
            return false;
        }
        log.info("Reloading");
        Set<String> disabled = checkScripts();
        // the track files and processes as read for the new configuration: a changed path, weight or new one applies
        HostSetup setup = HostSetup.fromConfig(config, options.logDetail(), disabled, tracked);
        try {
            for (HostSetup.Instance i : setup.instances()) {
                openSocket(i);
            }
        } catch (NativeException e) {
            log.info("Reload failed - " + e.getMessage() + " - keeping the running configuration");
            setup.instances().forEach(socketOf::remove);
            closeUnusedSockets();
            config = previous;
            checkScripts();
            return false;
        }
        trackers.close();
        trackers = nextTrackers;
        // Addresses, routes and rules set now, to remove those no MASTER holds after the reload.
        Map<String, AddressSpot> setBefore = setAddresses(host);
        Set<halo.os.Route> routesBefore = new HashSet<>();
        Set<halo.os.Rule> rulesBefore = new HashSet<>();
        setRoutes(host, routesBefore, rulesBefore);
        long now = System.nanoTime();
        VrrpHost old = host;
        host = new VrrpHost(setup, this, old.counters());
        host.startAfterReload(now, old);
        Map<String, AddressSpot> setAfter = setAddresses(host);
        Set<halo.os.Route> routesAfter = new HashSet<>();
        Set<halo.os.Rule> rulesAfter = new HashSet<>();
        setRoutes(host, routesAfter, rulesAfter);
        rulesBefore.stream().filter(r -> !rulesAfter.contains(r)).forEach(r -> applyRule(r, false));
        routesBefore.stream().filter(r -> !routesAfter.contains(r)).forEach(r -> applyRoute(r, false));
        for (Map.Entry<String, AddressSpot> e : setBefore.entrySet()) {
            if (!setAfter.containsKey(e.getKey())) {
                removeAddress(e.getValue());
            }
        }
        reloadStatic(previous);
        Set<HostSetup.Instance> live = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        live.addAll(setup.instances());
        socketOf.keySet().retainAll(live);
        closeUnusedSockets();
        trackScripts.clear();
        try {
            startTrackers(trackers);
        } catch (IOException e) {
            log.info("Unable to monitor track files: " + e.getMessage());
        }
        log.info("Reload complete");
        return true;
    }

    /**
     * Closes the sockets no running instance uses (its instances removed by a reload), as keepalived closes the
     * sockets of the instances a reload removed: the kernel stops delivering their adverts to us, and leaves the
     * multicast group for them.
     */
    private void closeUnusedSockets() {
        Set<VrrpSocket> used = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        used.addAll(socketOf.values());
        for (var it = sockets.entrySet().iterator(); it.hasNext(); ) {
            VrrpSocket socket = it.next().getValue();
            if (!used.contains(socket)) {
                it.remove();
                ahSockets.remove(socket);
                poller.unregister(socket);
                socket.close();
                log.detail("Closed the VRRP socket of " + socket.interfaceName() + " (no instance uses it now)");
            }
        }
    }

    /** Where a virtual address was set: the instance's setup and its configuration entry. */
    private record AddressSpot(HostSetup.Instance setup, VirtualAddress address) {}

    /** The virtual addresses the host's MASTER instances have set, keyed by interface and address. */
    private Map<String, AddressSpot> setAddresses(VrrpHost h) {
        Map<String, AddressSpot> set = new HashMap<>();
        for (VrrpHost.Slot s : h.slots()) {
            if (!s.machine.virtualAddressesSet() || s.setup.config() == null) {
                continue;
            }
            for (VirtualAddress v : s.setup.config().virtualAddresses()) {
                String dev = v.device() != null ? v.device() : s.setup.spec().interfaceName();
                set.put(dev + "/" + v.address().address().getHostAddress(), new AddressSpot(s.setup, v));
            }
        }
        return set;
    }

    /** The virtual routes and rules of the host's MASTER instances. */
    private void setRoutes(VrrpHost h, Set<halo.os.Route> routes, Set<halo.os.Rule> rules) {
        for (VrrpHost.Slot s : h.slots()) {
            if (!s.machine.virtualAddressesSet() || s.setup.config() == null) {
                continue;
            }
            for (halo.config.VirtualRoute r : s.setup.config().virtualRoutes()) {
                try {
                    routes.add(RoutesAndRules.route(r, this::ifindex));
                } catch (IllegalArgumentException e) {
                    // reported when it was applied
                }
            }
            for (halo.config.VirtualRule r : s.setup.config().virtualRules()) {
                try {
                    rules.add(RoutesAndRules.rule(r));
                } catch (IllegalArgumentException e) {
                    // reported when it was applied
                }
            }
        }
    }

    /** static_* after a reload: what is gone is removed, what is new is added. */
    private void reloadStatic(KeepalivedConfig previous) {
        for (halo.config.VirtualRule r : previous.staticRules()) {
            if (!config.staticRules().contains(r)) {
                applyRule(r, false);
            }
        }
        for (halo.config.VirtualRoute r : previous.staticRoutes()) {
            if (!config.staticRoutes().contains(r)) {
                applyRoute(r, false);
            }
        }
        for (VirtualAddress v : previous.staticAddresses()) {
            if (!config.staticAddresses().contains(v)) {
                changeAddress(STATIC, v, false);
            }
        }
        changeStatic(config, true);
    }

    /** Starts watching; what the watchers see reaches the host on the protocol thread, unless a reload replaced them. */
    private void startTrackers(VrrpTrackers t) throws IOException {
        t.start(new VrrpTrackers.Sink() {
            @Override
            public void fileValue(String name, long value) {
                onProtocolThread(t, () -> host.onTrackFile(System.nanoTime(), name, value));
            }

            @Override
            public void processQuorum(String name, boolean up) {
                onProtocolThread(t, () -> host.onTrackProcess(System.nanoTime(), name, up));
            }
        });
    }

    /** Runs WORK on the protocol thread, unless a reload has replaced the trackers T that asked for it. */
    private void onProtocolThread(VrrpTrackers t, Runnable work) {
        tasks.add(() -> {
            if (trackers == t) {
                work.run();
            }
        });
        wakeup();
    }

    /**
     * The notify FIFOs of the sides that run, with their scripts started (keepalived opens them as each side starts,
     * before its checkers and instances, so the first lines reach them).
     */
    private void openFifos() {
        fifos = NotifyFifos.open(config.global(), vrrpSide, checkerSideRuns, scripts, log).watch();
    }

    /**
     * At reload keepalived kills every script, its FIFO scripts among them, closes its FIFOs ("we don't know if it
     * will be the same after a reload") and opens them again from the new configuration, starting the scripts again.
     */
    private void reopenFifos() {
        fifos.closeForReload();
        openFifos();
    }

    // --- HostPort ---

    @Override
    public byte[] primaryAddress(String interfaceName, boolean ipv6) {
        Link link = links.get(interfaceName);
        if (link == null) {
            return null;
        }
        try {
            for (HostAddress a : netlink.addresses(link.index())) {
                if (ipv6 && a.address() instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
                    return a.address().getAddress();
                }
                if (!ipv6 && a.address() instanceof Inet4Address && (a.flags() & HostAddress.IFA_F_SECONDARY) == 0) {
                    return a.address().getAddress();
                }
            }
        } catch (NativeException e) {
            log.info("Cannot read the addresses of " + interfaceName + ": " + e.getMessage());
        }
        return null;
    }

    private static boolean isAh(HostSetup.Instance i) {
        return i.authType() == 2 && !i.spec().ipv6() && i.spec().version() == 2;
    }

    @Override
    public boolean sendsDatagrams() {
        return true;
    }

    @Override
    public void sendDatagram(HostSetup.Instance instance, byte[] destination, byte[] datagram, int offset, int length) {
        VrrpSocket socket = socketOf.get(instance);
        InetAddress to = destination(destination);
        try {
            socket.send(datagram, offset, length, to);
        } catch (NativeException e) {
            log.detail("(" + instance.spec().name() + ") cannot send advert: " + e.getMessage());
        }
    }

    @Override
    public boolean isUp(String interfaceName) {
        Link link = links.get(interfaceName);
        return link != null && link.isRunning();
    }

    @Override
    public void sendAdvert(HostSetup.Instance instance, boolean ipv6, byte[] destination, int ttl, byte[] message,
                           int offset, int length) {
        VrrpSocket socket = socketOf.get(instance);
        InetAddress to = destination(destination);
        try {
            socket.send(message, offset, length, to);
        } catch (NativeException e) {
            log.detail("(" + instance.spec().name() + ") cannot send advert: " + e.getMessage());
        }
    }

    /**
     * At stop a master's addresses outlive its priority-0 advert by one advert interval (at most a second): the backup
     * takes over after only its Skew_Time, so clients see no gap, as with keepalived (measured by bench/failover: no
     * outage at 0.05 s and 0.01 s adverts), where removing at once left them 20-50 ms without an answer.
     */
    private void releaseAddressesLeftAtStop() {
        if (addressesLeftAtStop.isEmpty()) {
            return;
        }
        long waitMs = 0;
        for (HostSetup.Instance i : addressesLeftAtStop) {
            waitMs = Math.max(waitMs, Math.min(1000, i.spec().advertInterval().toMillis()));
        }
        try {
            Thread.sleep(waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (HostSetup.Instance i : addressesLeftAtStop) {
            changeRoutes(i, false);
            changeAddresses(i, false);
        }
        addressesLeftAtStop.clear();
    }

    @Override
    public void virtualAddresses(VrrpInstance instance, HostSetup.Instance setup, boolean set) {
        // keepalived: addresses, then routes, then rules when becoming master; the reverse when leaving
        if (!set && stopping) {
            addressesLeftAtStop.add(setup);
        } else if (set) {
            changeAddresses(setup, true);
            changeRoutes(setup, true);
        } else {
            changeRoutes(setup, false);
            changeAddresses(setup, false);
        }
        if (checkerSide != null && setup.config() != null) {
            // ha_suspend: the checker side follows the VIPs
            for (VirtualAddress v : setup.config().virtualAddresses()) {
                if (set) {
                    checkerSide.addressAdded(v.address().address());
                } else {
                    checkerSide.addressRemoved(v.address().address());
                }
            }
        }
    }

    /** virtual_routes and virtual_rules of an instance, with keepalived's log lines. */
    private void changeRoutes(HostSetup.Instance setup, boolean add) {
        halo.config.VrrpInstance c = setup.config();
        if (c == null || (!add && options.dontReleaseVrrp() && stopRequested)) {
            return;
        }
        String name = "(" + setup.spec().name() + ") ";
        if (add) {
            if (!c.virtualRoutes().isEmpty()) {
                log.detail(name + "setting Virtual Routes");
                c.virtualRoutes().forEach(r -> applyRoute(r, true));
            }
            if (!c.virtualRules().isEmpty()) {
                log.detail(name + "setting Virtual Rules");
                c.virtualRules().forEach(r -> applyRule(r, true));
            }
        } else {
            if (!c.virtualRules().isEmpty()) {
                log.detail(name + "removing Virtual Rules");
                c.virtualRules().forEach(r -> applyRule(r, false));
            }
            if (!c.virtualRoutes().isEmpty()) {
                log.detail(name + "removing Virtual Routes");
                c.virtualRoutes().forEach(r -> applyRoute(r, false));
            }
        }
    }

    private int ifindex(String name) {
        Link l = links.get(name);
        return l == null ? 0 : l.index();
    }

    private void applyRoute(halo.config.VirtualRoute r, boolean add) {
        halo.os.Route route;
        try {
            route = RoutesAndRules.route(r, this::ifindex);
        } catch (IllegalArgumentException e) {
            log.info("Cannot use route " + r.destination() + ": " + e.getMessage());
            return;
        }
        applyRoute(route, add);
    }

    private void applyRoute(halo.os.Route route, boolean add) {
        try {
            if (add) {
                netlink.addRoute(route);
            } else {
                netlink.removeRoute(route);
            }
        } catch (NativeException e) {
            // a route through a removed address has gone with it; one already there is fine
            boolean harmless = add ? e instanceof NativeException.AlreadyExistsException
                    : e instanceof NativeException.NotFoundException || e.errno() == halo.os.Errno.ESRCH;
            if (!harmless) {
                log.info("Cannot " + (add ? "add" : "remove") + " route " + route + ": " + e.getMessage());
            }
        }
    }

    private void applyRule(halo.config.VirtualRule r, boolean add) {
        halo.os.Rule rule;
        try {
            rule = RoutesAndRules.rule(r);
        } catch (IllegalArgumentException e) {
            log.info("Cannot use rule " + String.join(" ", r.words()) + ": " + e.getMessage());
            return;
        }
        applyRule(rule, add);
    }

    private void applyRule(halo.os.Rule rule, boolean add) {
        try {
            if (add) {
                netlink.addRule(rule);
            } else {
                netlink.removeRule(rule);
            }
        } catch (NativeException e) {
            boolean harmless = add ? e instanceof NativeException.AlreadyExistsException
                    : e instanceof NativeException.NotFoundException || e.errno() == halo.os.Errno.ENOENT;
            if (!harmless) {
                log.info("Cannot " + (add ? "add" : "remove") + " rule " + rule + ": " + e.getMessage());
            }
        }
    }

    /** static_ipaddress, static_routes and static_rules: set at startup, removed at shutdown, as keepalived. */
    private void changeStatic(KeepalivedConfig c, boolean add) {
        if (add) {
            c.staticAddresses().forEach(v -> changeAddress(STATIC, v, true));
            c.staticRoutes().forEach(r -> applyRoute(r, true));
            c.staticRules().forEach(r -> applyRule(r, true));
        } else {
            c.staticRules().forEach(r -> applyRule(r, false));
            c.staticRoutes().forEach(r -> applyRoute(r, false));
            c.staticAddresses().forEach(v -> changeAddress(STATIC, v, false));
        }
    }

    private void changeAddresses(HostSetup.Instance setup, boolean add) {
        if (setup.config() == null) {
            return;
        }
        if (!add && options.dontReleaseVrrp() && stopRequested) {
            return;
        }
        for (VirtualAddress v : setup.config().virtualAddresses()) {
            changeAddress(setup, v, add);
        }
    }

    private void removeAddress(AddressSpot spot) {
        log.info("(" + spot.setup().spec().name() + ") removing " + spot.address().address() + " (no longer configured)");
        changeAddress(spot.setup(), spot.address(), false);
    }

    private void changeAddress(HostSetup.Instance setup, VirtualAddress v, boolean add) {
        String dev = v.device() != null ? v.device() : setup.spec().interfaceName();
        Link link = links.get(dev);
        if (link == null) {
            log.info("(" + setup.spec().name() + ") interface " + dev + " for " + v.address() + " doesn't exist");
            return;
        }
        HostAddress a = HostAddress.of(link.index(), v.address().address(), v.address().prefixLength());
        if (v.broadcast() != null) {
            a = a.withBroadcast(v.broadcast());
        }
        if (v.label() != null) {
            a = a.withLabel(v.label());
        }
        if (v.scope() != null) {
            a = a.withScope(scope(v.scope()));
        }
        if (a.isIpv6()) {
            a = a.withNoDad(); // keepalived adds IPv6 VIPs without duplicate address detection
        }
        try {
            if (add) {
                netlink.addAddress(a);
                ourAddresses.add(v.address().address().getHostAddress());
            } else {
                ourAddresses.remove(v.address().address().getHostAddress());
                netlink.removeAddress(a);
            }
        } catch (NativeException e) {
            boolean harmless = add ? e instanceof NativeException.AlreadyExistsException
                    : e instanceof NativeException.NotFoundException;
            if (!harmless) {
                log.info("(" + setup.spec().name() + ") cannot " + (add ? "add" : "remove") + " " + v.address() + " on " + dev + ": " + e.getMessage());
            }
        }
    }

    /** keepalived's scope names and numbers; a scope it would refuse falls back to global, with a log line. */
    private int scope(String name) {
        try {
            return halo.os.Scope.parse(name);
        } catch (IllegalArgumentException e) {
            log.info("Unknown scope '" + name + "' - using global");
            return halo.os.Scope.GLOBAL;
        }
    }

    @Override
    public void gratuitousArps(VrrpInstance instance, HostSetup.Instance setup, int repeat) {
        if (setup.config() == null) {
            return;
        }
        for (VirtualAddress v : setup.config().virtualAddresses()) {
            String dev = v.device() != null ? v.device() : setup.spec().interfaceName();
            Link link = links.get(dev);
            if (link == null) {
                continue;
            }
            InetAddress a = v.address().address();
            for (int n = 0; n < repeat; n++) {
                try {
                    if (a instanceof Inet4Address v4) {
                        packets.sendGratuitousArp(link, v4);
                        log.detail("Sending gratuitous ARP on " + dev + " for " + a.getHostAddress());
                    } else if (a instanceof Inet6Address v6) {
                        packets.sendUnsolicitedNeighbourAdvert(link, v6);
                        log.detail("Sending unsolicited Neighbour Advert on " + dev + " for " + a.getHostAddress());
                    }
                } catch (NativeException e) {
                    log.info("Cannot send gratuitous ARP on " + dev + " for " + a.getHostAddress() + ": " + e.getMessage());
                    break;
                }
            }
        }
    }

    @Override
    public void runTrackScript(HostSetup.Script script) {
        Script s = trackScripts.computeIfAbsent(script, k -> toScript(k.command(), k.timeout()));
        scripts.run(s, List.of()).thenAccept(r -> {
            tasks.add(() -> host.onScriptExit(System.nanoTime(), script.name(), r.exitCode(), r.timedOut()));
            poller.wakeup();
        });
    }

    @Override
    public void runNotifyScript(String command, List<String> extraArgs, boolean stop) {
        if (disabledNotify.contains(command)) {
            return; // not found, or unsafe under enable_script_security: reported at startup
        }
        Script configured = notifyCommands.get(command);
        String user = configured != null ? configured.user() : scriptUser;
        Script s = new Script(command, configured != null ? configured.argv() : Script.split(command), user,
                stop ? STOP_SCRIPT_WAIT : NOTIFY_TIMEOUT);
        CompletableFuture<ScriptRunner.Result> run = scripts.run(s, extraArgs);
        if (stop) {
            stopScripts.add(run);
        }
    }

    @Override
    public void writeFifo(String line) {
        fifos.vrrpLine(line);
    }

    @Override
    public void log(String line) {
        log.info(line);
    }

    @Override
    public void stateChanged(VrrpInstance instance, VrrpState from, VrrpState to, TransitionReason reason) {
        lastTransitions.put(instance.name(), System.currentTimeMillis());
    }

    @Override
    public void groupStateChanged(SyncGroup group, VrrpState from, VrrpState to) {
    }

    private final Map<String, Long> lastTransitions = new HashMap<>();

    // --- control socket ---

    private String answer(String request) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        String command = request.strip();
        if (command.equals("lvs")) {
            // the checker side answers on its own thread
            if (checkerSide == null) {
                return "error: the checker side is not running\n";
            }
            try {
                return checkerSide.snapshotText();
            } catch (RuntimeException e) {
                return "error: " + e.getMessage() + "\n";
            }
        }
        tasks.add(() -> {
            try {
                reply.complete(switch (command) {
                    case "status", "status json" -> host == null ? StatusView.emptyJson() + "\n"
                            : StatusView.json(host, lastTransitions) + "\n";
                    case "status text" -> host == null ? "" : StatusView.text(host);
                    default -> "unknown command '" + command + "'\n";
                });
            } catch (RuntimeException e) {
                reply.completeExceptionally(e);
            }
        });
        wakeup();
        try {
            return reply.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "error: the daemon did not answer: " + e + "\n";
        }
    }

    // --- helpers ---

    /** The address of DESTINATION's bytes, made once (no lambda: a backup's first advert is at its takeover). */
    private InetAddress destination(byte[] bytes) {
        InetAddress a = destinations.get(bytes);
        if (a == null) {
            a = address(bytes);
            destinations.put(bytes, a);
        }
        return a;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** keepalived's form for configuration messages: {@code (FILE: Line N) message}. */
    static String keepalivedWording(Diagnostic d) {
        String where = d.location() == null ? "" : "(" + d.location().file() + ": Line " + d.location().line() + ") ";
        return where + d.message();
    }

    private void waitForStopScripts() {
        long end = System.nanoTime() + STOP_SCRIPT_WAIT.toNanos() + 500_000_000L;
        for (CompletableFuture<ScriptRunner.Result> f : stopScripts) {
            try {
                f.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // notify_stop gets a short time only, as in keepalived
            }
        }
    }

    private void writePidFiles() throws IOException {
        String pid = ProcessHandle.current().pid() + "\n";
        for (Path p : pidFiles()) {
            if (p != null) {
                Files.writeString(p, pid);
            }
        }
    }

    private Path[] pidFiles() {
        Path vrrp = options.runVrrp() ? options.vrrpPidFile() : null;
        Path checkers = options.runCheckers() ? options.checkersPidFile() : null;
        return new Path[] {options.pidFile(), vrrp, checkers};
    }

    private void deletePidFiles() {
        for (Path p : pidFiles()) {
            if (p != null) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // nothing to do
                }
            }
        }
    }

    private void closeAll() {
        try {
            if (control != null) {
                control.close();
            }
            if (checkerSide != null) {
                checkerSide.close();
            }
            if (trackers != null) {
                trackers.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        // after both sides have written their last lines (STOP, the checkers' DOWN)
        fifos.close();
        sockets.values().forEach(VrrpSocket::close);
        if (poller != null) {
            poller.close();
        }
        if (monitor != null) {
            monitor.close();
        }
        if (packets != null) {
            packets.close();
        }
        if (netlink != null) {
            netlink.close();
        }
    }
}
