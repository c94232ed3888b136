package halo.sim;

import halo.vrrp.IpAddress;
import halo.vrrp.ScriptTracker;
import halo.vrrp.SyncGroup;
import halo.vrrp.TransitionReason;
import halo.vrrp.VrrpActions;
import halo.vrrp.VrrpInstance;
import halo.vrrp.VrrpState;
import halo.vrrp.wire.AdvertEncoder;
import halo.vrrp.wire.AdvertValidator;
import halo.vrrp.wire.IpFamily;
import halo.vrrp.wire.PacketInfo;
import halo.vrrp.wire.RxStatistics;
import halo.vrrp.wire.RxVerdict;
import halo.vrrp.wire.VrrpMessage;
import halo.vrrp.wire.WireInstance;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The VRRP host of one simulated node for one boot: the real state machines ({@link VrrpInstance}, {@link SyncGroup},
 * {@link ScriptTracker}) and the real codec ({@link AdvertEncoder}, {@link AdvertValidator}). It plays the part the
 * daemon plays on a real host: adverts leave as encoded IPv4 datagrams (IPv6: messages) and arrive through receive
 * validation; timers run on the node's clock.
 */
final class VrrpNode implements NodeSoftware, VrrpActions {
    /** Scripts' and receive validation's counters outlive a boot (they are the node's, for tests to read). */
    static final class Counters {
        final RxStatistics rx = new RxStatistics();
        long unknownVrid;
        long advertsSent;
        long advertsReceived;
        long gratuitousArps;
        long scriptsRun;
    }

    private final class Slot {
        final NodeSetup.Instance setup;
        final VrrpInstance machine;
        final WireInstance wire = new WireInstance();
        final SimInterface iface;
        final boolean ipv6;
        final byte[] group;
        final byte[][] peers;
        final SimNode.Timer timer;
        Slot[] syncMates = new Slot[0];
        boolean vipSet;

        Slot(NodeSetup.Instance setup, SimInterface iface) {
            this.setup = setup;
            this.iface = iface;
            var spec = setup.spec();
            this.ipv6 = spec.ipv6();
            IpFamily family = ipv6 ? IpFamily.IPV6 : IpFamily.IPV4;
            byte[] source = setup.sourceAddress() != null ? setup.sourceAddress().getAddress()
                    : ipv6 ? iface.ipv6() : iface.ipv4();
            this.machine = new VrrpInstance(spec.toBuilder().sourceAddress(IpAddress.of(source)).build(), VrrpNode.this);
            wire.family(family).version(spec.version()).vrid(spec.virtualRouterId())
                    .advertIntervalCentis((int) (spec.advertInterval().toMillis() / 10))
                    .addresses(spec.virtualIpAddresses().stream().filter(a -> a.isV6() == ipv6).map(IpAddress::toInetAddress).toList())
                    .authentication(setup.authType(), setup.password())
                    .unicast(!setup.unicastPeers().isEmpty())
                    .checksumAsV2(setup.checksumAsV2())
                    .skipCheckAdvAddr(spec.skipCheckAdvAddr())
                    .source(source, 0);
            if (setup.multicastGroup() != null) wire.multicastGroup(setup.multicastGroup());
            this.group = setup.multicastGroup() != null ? setup.multicastGroup().getAddress()
                    : (ipv6 ? WireInstance.IPV6_GROUP : WireInstance.IPV4_GROUP).clone();
            this.peers = setup.unicastPeers().stream().map(InetAddress::getAddress).toArray(byte[][]::new);
            this.timer = node.timer(this::fire);
        }

        void fire() {
            machine.onTimer(node.now());
            rearm();
        }

        void rearm() {
            arm(this);
            for (Slot s : syncMates) arm(s);
        }
    }

    private final class Script {
        final NodeSetup.Script setup;
        final ScriptTracker tracker;
        final SimNode.Timer timer;
        final String trackerKey;

        Script(NodeSetup.Script setup) {
            this.setup = setup;
            this.tracker = new ScriptTracker(setup.name(), setup.rise(), setup.fall(), setup.initFail());
            this.timer = node.timer(this::run);
            this.trackerKey = "SCRIPT:" + setup.name();
        }

        void run() {
            counters.scriptsRun++;
            boolean failing = lan.isScriptFailing(node.name(), setup.name());
            ScriptTracker.Change c = tracker.onExit(failing ? 1 : 0, VrrpNode.this);
            if (c != ScriptTracker.Change.NONE) {
                long now = node.now();
                for (Slot s : slots) s.machine.onTrackerStatus(now, trackerKey, c == ScriptTracker.Change.NOW_UP);
                rearmAll();
            }
            timer.setAfter(setup.intervalNanos());
        }
    }

