package halo.vrrp;

import halo.config.AddressFamily;
import halo.config.Authentication;
import halo.config.KeepalivedConfig;
import halo.config.ScriptCommand;
import halo.config.TrackRef;
import halo.config.TrackedInterface;
import halo.config.UnicastPeer;
import halo.config.VirtualAddress;
import halo.config.VrrpScript;
import halo.config.VrrpSyncGroup;
import halo.vrrp.wire.AuthType;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one VRRP host runs: its instances (the state machine's spec plus what the wire needs), its sync groups and its
 * vrrp_scripts. Built from a loaded keepalived.conf by {@link #fromConfig}, or by hand in tests and simulations.
 * The configuration layer has already applied keepalived's defaults and corrections; this only moves values across,
 * adding each sync group's trackers to its members and resolving track_script weights (the reference's weight, else
 * the script's own).
 */
public record HostSetup(List<Instance> instances, List<Group> syncGroups, List<Script> scripts) {

    public HostSetup {
        instances = List.copyOf(instances);
        syncGroups = List.copyOf(syncGroups);
        scripts = List.copyOf(scripts);
    }

    /**
     * One vrrp_instance.
     *
     * @param spec           the state machine's settings; {@code interfaceName} names the host's interface
     * @param authentication v2 authentication (v3 has none): {@link AuthType#NONE} without auth_type
     * @param password       auth_pass, or null
     * @param multicastGroup mcast_dst_ip / vrrp_mcast_group4|6, or null for 224.0.0.18 / ff02::12
     * @param sourceAddress  unicast_src_ip / mcast_src_ip, or null for the interface's address
     * @param unicastPeers   unicast_peer addresses; empty for multicast
     * @param checksumAsV2   v3_checksum_as_v2
     * @param config         the configuration block it came from (addresses with dev/label/scope, routes, rules), or
     *                       null when built by hand
     * @param vmac           use_vmac: the VMAC interface (a private macvlan of the configured interface with the
     *                       virtual router MAC) that holds the VIPs, or null; the spec's interface is then the VMAC,
     *                       or the configured interface with vmac_xmit_base (where keepalived's socket is)
     * @param checkUnicastSource check_unicast_src / vrrp_check_unicast_src: unicast adverts only from the unicast
     *                       peers, with a TTL in each peer's min_ttl..max_ttl
     */
    public record Instance(InstanceSpec spec, AuthType authentication, String password, InetAddress multicastGroup,
                           InetAddress sourceAddress, List<InetAddress> unicastPeers, boolean checksumAsV2,
                           halo.config.VrrpInstance config, String vmac, boolean checkUnicastSource) {
        public Instance {
            Objects.requireNonNull(authentication);
            unicastPeers = List.copyOf(unicastPeers);
        }

        public Instance(InstanceSpec spec, AuthType authentication, String password, InetAddress multicastGroup,
                        InetAddress sourceAddress, List<InetAddress> unicastPeers, boolean checksumAsV2,
                        halo.config.VrrpInstance config) {
            this(spec, authentication, password, multicastGroup, sourceAddress, unicastPeers, checksumAsV2, config, null,
                    false);
        }

        public static Instance of(InstanceSpec spec) {
            return new Instance(spec, AuthType.NONE, null, null, null, List.of(), false, null);
        }

        public Instance withPassword(String pass) {
            return new Instance(spec, AuthType.PASS, pass, multicastGroup, sourceAddress, unicastPeers, checksumAsV2, config, vmac, checkUnicastSource);
        }

        public Instance withUnicast(InetAddress source, List<InetAddress> peers) {
            return new Instance(spec, authentication, password, multicastGroup, source, peers, checksumAsV2, config, vmac, checkUnicastSource);
        }

        /** Where a VIP without dev goes: the VMAC with use_vmac, else the instance's interface (as keepalived). */
        public String addressInterface() {
            return vmac != null ? vmac : spec.interfaceName();
        }

        /** The configured interface (the VMAC's lower link with use_vmac). */
        public String baseInterface() {
            return config != null && config.interfaceName() != null ? config.interfaceName() : spec.interfaceName();
        }

        /**
         * Whether adverts go out with an IPsec AH header, so as whole IPv4 datagrams: keepalived does AH for VRRPv2
         * over IPv4 only ("Our implementation of IPv6 with VRRP version 2 doesn't include the 8 byte auth field").
         */
        public boolean sendsAh() {
            return authentication == AuthType.AH && !spec.ipv6() && spec.version() == 2;
        }
    }

    /** A vrrp_sync_group: member instance names, sync_group_tracking_weight and its notify scripts. */
    public record Group(String name, List<String> members, boolean trackingWeight, NotifyCommands notifyScripts) {
        public Group {
            members = List.copyOf(members);
        }
    }

    /**
     * A vrrp_script: run every {@code interval}, killed after {@code timeout}; rise/fall counting is
     * {@link ScriptTracker}'s. {@code command} is null for scripts that exist only in a simulation.
     */
    public record Script(String name, Duration interval, Duration timeout, int rise, int fall, boolean initFail,
                         ScriptCommand command) {
        public long intervalNanos() {
            return interval.toNanos();
        }
    }

    public static HostSetup of(InstanceSpec... specs) {
        List<Instance> list = new ArrayList<>();
        for (InstanceSpec s : specs) {
            list.add(Instance.of(s));
        }
        return new HostSetup(list, List.of(), List.of());
    }

    public HostSetup withInstances(Instance... more) {
        List<Instance> list = new ArrayList<>(instances);
        list.addAll(List.of(more));
        return new HostSetup(list, syncGroups, scripts);
    }

    public HostSetup withGroup(String name, boolean trackingWeight, String... members) {
        List<Group> list = new ArrayList<>(syncGroups);
        list.add(new Group(name, List.of(members), trackingWeight, NotifyCommands.NONE));
        return new HostSetup(instances, list, scripts);
    }

    public HostSetup withScript(String name, Duration interval, int rise, int fall) {
        List<Script> list = new ArrayList<>(scripts);
        list.add(new Script(name, interval, interval, rise, fall, false, null));
        return new HostSetup(instances, syncGroups, list);
    }

    /** Interface names the instances use or track, in order. */
    public List<String> interfaceNames() {
        List<String> out = new ArrayList<>();
        for (Instance i : instances) {
            String n = i.spec().interfaceName();
            if (!n.isEmpty() && !out.contains(n)) {
                out.add(n);
            }
            for (TrackerSpec t : i.spec().trackers()) {
                if (t.kind() == TrackerKind.INTERFACE && !out.contains(t.name())) {
                    out.add(t.name());
                }
            }
        }
        return out;
    }

    /** The VRRP side of a loaded configuration. */
    public static HostSetup fromConfig(KeepalivedConfig config) {
        return fromConfig(config, false, java.util.Set.of());
    }

    /**
     * What the host found for track_file and vrrp_track_process before the instances start (keepalived reads the
     * files and scans /proc at startup, so an instance starts in FAULT when a weight-0 process is missing).
     */
    public interface TrackedState {
        /** The value the track_file named holds now (0 when the file is missing or unreadable). */
        long fileValue(String trackFileName);

        /** Whether the vrrp_track_process named has its quorum now. */
        boolean processUp(String trackProcessName);

        /** Nothing known: files 0, processes up. */
        TrackedState NONE = new TrackedState() {
            @Override
            public long fileValue(String trackFileName) {
                return 0;
            }

            @Override
            public boolean processUp(String trackProcessName) {
                return true;
            }
        };
    }

    public static HostSetup fromConfig(KeepalivedConfig config, boolean logDetail, java.util.Set<String> disabledScripts) {
        return fromConfig(config, logDetail, disabledScripts, TrackedState.NONE);
    }

    /**
     * The VRRP side of a loaded configuration, with keepalived's {@code -D} detail logging, and without the
     * vrrp_scripts the host disabled (not found, or unsafe under enable_script_security): keepalived drops those from
     * tracking altogether.
     */
    public static HostSetup fromConfig(KeepalivedConfig config, boolean logDetail, java.util.Set<String> disabledScripts,
                                       TrackedState tracked) {
        List<Instance> instances = new ArrayList<>();
        java.util.Map<String, String> vmacs = vmacNames(config);
        for (halo.config.VrrpInstance c : config.vrrpInstances()) {
            String vmac = vmacs.get(c.name());
            // keepalived: the socket is on the VMAC, on the configured interface with vmac_xmit_base
            String socketInterface = vmac != null && !c.vmacXmitBase() ? vmac : c.interfaceName();
            List<TrackerSpec> trackers = new ArrayList<>();
            addTrackers(config, trackers, c.trackInterfaces(), c.trackScripts(), disabledScripts);
            addTrackedFilesAndProcesses(config, trackers, c.trackFiles(), c.trackProcesses(), tracked);
            for (VrrpSyncGroup g : config.syncGroups()) {
                if (g.instances().contains(c.name())) {
                    addTrackers(config, trackers, g.trackInterfaces(), g.trackScripts(), disabledScripts);
                    addTrackedFilesAndProcesses(config, trackers, g.trackFiles(), g.trackProcesses(), tracked);
                }
            }
            InstanceSpec.Builder b = InstanceSpec.builder(c.name(), c.virtualRouterId())
                    .version(c.version())
                    .ipv6(c.family() == AddressFamily.IPV6)
                    .interfaceName(socketInterface == null ? "" : socketInterface)
                    .priority(c.priority())
                    .advertInterval(c.advertInterval())
                    .state(c.state() == halo.config.InitialState.MASTER ? VrrpState.MASTER : VrrpState.BACKUP)
                    .nopreempt(!c.preempt())
                    .preemptDelay(c.preemptDelay())
                    .accept(c.accept())
                    .higherPrioSendAdvert(c.higherPrioSendAdvert())
                    .lowerPrioNoAdvert(c.lowerPrioNoAdvert())
                    .downTimerAdverts(c.downTimerAdverts())
                    .startupDelay(config.global().startupDelay())
                    .skipCheckAdvAddr(c.skipCheckAdvAddr())
                    .dontTrackPrimary(c.dontTrackPrimary())
                    .notifyScripts(notifyScripts(c.notifyScripts()))
                    .logDetail(logDetail)
                    .trackers(trackers);
            if (c.garp() != null) {
                b.garpMasterDelay(c.garp().masterDelay()).garpMasterRepeat(c.garp().masterRepeat())
                        .garpMasterRefresh(c.garp().masterRefresh()).garpMasterRefreshRepeat(c.garp().masterRefreshRepeat())
                        .garpLowerPrioDelay(c.garp().lowerPrioDelay()).garpLowerPrioRepeat(c.garp().lowerPrioRepeat());
            }
            List<IpAddress> vips = new ArrayList<>();
            for (VirtualAddress v : c.virtualAddresses()) {
                vips.add(IpAddress.of(v.address().address()));
            }
            b.virtualIpAddresses(vips);
            if (c.sourceAddress() != null) {
                b.sourceAddress(IpAddress.of(c.sourceAddress()));
            }
            Authentication auth = c.version() == 2 ? c.authentication() : null; // v3 ignores authentication
            AuthType authType = auth == null ? AuthType.NONE
                    : auth.type() == Authentication.Type.PASS ? AuthType.PASS : AuthType.AH;
            List<InetAddress> peers = c.unicastPeers().stream().map(UnicastPeer::address).toList();
            instances.add(new Instance(b.build(), authType, auth == null ? null : auth.password(), c.multicastGroup(),
                    c.sourceAddress(), peers, false, c, vmac,
                    raw(c.otherSettings(), "check_unicast_src") || raw(config.global().otherSettings(), "vrrp_check_unicast_src")));
        }
        List<Group> groups = new ArrayList<>();
        for (VrrpSyncGroup g : config.syncGroups()) {
            groups.add(new Group(g.name(), g.instances(), g.trackingWeight(), notifyScripts(g.notifyScripts())));
        }
        List<Script> scripts = new ArrayList<>();
        for (VrrpScript s : config.vrrpScripts()) {
            if (disabledScripts.contains(s.name())) {
                continue;
            }
            scripts.add(new Script(s.name(), s.interval(), s.timeout(), s.rise(), s.fall(), s.initFail(), s.script()));
        }
        return new HostSetup(instances, groups, scripts);
    }

    private static boolean raw(List<halo.config.RawSetting> settings, String keyword) {
        return settings != null && settings.stream().anyMatch(r -> r.keyword().equals(keyword));
    }

    /** keepalived's default VMAC name prefix (vmac_prefix). */
    public static final String VMAC_PREFIX = "vrrp";

    /**
     * The VMAC interface of each use_vmac instance with an interface, by instance name, as keepalived names them
     * (create_vmac_name): use_vmac NAME, else PREFIX.VRID with vmac_prefix (vrrp by default); when another instance
     * has the name, PREFIXn.VRID with the first free n (for IPv6 6 first).
     */
    public static java.util.Map<String, String> vmacNames(KeepalivedConfig config) {
        String prefix = VMAC_PREFIX;
        if (config.global() != null) {
            for (halo.config.RawSetting r : config.global().otherSettings()) {
                if (r.keyword().equals("vmac_prefix") && !r.args().isEmpty()) {
                    prefix = r.args().getFirst();
                }
            }
        }
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        java.util.Set<String> taken = new java.util.HashSet<>();
        for (halo.config.VrrpInstance c : config.vrrpInstances()) {
            if (c.useVmac() && c.interfaceName() != null && c.vmacInterfaceName() != null) {
                taken.add(c.vmacInterfaceName());
            }
        }
        for (halo.config.VrrpInstance c : config.vrrpInstances()) {
            if (!c.useVmac() || c.interfaceName() == null) {
                continue;
            }
            String name = c.vmacInterfaceName();
            if (name == null) {
                boolean ipv6 = c.family() == AddressFamily.IPV6;
                name = vmacName(prefix, "", c.virtualRouterId());
                for (int num = 0, guard = 0; taken.contains(name) && guard < 1000; guard++) {
                    num = ipv6 ? (num == 0 ? 6 : num == 6 ? 1 : num + 1 == 6 ? 7 : num + 1) : num + 1;
                    name = vmacName(prefix, Integer.toString(num), c.virtualRouterId());
                }
            }
            taken.add(name);
            out.put(c.name(), name);
        }
        return out;
    }

    /** PREFIX NUM . VRID cut to IFNAMSIZ - 1 (15) bytes by shortening the prefix, as keepalived. */
    private static String vmacName(String prefix, String num, int vrid) {
        String tail = num + "." + vrid;
        String name = prefix + tail;
        if (name.length() > 15) {
            name = prefix.substring(0, Math.max(0, 15 - tail.length())) + tail;
        }
        return name;
    }

    private static NotifyCommands notifyScripts(halo.config.NotifyScripts n) {
        if (n == null || n.isEmpty()) {
            return NotifyCommands.NONE;
        }
        return new NotifyCommands(line(n.master()), line(n.backup()), line(n.fault()), line(n.stop()), line(n.anyState()),
                line(n.masterRxLowerPri()));
    }

    private static String line(ScriptCommand c) {
        return c == null ? null : c.commandLine();
    }

    /**
     * track_file and track_process references: the reference's weight (with its reverse), else the tracker's own, as
     * keepalived resolves them; the value found at startup is the tracker's initial state.
     */
    private static void addTrackedFilesAndProcesses(KeepalivedConfig config, List<TrackerSpec> out, List<TrackRef> files,
                                                    List<TrackRef> processes, TrackedState tracked) {
        for (TrackRef r : files) {
            halo.config.TrackFile f = config.trackFiles().stream().filter(x -> x.name().equals(r.name())).findFirst()
                    .orElse(null);
            if (f == null) {
                continue; // the loader has reported it
            }
            int weight = r.weight() != null ? r.weight() : f.weight();
            boolean reverse = r.weight() != null ? r.reverse() : f.reverse();
            TrackerSpec spec = TrackerSpec.file(f.name(), weight).withInitialValue(tracked.fileValue(f.name()));
            out.add(reverse ? spec.reversed() : spec);
        }
        for (TrackRef r : processes) {
            halo.config.TrackProcess p = config.trackProcesses().stream().filter(x -> x.name().equals(r.name()))
                    .findFirst().orElse(null);
            if (p == null) {
                continue;
            }
            int weight = r.weight() != null ? r.weight() : p.weight();
            boolean reverse = r.weight() != null ? r.reverse() : p.reverse();
            TrackerSpec spec = TrackerSpec.process(p.name(), weight).withInitial(
                    tracked.processUp(p.name()) ? TrackerSpec.Status.UP : TrackerSpec.Status.DOWN);
            out.add(reverse ? spec.reversed() : spec);
        }
    }

    private static void addTrackers(KeepalivedConfig config, List<TrackerSpec> out, List<TrackedInterface> interfaces,
                                    List<TrackRef> scripts, java.util.Set<String> disabledScripts) {
        for (TrackedInterface t : interfaces) {
            TrackerSpec spec = TrackerSpec.iface(t.name(), t.weight());
            out.add(t.reverse() ? spec.reversed() : spec);
        }
        for (TrackRef r : scripts) {
            VrrpScript s = config.vrrpScript(r.name()).orElse(null);
            if (s == null || disabledScripts.contains(s.name())) {
                continue; // the loader or the host has reported it
            }
            int weight = r.weight() != null ? r.weight() : s.weight();
            boolean reverse = r.weight() != null ? r.reverse() : s.reverse();
            TrackerSpec spec = TrackerSpec.script(r.name(), weight);
            if (s.initFail()) {
                spec = spec.withInitial(TrackerSpec.Status.DOWN);
            }
            out.add(reverse ? spec.reversed() : spec);
        }
    }
}
