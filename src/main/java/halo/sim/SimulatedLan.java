package halo.sim;

import halo.config.KeepalivedConfig;
import halo.vrrp.HostSetup;
import halo.vrrp.VrrpHost;
import halo.vrrp.InstanceMachine;
import halo.vrrp.wire.RxStatistics;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Nodes running VRRP (real state machines, real codec) on a simulated LAN, with scripted faults and a timeline of
 * every state change. What {@code halo simulate} runs, and what the scenario and property tests drive.
 *
 * <p>Every node boots at time 0. Interfaces named by a node's instances exist; when every node has one interface they
 * all share one segment (eth0 on one node and ens3 on another still see each other), otherwise interfaces with the
 * same name share a segment. Addresses come from the documentation ranges: node k (from 1) has 192.0.2.k on its first
 * interface, 198.51.100.k on its second, 203.0.113.k on its third, and fe80::k everywhere; an instance's
 * unicast_src_ip, when given, is its interface's address instead.
 */
public final class SimulatedLan {
    private final Simulation sim;
    private final Timeline timeline = new Timeline();
    private final Map<String, HostSetup> setups;
    private final Map<String, VrrpHost.Counters> counters = new LinkedHashMap<>();
    private final Map<String, VrrpNode> software = new LinkedHashMap<>();
    private final Set<String> failingScripts = new HashSet<>();
    private final List<String> logLines = new ArrayList<>();
    private final List<Consumer<String>> logListeners = new ArrayList<>();
    private boolean logging;

    private SimulatedLan(Builder b) {
        this.sim = new Simulation(b.seed);
        this.setups = new LinkedHashMap<>(b.setups);
        if (setups.isEmpty()) throw new IllegalArgumentException("no nodes");
        boolean single = setups.values().stream().allMatch(s -> interfacesOf(s).size() <= 1);
        Map<String, Segment> segments = new LinkedHashMap<>();
        int k = 0;
        for (Map.Entry<String, HostSetup> e : setups.entrySet()) {
            k++;
            String name = e.getKey();
            HostSetup setup = e.getValue();
            SimNode node = sim.node(name);
            List<String> ifnames = interfacesOf(setup);
            if (ifnames.isEmpty()) ifnames = List.of("eth0");
            for (int j = 0; j < ifnames.size(); j++) {
                String ifname = ifnames.get(j);
                String segName = single ? "lan" : ifname;
                Segment seg = segments.computeIfAbsent(segName, n -> sim.segment(n, b.link));
                byte[] v4 = j == 0 && b.addresses.containsKey(name) ? b.addresses.get(name).getAddress()
                        : defaultIpv4(j, k);
                byte[] v6 = new byte[16];
                v6[0] = (byte) 0xfe;
                v6[1] = (byte) 0x80;
                v6[14] = (byte) (k >> 8);
                v6[15] = (byte) k;
                for (HostSetup.Instance i : setup.instances()) {
                    if (!ifname.equals(i.spec().interfaceName()) || i.sourceAddress() == null) continue;
                    byte[] a = i.sourceAddress().getAddress();
                    if (a.length == 4) v4 = a;
                    else v6 = a;
                }
                node.attach(ifname, seg, v4, v6);
            }
            long[] clock = b.clocks.get(name);
            if (clock != null) node.setClock(clock[0], clock[1]);
            VrrpHost.Counters c = new VrrpHost.Counters();
            counters.put(name, c);
            node.setSoftware(() -> {
                VrrpNode v = new VrrpNode(this, setup, c);
                software.put(name, v);
                return v;
            });
            for (HostSetup.Instance i : setup.instances()) {
                timeline.register(name, i.spec().name(),
                        new Timeline.RouterKey(i.spec().virtualRouterId(), i.spec().ipv6()));
            }
        }
        for (SimNode n : sim.nodes()) sim.at(0, n::boot);
    }

    private static List<String> interfacesOf(HostSetup s) {
        return s.interfaceNames();
    }

