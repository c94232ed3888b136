package halo.sim;

import halo.vrrp.InstanceSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What one simulated node runs: its VRRP instances (with what the wire needs beyond the state machine's spec), its
 * sync groups and its vrrp_scripts. Built from a keepalived.conf by {@link ConfigMapping}, or by hand in tests.
 */
public record NodeSetup(List<Instance> instances, List<Group> syncGroups, List<Script> scripts) {

    public NodeSetup {
        instances = List.copyOf(instances);
        syncGroups = List.copyOf(syncGroups);
        scripts = List.copyOf(scripts);
    }

    /**
     * One vrrp_instance.
     *
     * @param spec           the state machine's settings; {@code interfaceName} names the node's interface
     * @param authType       v2 auth type as on the wire (0 none, 1 PASS, 2 AH)
     * @param password       auth_pass, or null
     * @param multicastGroup mcast_dst_ip / vrrp_mcast_group4|6, or null for 224.0.0.18 / ff02::12
     * @param sourceAddress  unicast_src_ip / mcast_src_ip, or null for the interface's address
     * @param unicastPeers   unicast_peer addresses; empty for multicast
     * @param checksumAsV2   v3_checksum_as_v2
     */
    public record Instance(InstanceSpec spec, int authType, String password, InetAddress multicastGroup,
                           InetAddress sourceAddress, List<InetAddress> unicastPeers, boolean checksumAsV2) {
        public Instance {
            unicastPeers = List.copyOf(unicastPeers);
        }

        public static Instance of(InstanceSpec spec) {
            return new Instance(spec, 0, null, null, null, List.of(), false);
        }

        public Instance withPassword(String pass) {
            return new Instance(spec, 1, pass, multicastGroup, sourceAddress, unicastPeers, checksumAsV2);
        }

        public Instance withUnicast(InetAddress source, List<InetAddress> peers) {
            return new Instance(spec, authType, password, multicastGroup, source, peers, checksumAsV2);
        }
    }

    /** A vrrp_sync_group: member instance names and sync_group_tracking_weight. */
    public record Group(String name, List<String> members, boolean trackingWeight) {
        public Group {
            members = List.copyOf(members);
        }
    }

    /**
     * A vrrp_script as the simulator runs it: every {@code intervalNanos} it "exits" 0, or 1 while a fail-script event
     * holds; rise/fall counting is the state machine's {@link halo.vrrp.ScriptTracker}.
     */
    public record Script(String name, long intervalNanos, int rise, int fall, boolean initFail) {}

    public static NodeSetup of(InstanceSpec... specs) {
        List<Instance> list = new ArrayList<>();
        for (InstanceSpec s : specs) list.add(Instance.of(s));
        return new NodeSetup(list, List.of(), List.of());
    }

    public NodeSetup withInstances(Instance... more) {
        List<Instance> list = new ArrayList<>(instances);
        list.addAll(List.of(more));
        return new NodeSetup(list, syncGroups, scripts);
    }

    public NodeSetup withGroup(String name, boolean trackingWeight, String... members) {
        List<Group> list = new ArrayList<>(syncGroups);
        list.add(new Group(name, List.of(members), trackingWeight));
        return new NodeSetup(instances, list, scripts);
    }

    public NodeSetup withScript(String name, long intervalNanos, int rise, int fall) {
        List<Script> list = new ArrayList<>(scripts);
        list.add(new Script(name, intervalNanos, rise, fall, false));
        return new NodeSetup(instances, syncGroups, list);
    }

    /** Interface names the instances use, in order. */
    public List<String> interfaceNames() {
        List<String> out = new ArrayList<>();
        for (Instance i : instances) {
            String n = i.spec().interfaceName();
            if (!n.isEmpty() && !out.contains(n)) out.add(n);
            for (var t : i.spec().trackers()) {
                if (t.kind() == halo.vrrp.TrackerKind.INTERFACE && !out.contains(t.name())) out.add(t.name());
            }
        }
        return out;
    }
}
