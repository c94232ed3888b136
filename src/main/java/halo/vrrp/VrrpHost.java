package halo.vrrp;

import halo.vrrp.wire.AdvertEncoder;
import halo.vrrp.wire.AdvertValidator;
import halo.vrrp.wire.IpFamily;
import halo.vrrp.wire.PacketInfo;
import halo.vrrp.wire.RxCounter;
import halo.vrrp.wire.RxStatistics;
import halo.vrrp.wire.RxVerdict;
import halo.vrrp.wire.VrrpMessage;
import halo.vrrp.wire.WireInstance;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a VRRP host does except I/O: the state machines of its instances and sync groups, the codec on the way
 * in and out, vrrp_script scheduling with rise/fall counting, and interface tracking. A {@link HostPort} does the I/O;
 * the driver calls {@link #onTimer} at {@link #nextDeadline()} and hands received packets to {@link #receiveIpv4}
 * (a whole datagram) or {@link #receiveMessage} (the message and what the socket said of it). One thread only; the steady state (adverts in and out) allocates nothing.
 *
 * <p>Timers: every instance and vrrp_script is an entry of one indexed min-heap keyed by deadline, re-filed after
 * each call into a machine (and its sync-group mates), so {@link #nextDeadline()} and {@link #onTimer} cost O(log n)
 * per due entry instead of a scan of every instance.
 */
public final class VrrpHost implements VrrpActions {

    /** Receive counters (RFC 6527 names) and what the host itself counts. */
    public static final class Counters {
        public final RxStatistics rx = new RxStatistics();
        public long unknownVrid;
        public long advertsSent;
        public long advertsReceived;
        public long gratuitousArpBatches;
        public long scriptsRun;
        public long scriptsSkippedStillRunning;
    }

    /**
     * One instance with its wire settings. A slot is its machine's {@link VrrpActions}, so what the machine asks for
     * (an advert, its addresses) reaches the slot directly, with no lookup by instance.
     */
    public final class Slot implements VrrpActions {
        public final HostSetup.Instance setup;
        public final InstanceMachine machine;
        final WireInstance wire = new WireInstance();
        final boolean ipv6;
        final byte[] group;
        final byte[][] peers;
        /** This slot's entry in {@link #timers}. */
        final int index;
        Slot[] syncMates = new Slot[0];
        private Object portHandle;

        Slot(HostSetup.Instance setup, byte[] source, int index) {
            this.setup = setup;
            this.index = index;
            InstanceSpec spec = setup.spec();
            this.ipv6 = spec.ipv6();
            wire.family(ipv6 ? IpFamily.IPV6 : IpFamily.IPV4).version(spec.version()).vrid(spec.virtualRouterId())
                    .advertIntervalCentis((int) (spec.advertInterval().toMillis() / 10))
                    .addresses(spec.virtualIpAddresses().stream().filter(a -> a.isV6() == ipv6).map(IpAddress::toInetAddress).toList())
                    .authentication(setup.authentication(), setup.password())
                    .unicast(!setup.unicastPeers().isEmpty())
                    .checksumAsV2(setup.checksumAsV2())
                    .skipCheckAdvAddr(spec.skipCheckAdvAddr())
                    .source(source, 0);
            if (setup.multicastGroup() != null) {
                wire.multicastGroup(setup.multicastGroup());
            }
            if (setup.config() != null) {
                // check_unicast_src: adverts from the listed peers only, each within its min_ttl..max_ttl
                for (halo.config.UnicastPeer p : setup.config().unicastPeers()) {
                    wire.unicastPeer(p.address(), p.minTtl(), p.maxTtl());
                }
            }
            wire.checkUnicastSource(setup.checkUnicastSource());
            this.group = setup.multicastGroup() != null ? setup.multicastGroup().getAddress()
                    : (ipv6 ? WireInstance.IPV6_GROUP : WireInstance.IPV4_GROUP).clone();
            this.peers = setup.unicastPeers().stream().map(InetAddress::getAddress).toArray(byte[][]::new);
            // last: until the machine exists (its constructor may call back), the slot sends nothing
            this.machine = new InstanceMachine(spec.toBuilder().sourceAddress(IpAddress.of(source)).build(), this);
        }

        public boolean ipv6() {
            return ipv6;
        }

        /** What the {@link HostPort} keeps for this instance (its socket, its outgoing interface); null until it sets one. */
        public Object portHandle() {
            return portHandle;
        }

        /** Lets the port keep what it needs per instance here, so sending an advert needs no lookup. */
        public void portHandle(Object handle) {
            this.portHandle = handle;
        }

        public String interfaceName() {
            return setup.spec().interfaceName();
        }

        public byte[] multicastGroup() {
            return group;
        }

        public boolean unicast() {
            return peers.length > 0;
        }

        // --- VrrpActions: what this slot's machine asks of the host ---

        @Override
        public void sendAdvert(InstanceMachine instance, int priority) {
            if (machine != null) {
                advertise(this, priority);
            }
        }

        @Override
        public void addVirtualAddresses(InstanceMachine instance) {
            if (machine != null) {
                port.virtualAddresses(instance, setup, true);
            }
        }

        @Override
        public void removeVirtualAddresses(InstanceMachine instance) {
            if (machine != null) {
                port.virtualAddresses(instance, setup, false);
            }
        }

        @Override
        public void sendGratuitousArps(InstanceMachine instance, int repeat) {
            if (machine != null) {
                counters.gratuitousArpBatches++;
                port.gratuitousArps(instance, setup, repeat);
            }
        }

        @Override
        public void runScript(String command, List<String> extraArgs, boolean stop) {
            VrrpHost.this.runScript(command, extraArgs, stop);
        }

        @Override
        public void writeFifo(String line) {
            VrrpHost.this.writeFifo(line);
        }

        @Override
        public void log(String line) {
            VrrpHost.this.log(line);
        }

        @Override
        public void stateChanged(InstanceMachine instance, VrrpState from, VrrpState to, TransitionReason reason) {
            VrrpHost.this.stateChanged(instance, from, to, reason);
        }

        @Override
        public void groupStateChanged(SyncGroup group, VrrpState from, VrrpState to) {
            VrrpHost.this.groupStateChanged(group, from, to);
        }
    }

    private final class TrackScript {
        final HostSetup.Script setup;
        final ScriptTracker tracker;
        long nextRun;
        boolean running;

        TrackScript(HostSetup.Script setup) {
            this(setup, new ScriptTracker(setup.name(), setup.rise(), setup.fall(), setup.initFail()));
        }

        TrackScript(HostSetup.Script setup, ScriptTracker tracker) {
            this.setup = setup;
            this.tracker = tracker;
        }
    }

    private final HostSetup setup;
    private final HostPort port;
    /** Every slot's and script's deadline, earliest first (built at start). */
    private DeadlineHeap timers;
    /** Per timer entry, the {@link #onTimer} call that last ran it. */
    private int[] fired;
    private int round;
    /** Per timer entry, the real deadline last seen and when it was set (a count of changes, for ties). */
    private long[] observed;
    private long[] setAt;
    private long setCount;
    private final Counters counters;
    private final List<Slot> slots = new ArrayList<>();
    private final Map<InstanceMachine, Slot> slotOf = new IdentityHashMap<>();
    private final List<SyncGroup> groups = new ArrayList<>();
    private final List<TrackScript> scripts = new ArrayList<>();
    private final Map<String, TrackScript> scriptByName = new HashMap<>();
    /** Receive lookup: per interface name, [family][VRID] -> slot. */
    private final Map<String, Slot[][]> byVrid = new HashMap<>();

    private final AdvertEncoder encoder = new AdvertEncoder();
    private final AdvertValidator validator = new AdvertValidator();
    private final PacketInfo info = new PacketInfo();
    private final byte[] tx = new byte[2048];
    private final MemorySegment txSegment = MemorySegment.ofArray(tx);
    private final byte[] rx = new byte[65536];
    private final MemorySegment rxSegment = MemorySegment.ofArray(rx);
    private final byte[] sourceScratch = new byte[16];

    // Peers' addresses as the state machine wants them: one IpAddress per peer, made once.
    private byte[][] peerBytes = new byte[4][];
    private IpAddress[] peerAddresses = new IpAddress[4];
    private int peerCount;
    private boolean started;
    private boolean stopped;

    public VrrpHost(HostSetup setup, HostPort port, Counters counters) {
        this.setup = setup;
        this.port = port;
        this.counters = counters;
    }

    public VrrpHost(HostSetup setup, HostPort port) {
        this(setup, port, new Counters());
    }

    public Counters counters() {
        return counters;
    }

    /**
     * keepalived's SIGRTMAX-1 (STATS_CLEAR) after its keepalived.stats: every instance's counters and the receive
     * counters (keepalived's per-instance packet and authentication errors) back to zero.
     */
    public void clearStatistics() {
        for (Slot s : slots) {
            s.machine.clearStatistics();
        }
        counters.rx.reset();
    }

    public List<Slot> slots() {
        return List.copyOf(slots);
    }

    public List<SyncGroup> syncGroups() {
        return List.copyOf(groups);
    }

    /** Builds the state machines and starts them: every instance in BACKUP (or FAULT), every vrrp_script due at once. */
    public void start(long now) {
        build();
        for (Slot s : slots) {
            s.machine.start(now);
        }
        checkLinks(now);
        // keepalived runs every vrrp_script once at startup, then every interval.
        for (HostSetup.Script sc : setup.scripts()) {
            TrackScript script = new TrackScript(sc);
            script.nextRun = now;
            scripts.add(script);
            scriptByName.put(sc.name(), script);
        }
        indexTimers();
    }

    /**
     * keepalived's key for matching an instance across a reload: not its name but its VRID, family and interface, and
     * its unicast source (unicast) or multicast group.
     */
    public static String reloadKey(HostSetup.Instance i) {
        InstanceSpec spec = i.spec();
        String where = !i.unicastPeers().isEmpty()
                ? "unicast " + (i.sourceAddress() == null ? "" : i.sourceAddress().getHostAddress())
                : "multicast " + (i.multicastGroup() == null ? "" : i.multicastGroup().getHostAddress());
        return spec.virtualRouterId() + "/" + (spec.ipv6() ? "inet6" : "inet") + "/" + spec.interfaceName() + "/" + where;
    }

    /**
     * A reload (SIGHUP): starts this host in place of {@code previous}, which is retired. Instances of {@code previous}
     * that this setup no longer has stop first (a MASTER sends priority 0 and drops its addresses; notify_stop runs);
     * instances matched by {@link #reloadKey} resume the state they had ({@link InstanceMachine#resume}, and
     * {@link SyncGroup#resume} for a sync group's members); new ones start in BACKUP. A vrrp_script whose definition did
     * not change keeps its rise/fall state and schedule.
     */
    public void startAfterReload(long now, VrrpHost previous) {
        Map<String, Slot> before = new HashMap<>();
        if (previous.started && !previous.stopped) {
            for (Slot old : previous.slots) {
                before.put(reloadKey(old.setup), old);
            }
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (HostSetup.Instance i : setup.instances()) {
            keys.add(reloadKey(i));
        }
        for (Slot old : previous.slots) {
            if (!keys.contains(reloadKey(old.setup)) && before.containsKey(reloadKey(old.setup))) {
                old.machine.shutdown(now);
            }
        }
        previous.stopped = true;
        build();
        // sync groups first: a group keeps its state only as a whole
        Map<InstanceMachine, InstanceMachine> previousOf = new java.util.IdentityHashMap<>();
        for (Slot s : slots) {
            Slot old = before.get(reloadKey(s.setup));
            if (old != null) {
                previousOf.put(s.machine, old.machine);
            }
        }
        for (SyncGroup g : groups) {
            VrrpState was = previous.groups.stream().filter(o -> o.name().equals(g.name())).map(SyncGroup::state)
                    .findFirst().orElse(null);
            g.resume(now, previousOf, was);
        }
        for (Slot s : slots) {
            Slot old = before.get(reloadKey(s.setup));
            if (old != null) {
                s.machine.resume(now, old.machine);
            } else {
                s.machine.start(now);
            }
        }
        checkLinks(now);
        for (HostSetup.Script sc : setup.scripts()) {
            TrackScript kept = previous.scriptByName.get(sc.name());
            TrackScript script = kept != null && kept.setup.equals(sc) ? new TrackScript(sc, kept.tracker) : new TrackScript(sc);
            script.nextRun = kept != null && kept.setup.equals(sc) ? kept.nextRun : now;
            script.running = kept != null && kept.running;
            scripts.add(script);
            scriptByName.put(sc.name(), script);
        }
        indexTimers();
    }

    private void build() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        for (HostSetup.Instance i : setup.instances()) {
            String ifname = i.spec().interfaceName();
            byte[] source = i.sourceAddress() != null ? i.sourceAddress().getAddress() : port.primaryAddress(ifname, i.spec().ipv6());
            if (source == null) {
                source = new byte[i.spec().ipv6() ? 16 : 4];
            }
            Slot s = new Slot(i, source, slots.size());
            slots.add(s);
            slotOf.put(s.machine, s);
            byVrid.computeIfAbsent(ifname, k -> new Slot[2][256])[s.ipv6 ? 1 : 0][i.spec().virtualRouterId()] = s;
        }
        for (HostSetup.Group g : setup.syncGroups()) {
            List<InstanceMachine> members = new ArrayList<>();
            List<Slot> mates = new ArrayList<>();
            for (String name : g.members()) {
                for (Slot s : slots) {
                    if (s.machine.name().equals(name)) {
                        members.add(s.machine);
                        mates.add(s);
                    }
                }
            }
            if (members.isEmpty()) {
                continue;
            }
            groups.add(new SyncGroup(g.name(), members, g.trackingWeight(), g.notifyScripts(), this));
            for (Slot s : mates) {
                s.syncMates = mates.stream().filter(m -> m != s).toArray(Slot[]::new);
            }
        }
    }

    private void checkLinks(long now) {
        for (Slot s : slots) {
            if (!port.isUp(s.interfaceName())) {
                s.machine.onInterfaceChange(now, false);
            }
            for (TrackerSpec t : s.setup.spec().trackers()) {
                if (t.kind() == TrackerKind.INTERFACE && !port.isUp(t.name())) {
                    s.machine.onTrackerStatus(now, TrackerKind.INTERFACE, t.name(), false);
                }
            }
        }
    }

    /**
     * Builds the timer index over every slot and vrrp_script: entries {@code 0..slots-1} are the slots (by
     * {@link Slot#index}), the rest the scripts in order.
     */
    private void indexTimers() {
        int n = slots.size() + scripts.size();
        timers = new DeadlineHeap(n);
        fired = new int[n];
        observed = new long[n];
        setAt = new long[n];
        Arrays.fill(observed, Long.MIN_VALUE);
        for (int e = 0; e < n; e++) {
            observe(e, deadlineOf(e));
            timers.set(e, observed[e], setAt[e]);
        }
    }

    /**
     * Notes {@code entry}'s real deadline; when it changed, it counts as set now. Equal deadlines run in the order they
     * were set, as keepalived's timer tree runs them (the first of two backups to hear a priority-0 advert goes first).
     */
    private void observe(int entry, long deadline) {
        if (deadline != observed[entry]) {
            observed[entry] = deadline;
            setAt[entry] = ++setCount;
        }
    }

    /** The real deadline of a timer entry: a machine's next deadline, or a script's next run. */
    private long deadlineOf(int entry) {
        return entry < slots.size() ? slots.get(entry).machine.nextDeadline() : scripts.get(entry - slots.size()).nextRun;
    }

    /**
     * Re-files {@code s} and its sync-group mates (a call into one member can move the others) in the timer index.
     * The host does this after each of its own calls into a machine; call it after calling into {@code s.machine}
     * directly. A deadline that moved earlier is re-filed at once; one that moved later (a backup's down timer,
     * pushed on by every advert) is left early and re-filed only when it reaches the top, which turns a heap operation
     * per received advert into one per Master_Down_Interval.
     */
    public void reschedule(Slot s) {
        if (timers == null) {
            return;
        }
        rescheduleOne(s);
        for (Slot m : s.syncMates) {
            rescheduleOne(m);
        }
    }

    private void rescheduleOne(Slot s) {
        long d = s.machine.nextDeadline();
        observe(s.index, d);
        if (d < timers.deadline(s.index)) {
            timers.set(s.index, d, setAt[s.index]);
        }
    }

    /** After a call that reaches every machine (a tracker, a link, shutdown). */
    private void rescheduleAll() {
        if (timers == null) {
            return;
        }
        for (int i = 0; i < slots.size(); i++) {
            rescheduleOne(slots.get(i));
        }
    }

    /**
     * When {@link #onTimer} must next be called; {@link InstanceMachine#NEVER} when nothing is scheduled. Costs
     * O(log n) per entry whose deadline moved later since it was filed, not a scan of every instance.
     */
    public long nextDeadline() {
        if (timers == null || timers.size() == 0) {
            return InstanceMachine.NEVER;
        }
        while (true) {
            int e = timers.top();
            long filed = timers.topDeadline();
            long real = deadlineOf(e);
            observe(e, real);
            if (real == filed && setAt[e] == timers.topSeq()) {
                // every other entry is filed no later than its real deadline, and no earlier than this one
                return filed;
            }
            timers.set(e, real, setAt[e]);
        }
    }

    /** Runs whatever is due at {@code now}, earliest first: instance timers and vrrp_script runs, each once per call. */
    public void onTimer(long now) {
        if (stopped || timers == null) {
            return;
        }
        round++;
        while (nextDeadline() <= now) {
            int e = timers.top();
            if (fired[e] == round) {
                break; // due again already: the next call runs it
            }
            fired[e] = round;
            if (e < slots.size()) {
                Slot s = slots.get(e);
                s.machine.onTimer(now);
                reschedule(s);
                continue;
            }
            TrackScript sc = scripts.get(e - slots.size());
            sc.nextRun = now + Math.max(1, sc.setup.intervalNanos());
            observe(e, sc.nextRun);
            timers.set(e, sc.nextRun, setAt[e]);
            if (sc.running) {
                // keepalived never runs a script twice at once; it skips the turn.
                counters.scriptsSkippedStillRunning++;
                continue;
            }
            sc.running = true;
            counters.scriptsRun++;
            port.runTrackScript(sc.setup);
        }
    }

    /**
     * A vrrp_script run ended: {@code exitCode} as the process exited, or -1 with {@code timedOut} when it was killed
     * after its timeout (a failure, as keepalived counts it).
     */
    public void onScriptExit(long now, String scriptName, int exitCode, boolean timedOut) {
        TrackScript sc = scriptByName.get(scriptName);
        if (sc == null || stopped) {
            return;
        }
        sc.running = false;
        ScriptTracker.Change c = timedOut ? sc.tracker.onTimeout(this) : sc.tracker.onExit(exitCode, this);
        if (c != ScriptTracker.Change.NONE) {
            for (int i = 0; i < slots.size(); i++) {
                slots.get(i).machine.onTrackerStatus(now, TrackerKind.SCRIPT, sc.setup.name(), c == ScriptTracker.Change.NOW_UP);
            }
            rescheduleAll();
        }
    }

    /** An interface went up or down: the instances on it, and those tracking it. */
    public void onLinkChange(long now, String interfaceName, boolean up) {
        if (stopped) {
            return;
        }
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            if (s.interfaceName().equals(interfaceName)) {
                s.machine.onInterfaceChange(now, up);
            }
            s.machine.onTrackerStatus(now, TrackerKind.INTERFACE, interfaceName, up);
        }
        rescheduleAll();
    }

    /** A track_file now holds {@code value} (inotify saw it written): every instance tracking it re-weighs. */
    public void onTrackFile(long now, String trackFileName, long value) {
        if (stopped) {
            return;
        }
        for (int i = 0; i < slots.size(); i++) {
            slots.get(i).machine.onTrackFileValue(now, trackFileName, value);
        }
        rescheduleAll();
    }

    /** A vrrp_track_process gained or lost its quorum (after its fork or terminate delay). */
    public void onTrackProcess(long now, String trackProcessName, boolean up) {
        if (stopped) {
            return;
        }
        port.log("Quorum " + (up ? "gained" : "lost") + " for tracked process " + trackProcessName);
        for (int i = 0; i < slots.size(); i++) {
            slots.get(i).machine.onTrackerStatus(now, TrackerKind.PROCESS, trackProcessName, up);
        }
        rescheduleAll();
    }

    /** An IPv4 datagram as a raw socket delivers it (IP header included: the TTL is read from it). */
    public void receiveIpv4(long now, String interfaceName, byte[] datagram, int offset, int length) {
        Slot s = lookup(interfaceName, false, false, datagram, offset, length);
        if (s == null) {
            return;
        }
        System.arraycopy(datagram, offset, rx, 0, length);
        RxVerdict verdict = validator.validateIpv4Datagram(s.wire, counters.rx, rxSegment, 0, length, info);
        accept(now, s, verdict);
    }

    /**
     * A VRRP message (no IP header) with what the socket reported about it: source, destination and TTL / hop limit.
     * Addresses are 4 or 16 bytes long.
     */
    public void receiveMessage(long now, String interfaceName, boolean ipv6, byte[] source, byte[] destination, int ttl,
                               byte[] message, int offset, int length) {
        Slot s = lookup(interfaceName, ipv6, true, message, offset, length);
        if (s == null) {
            return;
        }
        System.arraycopy(message, offset, rx, 0, length);
        boolean multicast = ipv6 ? (destination[0] & 0xff) == 0xff : (destination[0] & 0xf0) == 0xe0;
        info.set(ipv6 ? IpFamily.IPV6 : IpFamily.IPV4, source, 0, destination, 0, ttl, multicast);
        RxVerdict verdict = validator.validateMessage(s.wire, counters.rx, rxSegment, 0, length, info);
        accept(now, s, verdict);
    }

    private Slot lookup(String interfaceName, boolean ipv6, boolean messageOnly, byte[] p, int off, int len) {
        Slot[][] table = byVrid.get(interfaceName);
        int vrid = vridOf(messageOnly, p, off, len);
        Slot s = table == null || vrid < 0 ? null : table[ipv6 ? 1 : 0][vrid];
        if (s == null) {
            counters.unknownVrid++;
        }
        return stopped ? null : s;
    }

    private void accept(long now, Slot s, RxVerdict verdict) {
        RxCounter counter = verdict.counter();
        if (counter == RxCounter.ADDRESS_LIST_ERRORS) {
            s.machine.countAddressListError();
        } else if (counter == RxCounter.ADV_INTERVAL_ERRORS) {
            s.machine.countAdvertIntervalError();
        }
        if (!verdict.accepted() || verdict == RxVerdict.ACCEPT_OWNER_ADDRESS_MISMATCH || validator.switchedToOldUnicastChecksum()) {
            port.log(validator.describe(s.machine.name(), s.wire));
            if (!verdict.accepted()) {
                return;
            }
        }
        counters.advertsReceived++;
        VrrpMessage m = validator.message();
        int interval = m.version() == VrrpMessage.VERSION_2 ? m.advertIntervalSeconds() : m.maxAdvertIntervalCentis();
        s.wire.lastMaster(info);
        int n = info.family() == IpFamily.IPV6 ? 16 : 4;
        info.copySource(sourceScratch, 0);
        s.machine.onAdvert(now, m.priority(), interval, peer(sourceScratch, n));
        reschedule(s);
    }

    /** The VRID of an IPv4 datagram (after the IP header and any AH header) or of a VRRP message; -1 if short. */
    private static int vridOf(boolean messageOnly, byte[] p, int off, int len) {
        int at = 1;
        if (!messageOnly) {
            if (len < 20) {
                return -1;
            }
            at = (p[off] & 0x0f) * 4 + ((p[off + 9] & 0xff) == 51 ? 24 : 0) + 1;
        }
        return at < len ? p[off + at] & 0xff : -1;
    }

    private IpAddress peer(byte[] src, int n) {
        for (int i = 0; i < peerCount; i++) {
            if (Arrays.equals(peerBytes[i], 0, peerBytes[i].length, src, 0, n)) {
                return peerAddresses[i];
            }
        }
        if (peerCount == peerBytes.length) {
            peerBytes = Arrays.copyOf(peerBytes, peerCount * 2);
            peerAddresses = Arrays.copyOf(peerAddresses, peerCount * 2);
        }
        peerBytes[peerCount] = Arrays.copyOf(src, n);
        peerAddresses[peerCount] = IpAddress.of(peerBytes[peerCount]);
        return peerAddresses[peerCount++];
    }

    /** Shutdown: every MASTER sends priority 0 and drops its addresses; notify_stop runs. Idempotent. */
    public void shutdown(long now) {
        if (stopped || !started) {
            stopped = true;
            return;
        }
        for (Slot s : slots) {
            s.machine.shutdown(now);
        }
        for (SyncGroup g : groups) {
            g.shutdown(now);
        }
        rescheduleAll();
        stopped = true;
    }

    public Slot slot(String instanceName) {
        for (Slot s : slots) {
            if (s.machine.name().equals(instanceName)) {
                return s;
            }
        }
        return null;
    }

    // --- VrrpActions: for what is not one instance's (sync groups, script trackers); each slot is its own machine's ---

    @Override
    public void sendAdvert(InstanceMachine instance, int priority) {
        Slot s = slotOf.get(instance);
        if (s != null) {
            s.sendAdvert(instance, priority);
        }
    }

    private void advertise(Slot s, int priority) {
        counters.advertsSent++;
        if (s.peers.length == 0) {
            send(s, priority, s.group);
        } else {
            for (byte[] peer : s.peers) {
                send(s, priority, peer);
            }
        }
    }

    private void send(Slot s, int priority, byte[] dst) {
        if (s.setup.sendsAh() && port.sendsDatagrams()) {
            // RFC 2338 5.3.6.3 / RFC 2402: the AH header sits between the IP header and the message, over both
            ipIdentification = (ipIdentification + 1) & 0xffff;
            if (ipIdentification == 0) {
                ipIdentification = 1; // 0 would let the kernel pick one, changing what the ICV covers
            }
            int length = encoder.encodeIpv4Datagram(s.wire, priority, ipIdentification, txSegment, 0, dst, 0);
            port.sendDatagram(s.setup, dst, tx, 0, length);
            return;
        }
        int length = encoder.encodeMessage(s.wire, priority, txSegment, 0, dst, 0);
        port.sendAdvert(s, dst, s.wire.ttl(), tx, 0, length);
    }

    private int ipIdentification;

    @Override
    public void addVirtualAddresses(InstanceMachine instance) {
        Slot s = slotOf.get(instance);
        if (s != null) {
            s.addVirtualAddresses(instance);
        }
    }

    @Override
    public void removeVirtualAddresses(InstanceMachine instance) {
        Slot s = slotOf.get(instance);
        if (s != null) {
            s.removeVirtualAddresses(instance);
        }
    }

    @Override
    public void sendGratuitousArps(InstanceMachine instance, int repeat) {
        Slot s = slotOf.get(instance);
        if (s != null) {
            s.sendGratuitousArps(instance, repeat);
        }
    }

    @Override
    public void runScript(String command, List<String> extraArgs, boolean stop) {
        port.runNotifyScript(command, extraArgs, stop);
    }

    @Override
    public void writeFifo(String line) {
        port.writeFifo(line);
    }

    @Override
    public void log(String line) {
        port.log(line);
    }

    @Override
    public void stateChanged(InstanceMachine instance, VrrpState from, VrrpState to, TransitionReason reason) {
        port.stateChanged(instance, from, to, reason);
    }

    @Override
    public void groupStateChanged(SyncGroup group, VrrpState from, VrrpState to) {
        port.groupStateChanged(group, from, to);
    }
}