    private static byte[] defaultIpv4(int ifIndex, int node) {
        return switch (ifIndex) {
            case 0 -> new byte[] {(byte) 192, 0, 2, (byte) node};
            case 1 -> new byte[] {(byte) 198, 51, 100, (byte) node};
            case 2 -> new byte[] {(byte) 203, 0, 113, (byte) node};
            default -> new byte[] {10, (byte) ifIndex, 0, (byte) node};
        };
    }

    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    /** One node per configuration, named by the map's keys, in order. */
    public static SimulatedLan fromConfigs(long seed, LinkModel link, Map<String, KeepalivedConfig> configs) {
        Builder b = builder(seed).link(link);
        for (Map.Entry<String, KeepalivedConfig> e : configs.entrySet()) b.node(e.getKey(), HostSetup.fromConfig(e.getValue()));
        return b.build();
    }

    public static final class Builder {
        private final long seed;
        private LinkModel link = LinkModel.CLEAN;
        private final Map<String, HostSetup> setups = new LinkedHashMap<>();
        private final Map<String, InetAddress> addresses = new LinkedHashMap<>();
        private final Map<String, long[]> clocks = new LinkedHashMap<>();

        private Builder(long seed) {
            this.seed = seed;
        }

        public Builder link(LinkModel link) {
            this.link = link;
            return this;
        }

        public Builder node(String name, HostSetup setup) {
            if (setups.containsKey(name)) throw new IllegalArgumentException("node " + name + " given twice");
            setups.put(name, setup);
            return this;
        }

        /** A node whose first interface has {@code ipv4} (for tie-breaks by address). */
        public Builder node(String name, String ipv4, HostSetup setup) {
            node(name, setup);
            try {
                addresses.put(name, InetAddress.getByName(ipv4));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
            return this;
        }

        /** Clock drift (ppm) and timer jitter for a node. */
        public Builder clock(String name, long driftPpm, long timerJitterNanos) {
            clocks.put(name, new long[] {driftPpm, timerJitterNanos});
            return this;
        }

        public SimulatedLan build() {
            return new SimulatedLan(this);
        }
    }

    public Simulation sim() {
        return sim;
    }

    public Timeline timeline() {
        return timeline;
    }

    public long now() {
        return sim.now();
    }

    public SimNode node(String name) {
        SimNode n = sim.findNode(name);
        if (n == null) throw new IllegalArgumentException("no node named '" + name + "' (nodes: "
                + String.join(", ", setups.keySet()) + ")");
        return n;
    }

    public List<String> nodeNames() {
        return List.copyOf(setups.keySet());
    }

    public HostSetup setup(String node) {
        return setups.get(node);
    }

    // --- faults ---

    public void crash(String name) {
        SimNode n = node(name);
        if (!n.isUp()) return;
        n.crash();
        software.remove(name);
        timeline.nodeDown(name, sim.now(), "node crashed");
    }

    public void restore(String name) {
        node(name).boot();
    }

    /** keepalived stopping (SIGTERM): masters send priority 0, instances go to STOP. */
    public void stop(String name) {
        SimNode n = node(name);
        if (!n.isUp()) return;
        n.shutdown();
        software.remove(name);
    }

    /** From now on the node's vrrp_script {@code script} exits 1 (true) or 0 (false) at each run. */
    public void setScriptFailing(String node, String script, boolean failing) {
        node(node);
        if (setups.get(node).scripts().stream().noneMatch(s -> s.name().equals(script)))
            throw new IllegalArgumentException("node " + node + " has no vrrp_script " + script);
        if (failing) failingScripts.add(node + "\u0000" + script);
        else failingScripts.remove(node + "\u0000" + script);
    }

    boolean isScriptFailing(String node, String script) {
        return failingScripts.contains(node + "\u0000" + script);
    }

    public void setLink(String node, String iface, boolean up) {
        node(node).setLink(iface, up);
    }

    public void partition(List<String> side) {
        List<SimNode> nodes = new ArrayList<>();
        for (String n : side) nodes.add(node(n));
        sim.partition(nodes);
    }

    public void heal() {
        sim.heal();
    }

    public void setLoss(double p) {
        for (Segment s : sim.segments()) s.setLink(s.link().withLoss(p));
    }