    private final SimulatedLan lan;
    private final NodeSetup setup;
    private final Counters counters;
    private SimNode node;
    private final List<Slot> slots = new ArrayList<>();
    private final Map<VrrpInstance, Slot> slotOf = new IdentityHashMap<>();
    private final List<SyncGroup> groups = new ArrayList<>();
    private final List<Script> scripts = new ArrayList<>();
    /** Receive lookup: per interface, VRID -> slot, one table per family. */
    private final Map<SimInterface, Slot[][]> byVrid = new IdentityHashMap<>();

    private final AdvertEncoder encoder = new AdvertEncoder();
    private final AdvertValidator validator = new AdvertValidator();
    private final PacketInfo info = new PacketInfo();
    private final byte[] tx = new byte[2048];
    private final MemorySegment txSegment = MemorySegment.ofArray(tx);
    private final byte[] rx = new byte[2048];
    private final MemorySegment rxSegment = MemorySegment.ofArray(rx);
    private int ipIdentification;

    // Peers' addresses as the state machine wants them: one IpAddress per peer, made once.
    private byte[][] peerBytes = new byte[4][];
    private IpAddress[] peerAddresses = new IpAddress[4];
    private int peerCount;

    VrrpNode(SimulatedLan lan, NodeSetup setup, Counters counters) {
        this.lan = lan;
        this.setup = setup;
        this.counters = counters;
    }

    @Override
    public void start(SimNode node) {
        this.node = node;
        for (NodeSetup.Instance i : setup.instances()) {
            SimInterface iface = node.iface(i.spec().interfaceName());
            if (iface == null) throw new IllegalStateException(node.name() + " has no interface " + i.spec().interfaceName());
            Slot s = new Slot(i, iface);
            slots.add(s);
            slotOf.put(s.machine, s);
            Slot[][] table = byVrid.computeIfAbsent(iface, k -> new Slot[2][256]);
            table[s.ipv6 ? 1 : 0][i.spec().virtualRouterId()] = s;
        }
        for (NodeSetup.Group g : setup.syncGroups()) {
            List<VrrpInstance> members = new ArrayList<>();
            List<Slot> mates = new ArrayList<>();
            for (String name : g.members()) {
                for (Slot s : slots) {
                    if (s.machine.name().equals(name)) {
                        members.add(s.machine);
                        mates.add(s);
                    }
                }
            }
            if (members.isEmpty()) continue;
            groups.add(new SyncGroup(g.name(), members, g.trackingWeight(), null, this));
            for (Slot s : mates) s.syncMates = mates.stream().filter(m -> m != s).toArray(Slot[]::new);
        }
        long now = node.now();
        for (Slot s : slots) s.machine.start(now);
        for (Slot s : slots) {
            if (!s.iface.isUp()) s.machine.onInterfaceChange(now, false);
            for (SimInterface other : node.interfaces()) {
                if (!other.isUp()) s.machine.onTrackerStatus(now, "INTERFACE:" + other.name(), false);
            }
        }
        rearmAll();
        // keepalived runs every vrrp_script once at startup, then every interval.
        for (NodeSetup.Script sc : setup.scripts()) {
            Script script = new Script(sc);
            scripts.add(script);
            script.timer.setAt(now);
        }
    }

    private void arm(Slot s) {
        long d = s.machine.nextDeadline();
        if (d == VrrpInstance.NEVER) {
            if (s.timer.isArmed()) s.timer.cancel();
        } else if (!s.timer.isArmed() || s.timer.deadline() != d) {
            s.timer.setAt(d);
        }
    }

    private void rearmAll() {
        for (Slot s : slots) arm(s);
    }

    @Override
    public void receive(SimInterface in, byte[] src, byte[] dst, int ttl, byte[] payload, int offset, int length) {
        boolean v6 = dst.length == 16;
        Slot[][] table = byVrid.get(in);
        int vrid = vridOf(v6, payload, offset, length);
        Slot s = table == null || vrid < 0 ? null : table[v6 ? 1 : 0][vrid];
        if (s == null) {
            counters.unknownVrid++;
            return;
        }
        System.arraycopy(payload, offset, rx, 0, length);
        RxVerdict verdict;
        if (v6) {
            info.set(IpFamily.IPV6, src, 0, dst, 0, ttl, Segment.isMulticast(dst));
            verdict = validator.validateMessage(s.wire, counters.rx, rxSegment, 0, length, info);
        } else {
            verdict = validator.validateIpv4Datagram(s.wire, counters.rx, rxSegment, 0, length, info);
        }
        if (!verdict.accepted()) {
            if (lan.logging()) log(validator.describe(s.machine.name(), s.wire));
            return;
        }
        counters.advertsReceived++;
        VrrpMessage m = validator.message();
        int interval = m.version() == VrrpMessage.VERSION_2 ? m.advertIntervalSeconds() : m.maxAdvertIntervalCentis();
        s.wire.lastMaster(info);
        s.machine.onAdvert(node.now(), m.priority(), interval, peer(src), verdict == RxVerdict.ACCEPT);
        s.rearm();
    }