    /** Checks an event's names now, and runs it at its time. */
    public void schedule(ScriptedEvent e) {
        validate(e);
        sim.at(e.atNanos(), () -> apply(e));
    }

    public void schedule(List<ScriptedEvent> events) {
        for (ScriptedEvent e : events) validate(e);
        for (ScriptedEvent e : events) sim.at(e.atNanos(), () -> apply(e));
    }

    private void validate(ScriptedEvent e) {
        switch (e.kind()) {
            case CRASH, RESTORE, STOP, PARTITION -> e.args().forEach(this::node);
            case FAIL_SCRIPT, RECOVER_SCRIPT -> {
                node(e.args().get(0));
                if (setups.get(e.args().get(0)).scripts().stream().noneMatch(s -> s.name().equals(e.args().get(1))))
                    throw new IllegalArgumentException("event '" + e + "': node " + e.args().get(0)
                            + " has no vrrp_script " + e.args().get(1));
            }
            case LINK_DOWN, LINK_UP -> {
                if (node(e.args().get(0)).iface(e.args().get(1)) == null)
                    throw new IllegalArgumentException("event '" + e + "': node " + e.args().get(0)
                            + " has no interface " + e.args().get(1));
            }
            default -> { }
        }
    }

    public void apply(ScriptedEvent e) {
        List<String> a = e.args();
        switch (e.kind()) {
            case CRASH -> crash(a.get(0));
            case RESTORE -> restore(a.get(0));
            case STOP -> stop(a.get(0));
            case FAIL_SCRIPT -> setScriptFailing(a.get(0), a.get(1), true);
            case RECOVER_SCRIPT -> setScriptFailing(a.get(0), a.get(1), false);
            case LINK_DOWN -> setLink(a.get(0), a.get(1), false);
            case LINK_UP -> setLink(a.get(0), a.get(1), true);
            case PARTITION -> partition(a);
            case HEAL -> heal();
            case LOSS -> setLoss(Double.parseDouble(a.get(0)));
        }
    }

    public void runUntil(long nanos) {
        sim.runUntil(nanos);
    }

    public void runFor(long nanos) {
        sim.runFor(nanos);
    }

    // --- what tests and the CLI read ---

    public String state(String node, String instance) {
        return timeline.state(node, instance);
    }

    /** The running state machine of an instance, or null while the node is down. */
    public InstanceMachine machine(String node, String instance) {
        VrrpNode v = software.get(node);
        return v == null ? null : v.machine(instance);
    }

    /** Instances whose virtual addresses the node holds now. */
    public List<String> addressesHeld(String node) {
        VrrpNode v = software.get(node);
        return v == null ? List.of() : v.instancesWithAddresses();
    }

    /** Receive-validation counters of a node (all boots). */
    public RxStatistics rxStatistics(String node) {
        return counters.get(node).rx;
    }

    public long advertsSent(String node) {
        return counters.get(node).advertsSent;
    }

    public long advertsReceived(String node) {
        return counters.get(node).advertsReceived;
    }

    /** Instance names that make up a virtual router (they may differ between nodes). */
    public List<String> instanceNames(Timeline.RouterKey router) {
        Set<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, HostSetup> e : setups.entrySet()) {
            for (HostSetup.Instance i : e.getValue().instances()) {
                if (i.spec().virtualRouterId() == router.vrid() && i.spec().ipv6() == router.ipv6()) names.add(i.spec().name());
            }
        }
        return List.copyOf(names);
    }

    // --- logging (keepalived's lines, for halo simulate --log) ---

    public void setLogging(boolean on) {
        this.logging = on;
    }

    boolean logging() {
        return logging;
    }

    public void addLogListener(Consumer<String> l) {
        logListeners.add(l);
    }

    public List<String> logLines() {
        return List.copyOf(logLines);
    }

    void log(String node, String line) {
        String s = Transition.formatMillis(sim.now()) + " ms " + node + ": " + line;
        logLines.add(s);
        for (Consumer<String> l : logListeners) l.accept(s);
    }

    void record(String node, String instance, String from, String to, String reason) {
        timeline.record(new Transition(sim.now(), node, instance, from, to, reason));
    }
}