    /** The VRID of an IPv4 datagram (after the IP header and any AH header) or of an IPv6 VRRP message; -1 if short. */
    private static int vridOf(boolean v6, byte[] p, int off, int len) {
        int at = 1;
        if (!v6) {
            if (len < 20) return -1;
            at = (p[off] & 0x0f) * 4 + ((p[off + 9] & 0xff) == 51 ? 24 : 0) + 1;
        }
        return at < len ? p[off + at] & 0xff : -1;
    }

    private IpAddress peer(byte[] src) {
        for (int i = 0; i < peerCount; i++) if (Arrays.equals(peerBytes[i], src)) return peerAddresses[i];
        if (peerCount == peerBytes.length) {
            peerBytes = Arrays.copyOf(peerBytes, peerCount * 2);
            peerAddresses = Arrays.copyOf(peerAddresses, peerCount * 2);
        }
        peerBytes[peerCount] = src.clone();
        peerAddresses[peerCount] = IpAddress.of(src);
        return peerAddresses[peerCount++];
    }

    @Override
    public void stop() {
        long now = node.now();
        for (Slot s : slots) s.machine.shutdown(now);
        for (SyncGroup g : groups) g.shutdown(now);
        for (Slot s : slots) s.timer.cancel();
        for (Script sc : scripts) sc.timer.cancel();
    }

    @Override
    public void linkChanged(SimInterface iface, boolean up) {
        long now = node.now();
        for (Slot s : slots) {
            if (s.iface == iface) s.machine.onInterfaceChange(now, up);
            s.machine.onTrackerStatus(now, "INTERFACE:" + iface.name(), up);
        }
        rearmAll();
    }

    // --- VrrpActions: what the state machines ask of the host ---

    @Override
    public void sendAdvert(VrrpInstance instance, int priority) {
        Slot s = slotOf.get(instance);
        if (s == null) return; // during construction nothing is sent
        counters.advertsSent++;
        if (s.peers.length == 0) {
            send(s, priority, s.group);
        } else {
            for (byte[] peer : s.peers) send(s, priority, peer);
        }
    }

    private void send(Slot s, int priority, byte[] dst) {
        int length;
        if (s.ipv6) {
            length = encoder.encodeMessage(s.wire, priority, txSegment, 0, dst, 0);
        } else {
            ipIdentification = AdvertEncoder.nextIdentification(ipIdentification);
            length = encoder.encodeIpv4Datagram(s.wire, priority, ipIdentification, txSegment, 0, dst, 0);
        }
        node.send(s.iface, dst, s.wire.ttl(), tx, 0, length);
    }

    @Override
    public void addVirtualAddresses(VrrpInstance instance) {
        Slot s = slotOf.get(instance);
        if (s != null) s.vipSet = true;
    }

    @Override
    public void removeVirtualAddresses(VrrpInstance instance) {
        Slot s = slotOf.get(instance);
        if (s != null) s.vipSet = false;
    }

    @Override
    public void sendGratuitousArps(VrrpInstance instance, int repeat) {
        counters.gratuitousArps += repeat;
    }

    @Override
    public void runScript(String command, List<String> extraArgs, boolean stop) {
        // Notify scripts are not run in a simulation; the timeline says what they would have been told.
    }

    @Override
    public void writeFifo(String line) {
    }

    @Override
    public void log(String line) {
        if (lan.logging()) lan.log(node.name(), line);
    }

    @Override
    public void stateChanged(VrrpInstance instance, VrrpState from, VrrpState to, TransitionReason reason) {
        lan.record(node.name(), instance.name(), from.name(), to.name(), reason.text());
    }

    @Override
    public void groupStateChanged(SyncGroup group, VrrpState from, VrrpState to) {
        lan.record(node.name(), group.name(), from.name(), to.name(), "sync group");
    }

    // --- for tests and the CLI ---

    /** Instances whose virtual addresses are set now. */
    List<String> instancesWithAddresses() {
        List<String> out = new ArrayList<>();
        for (Slot s : slots) if (s.vipSet) out.add(s.machine.name());
        return out;
    }

    VrrpInstance machine(String instance) {
        for (Slot s : slots) if (s.machine.name().equals(instance)) return s.machine;
        return null;
    }
}
