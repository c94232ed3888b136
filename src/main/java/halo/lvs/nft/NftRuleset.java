package halo.lvs.nft;

import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.Persistence;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceFlag;
import halo.lvs.ServiceKey;
import halo.lvs.sched.Destination;
import halo.lvs.sched.DestinationHashing;
import halo.lvs.sched.MaglevHashing;
import halo.lvs.sched.SourceHashing;
import halo.lvs.sched.WeightedRoundRobin;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The nftables ruleset for a virtual-server table: no I/O (it remembers the last layout's services, so an unchanged one is not built again). Every service has a chain {@code s<id>} that sends a
 * new flow to a destination chain {@code s<id>_d<id>} through a verdict map {@code s<id>_sched} (the scheduler, whose
 * one rule sits in a chain {@code s<id>_pick} of its own so that a checker's change is a change of that map's
 * elements and that chain's one rule: {@link NftFastPath}), after
 * the persistence sets {@code s<id>_d<id>_p} (one per destination, client address masked by the granularity, with the
 * persistence timeout) have had their say; a flow no destination takes is rejected with ICMP port unreachable, as
 * IPVS's ip_vs_leave does.
 * <ul>
 * <li>NAT and TUN services live in table {@code inet halo_lvs}: NAT through {@code dnat} in a nat prerouting chain,
 * and in a nat output chain for clients on the director itself (only a connection's first packet is scheduled; conntrack carries the rest and keeps established connections when
 * the rules change), with a forward chain counting each real server's packets both ways; TUN through a conntrack
 * packet mark that policy routing sends into an ipip tunnel to the real server ({@link #tunnelRoutes}), in a chain
 * before conntrack: the flows are not tracked and live in flow sets as DR's do (below).
 * <li>DR services live in table {@code netdev halo_lvs}: an ingress chain on each device a real server is reached
 * through forwards the client's frame with {@code fwd ip to RS device DEV} (the VIP stays the destination); it sees
 * only frames sent to the director's own MAC ({@code meta pkttype host}), so a backup that does not hold the VIP
 * forwards nothing. There is no conntrack there: each real server has a flow set {@code s<id>_d<id>_f} (client
 * address and port; with the VIP and port too for a fwmark or all-ports service) that its chain fills and refreshes
 * with IPVS's timeouts (tcp 900 s; 120 s from a FIN or RST on, which a set {@code s<id>_closing} remembers; udp
 * 300 s: {@link #timeouts}), and the service's chain sends a packet of a known flow to its real server before anything
 * else, so a change of the table (another server removed or back, a weight, a quiesced server at weight 0) moves no
 * established flow. A flow that finds a set full ({@link #FLOW_SET_SIZE}) is forwarded by the hash alone. A new flow is scheduled by a hash of the flow with a fixed seed ({@link #SEED}), the same on every
 * director. The flow sets are not synchronised: a backup that takes over hashes each flow over its own table, so a
 * connection survives a director failover when the table has not changed since the connection began (one that began
 * while a server was out may hash elsewhere once it is back). A removed real server's flow set goes with it: its
 * flows are scheduled again on their next packet, and the server that gets them answers with a reset (IPVS with
 * expire_nodest_conn=0 drops them silently until they time out instead; with 1 it drops the first and reschedules).
 * </ul>
 * Schedulers: rr and wrr from {@code numgen inc} over the cycle of the kernel's order (wrr's sequence expanded over
 * one cycle, so the spread is exact); in DR the same cycle indexed by a hash of the client's address and port; sh, dh
 * and mh use the kernel's tables (halo.lvs.sched) indexed by {@code jhash} with the fixed seed (not the kernel's
 * hash_32 or hsiphash, which nftables cannot compute: the spread is the table's, the choice for one address differs
 * from IPVS's).
 */
public final class NftRuleset {
    /** The jhash seed: fixed, so that two directors hash a flow to the same real server. */
    public static final int SEED = 0x48616c6f;
    /** Above this many entries a wrr cycle is written as one range per server (the same shares, not interleaved). */
    static final int MAX_WRR_CYCLE = 4096;
    /** The high byte of the packet marks Halo gives TUN flows, and of their routing tables. */
    public static final int TUN_MARK = 0x48000000;

    /**
     * The most flows one DR real server's flow set holds ({@code size} of {@code s<id>_d<id>_f}, and of a service's
     * closing set); a flow that finds it full is forwarded by the hash alone (as if there were no flow state), which a
     * change of the table can move. The kernel allocates entries as they come (about 100 bytes each); a million is
     * 120 s of TIME_WAIT at 8,700 new connections a second to one server (IPVS's table has no bound).
     */
    public static final int FLOW_SET_SIZE = 1 << 20;

    private final Function<InetAddress, String> deviceOf;
    /** The DR flow sets' timeouts (IPVS's tcp, tcpfin and udp). */
    private halo.lvs.IpvsTimeouts timeouts = halo.lvs.IpvsTimeouts.DEFAULT;
    /**
     * The last layout's objects per service: a service that did not change is not built again (an mh table, the
     * DR devices), so a checker's change costs the one service it touches.
     */
    private Map<PlacedService, Built> built = new java.util.HashMap<>();
    /** DR real servers' devices, looked up once per layout. */
    private final Map<InetAddress, java.util.Optional<String>> deviceCache = new java.util.HashMap<>();

    private record Built(List<NftLayout.NftObject> objects, List<String> devices) {}

    /** DEVICE_OF: the interface a DR real server is reached through (on its link). */
    public NftRuleset(Function<InetAddress, String> deviceOf) {
        this.deviceOf = deviceOf;
    }

    /** A service as the ruleset places it: ids that name its chains, sets and counters while it lives. */
    /**
     * A service as the ruleset places it: ids that name its chains, sets and counters while it lives. PARKED are real
     * servers a checker removed: their objects (chain, counters, flow set) stay, out of the scheduler, so that the
     * removal and the server's return change only the scheduler's map and pick chain, which the plane writes as
     * element and rule messages without libnftables (see {@link NftFastPath}).
     */
    public record PlacedService(int id, IpvsService service, List<PlacedDestination> destinations,
                                List<PlacedDestination> parked) {
        public PlacedService {
            destinations = List.copyOf(destinations);
            parked = List.copyOf(parked);
        }

        public PlacedService(int id, IpvsService service, List<PlacedDestination> destinations) {
            this(id, service, destinations, List.of());
        }

        /**
         * The destinations and the parked ones, by id: everything that has objects, in an order that a removal or
         * a return does not change (a returning server goes to the end of the destinations, as in IPVS).
         */
        public List<PlacedDestination> withParked() {
            List<PlacedDestination> all = new ArrayList<>(destinations);
            all.addAll(parked);
            all.sort(java.util.Comparator.comparingInt(PlacedDestination::id));
            return all;
        }
    }

    /**
     * A destination with its id and its last non-zero weight (mh keeps a quiesced server's table entries, as the
     * kernel's last_weight does).
     */
    public record PlacedDestination(int id, IpvsDestination destination, int lastWeight) {}

    /** An ipip tunnel route for a TUN real server: packets marked MARK are routed by table TABLE into TUNNEL. */
    public record TunnelRoute(int mark, int table, InetAddress realServer, String tunnel) {}

    /** Where a service's flows are handled: by its destinations' forwarding method (NAT when it has none). */
    public static ForwardingMethod forwarding(IpvsService service) {
        ForwardingMethod method = null;
        for (IpvsDestination d : service.destinations()) {
            if (method != null && method != d.forwarding()) {
                throw new IllegalArgumentException("real servers with different forwarding methods (" + method + ", "
                        + d.forwarding() + ") in one service are not supported by the nftables data plane");
            }
            method = d.forwarding();
        }
        return method == null ? ForwardingMethod.NAT : method;
    }

    /** Where a placed service's flows are handled: its parked real servers' method when none is left. */
    public static ForwardingMethod forwarding(PlacedService p) {
        if (!p.destinations().isEmpty() || p.parked().isEmpty()) return forwarding(p.service());
        return p.parked().getFirst().destination().forwarding();
    }

    /** The layout for SERVICES (in table order). */
    public NftLayout layout(List<PlacedService> services) {
        deviceCache.clear();
        this.using = new java.util.HashMap<>();
        List<NftLayout.NftObject> inet = new ArrayList<>();
        List<NftLayout.NftObject> netdev = new ArrayList<>();
        List<String> natJumps = new ArrayList<>();
        List<String> countJumps = new ArrayList<>();
        List<String> tunJumps = new ArrayList<>();
        List<String> drJumps = new ArrayList<>();
        List<String> invalidDrops = new ArrayList<>();
        Set<String> devices = new LinkedHashSet<>();
        for (PlacedService p : services) {
            ForwardingMethod method = forwarding(p);
            switch (method) {
                case NAT -> {
                    natJumps.add(matchOf(p.service().key(), false) + " goto " + chain(p));
                    countJumps.add(countMatchOf(p.service().key()) + " jump " + chain(p) + "_count");
                    invalidDrops.add(matchOf(p.service().key(), false) + " ct state invalid drop");
                    inet.addAll(build(p, method).objects());
                }
                case TUN -> {
                    tunJumps.add(matchOf(p.service().key(), false) + " notrack goto " + chain(p));
                    inet.addAll(build(p, method).objects());
                }
                case DR -> {
                    drJumps.add("meta pkttype host " + matchOf(p.service().key(), true) + " goto " + chain(p));
                    Built b = build(p, method);
                    devices.addAll(b.devices());
                    netdev.addAll(b.objects());
                }
            }
        }
        built = using;
        using = new java.util.HashMap<>();
        List<NftLayout.Table> tables = new ArrayList<>();
        if (!natJumps.isEmpty() || !tunJumps.isEmpty()) {
            List<NftLayout.NftObject> objects = new ArrayList<>(inet);
            if (!tunJumps.isEmpty()) {
                objects.add(tunPrerouting(tunJumps));
            }
            if (!natJumps.isEmpty()) {
                objects.addAll(natTimeouts(services));
                objects.add(new NftLayout.Chain("nat_prerouting",
                        "type nat hook prerouting priority dstnat; policy accept;", natJumps));
                objects.add(natOutput(natJumps));
                objects.add(new NftLayout.Chain("count_forward",
                        "type filter hook forward priority filter; policy accept;", countJumps));
                // a packet of a connection conntrack does not know (a new master before conntrackd has committed
                // the old master's connections) is not dnat'ed: dropped, the client retransmits it; delivered to
                // the local stack, which holds the VIP, it would be answered with a reset
                objects.add(new NftLayout.Chain("nat_input",
                        "type filter hook input priority filter; policy accept;", invalidDrops));
            }
            tables.add(new NftLayout.Table("inet", objects));
        }
        if (!drJumps.isEmpty()) {
            List<NftLayout.NftObject> objects = new ArrayList<>(netdev);
            for (String dev : devices) {
                objects.add(new NftLayout.Chain("ingress_" + dev.replaceAll("[^A-Za-z0-9_]", "_"),
                        "type filter hook ingress device \"" + dev + "\" priority filter; policy accept;", drJumps));
            }
            tables.add(new NftLayout.Table("netdev", objects));
        }
        return new NftLayout(tables);
    }

    /**
     * IPVS's timeouts for the NAT services' connections as conntrack timeout policies: {@code ct timeout} objects
     * (tcp: established = tcp, fin_wait = tcpfin, as IPVS's tcpfin is its FIN_WAIT timeout; udp: unreplied and
     * replied = udp, as IPVS has one UDP timeout) named by their values, and a prerouting chain at mangle priority,
     * after conntrack has made a new connection's entry and before dnat, that attaches them to each TCP or UDP
     * service's new connections (the kernel attaches a policy only to an entry not yet confirmed). Other states keep
     * conntrack's own timeouts; firewall-mark services (their mark may be set later) and SCTP keep them all.
     * <p>
     * A connection keeps the policy it began with, and the kernel takes a deleted policy off every entry that had it
     * (they fall back to conntrack's own timeouts, 5 days for established TCP), so the policies in use before a
     * change of the timeouts stay in the table, unused by new connections, the last {@link #EARLIER_POLICIES}.
     */
    List<NftLayout.NftObject> natTimeouts(List<PlacedService> services) {
        Map<String, NftLayout.CtTimeout> policies = new LinkedHashMap<>();
        List<String> rules = new ArrayList<>();
        for (PlacedService p : services) {
            if (forwarding(p.service()) != ForwardingMethod.NAT || !(p.service().key() instanceof ServiceKey.Inet i)) {
                continue;
            }
            String l3 = i.ipv6() ? "ip6" : "ip";
            NftLayout.CtTimeout policy = switch (i.protocol()) {
                case TCP -> new NftLayout.CtTimeout("tcp" + (i.ipv6() ? "6" : "4") + "_" + timeouts.tcp() + "_"
                        + timeouts.tcpFin(), List.of("protocol tcp", "l3proto " + l3, "policy = { established: "
                        + timeouts.tcp() + ", fin_wait: " + timeouts.tcpFin() + " }"));
                case UDP -> new NftLayout.CtTimeout("udp" + (i.ipv6() ? "6" : "4") + "_" + timeouts.udp(),
                        List.of("protocol udp", "l3proto " + l3, "policy = { unreplied: " + timeouts.udp()
                                + ", replied: " + timeouts.udp() + " }"));
                case SCTP -> null;
            };
            if (policy == null) continue;
            policies.putIfAbsent(policy.name(), policy);
            rules.add(match(i, false) + " ct timeout set \"" + policy.name() + "\"");
        }
        if (rules.isEmpty()) return List.of();
        List<NftLayout.NftObject> out = new ArrayList<>(policies.values());
        for (NftLayout.CtTimeout earlier : earlierPolicies.values()) {
            if (!policies.containsKey(earlier.name())) out.add(earlier);
        }
        lastPolicies = List.copyOf(policies.values());
        out.add(new NftLayout.Chain("nat_timeouts", "type filter hook prerouting priority mangle; policy accept;", rules));
        return out;
    }

    /** How many conntrack timeout policies of earlier timeouts the table keeps. */
    static final int EARLIER_POLICIES = 16;
    /** The policies in use before each change of the timeouts, oldest first (see {@link #natTimeouts}). */
    private final Map<String, NftLayout.CtTimeout> earlierPolicies = new LinkedHashMap<>();
    /** The policies of the last layout. */
    private List<NftLayout.CtTimeout> lastPolicies = List.of();

    /**
     * Clients on the director itself: their connections to a NAT VIP are scheduled as the clients' from outside are
     * (IPVS balances local clients too), in a nat chain of the output hook with the same jumps.
     */
    private static NftLayout.Chain natOutput(List<String> natJumps) {
        return new NftLayout.Chain("nat_output", "type nat hook output priority -100; policy accept;", natJumps);
    }

    /**
     * TUN services' packets, before conntrack (priority raw): the director sees only the client's side of a TUN
     * connection (the real server answers the client directly), so conntrack would find the client's second packet
     * invalid and no conntrack mark could carry the flow to its real server. The flows are not tracked
     * ({@code notrack}) and live in flow sets as DR's do; the packet mark routes them.
     */
    private static NftLayout.Chain tunPrerouting(List<String> tunJumps) {
        return new NftLayout.Chain("tun_prerouting", "type filter hook prerouting priority raw; policy accept;",
                tunJumps);
    }

    /** Whether a service's flows are seen in one direction only and live in flow sets: DR and TUN. */
    private static boolean oneWay(ForwardingMethod method) {
        return method == ForwardingMethod.DR || method == ForwardingMethod.TUN;
    }

    /** Services' matches, kept: a layout is made at every checker change, and 1,000 services' strings cost. */
    private final Map<ServiceKey, String> matches = new java.util.HashMap<>();
    private final Map<ServiceKey, String> netdevMatches = new java.util.HashMap<>();
    private final Map<ServiceKey, String> countMatches = new java.util.HashMap<>();

    private String matchOf(ServiceKey key, boolean netdev) {
        return (netdev ? netdevMatches : matches).computeIfAbsent(key, k -> match(k, netdev));
    }

    private String countMatchOf(ServiceKey key) {
        return countMatches.computeIfAbsent(key, NftRuleset::countMatch);
    }


    /**
     * The DR and TUN flow timeouts and the NAT conntrack timeouts; every service is built again at the next layout.
     */
    public void timeouts(halo.lvs.IpvsTimeouts timeouts) {
        if (!timeouts.equals(this.timeouts)) {
            for (NftLayout.CtTimeout p : lastPolicies) {
                earlierPolicies.remove(p.name());
                earlierPolicies.put(p.name(), p);
            }
            while (earlierPolicies.size() > EARLIER_POLICIES) {
                earlierPolicies.remove(earlierPolicies.keySet().iterator().next());
            }
        }
        this.timeouts = java.util.Objects.requireNonNull(timeouts);
        forget();
    }

    /** Builds every service again at the next layout (a resync: devices looked up afresh). */
    public void forget() {
        built = new java.util.HashMap<>();
        matches.clear();
        netdevMatches.clear();
        countMatches.clear();
    }

    /** Services built for the layout being made; becomes {@link #built} when it is done. */
    private Map<PlacedService, Built> using = new java.util.HashMap<>();

    private Built build(PlacedService p, ForwardingMethod method) {
        Built b = built.get(p);
        if (b == null) {
            List<String> devices = new ArrayList<>();
            if (method == ForwardingMethod.DR) {
                for (PlacedDestination d : p.withParked()) devices.add(device(d));
            }
            b = new Built(serviceObjects(p, method), devices);
        }
        using.put(p, b);
        return b;
    }

    /** The policy routing TUN services need: one mark, table and tunnel per TUN real server. */
    public List<TunnelRoute> tunnelRoutes(List<PlacedService> services) {
        List<TunnelRoute> out = new ArrayList<>();
        for (PlacedService p : services) {
            if (forwarding(p.service()) != ForwardingMethod.TUN) continue;
            for (PlacedDestination d : p.destinations()) {
                int mark = tunMark(p, d);
                out.add(new TunnelRoute(mark, mark, d.destination().key().address(),
                        String.format(Locale.ROOT, "halot%06x", mark & 0xffffff)));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ one service

    private List<NftLayout.NftObject> serviceObjects(PlacedService p, ForwardingMethod method) {
        IpvsService s = p.service();
        List<NftLayout.NftObject> out = new ArrayList<>();
        if (oneWay(method) && tcp(s.key())) {
            out.add(new NftLayout.Collection("set", chain(p) + "_closing", List.of("type " + flowType(s.key()),
                    "flags dynamic,timeout", "size " + FLOW_SET_SIZE), List.of(), true));
        }
        for (PlacedDestination d : p.withParked()) {
            out.add(new NftLayout.Counter(chain(p, d) + "_conn"));
            out.add(new NftLayout.Counter(chain(p, d) + "_in"));
            if (method == ForwardingMethod.NAT) out.add(new NftLayout.Counter(chain(p, d) + "_out"));
            if (oneWay(method)) {
                out.add(new NftLayout.Collection("set", chain(p, d) + "_f", List.of("type " + flowType(s.key()),
                        "flags dynamic,timeout", "size " + FLOW_SET_SIZE), List.of(), true));
            }
            if (s.persistent()) {
                out.add(new NftLayout.Collection("set", chain(p, d) + "_p", List.of(
                        "type " + (s.key().ipv6() ? "ipv6_addr" : "ipv4_addr"), "flags dynamic,timeout",
                        "timeout " + s.persistence().timeoutSeconds() + "s"), List.of(), true));
            }
        }
        Map<Integer, Integer> schedule = schedule(p, oneWay(method));
        List<String> elements = ranges(schedule, i -> "goto " + chain(p, p.destinations().get(i)));
        out.add(new NftLayout.Collection("map", chain(p) + "_sched",
                List.of("typeof numgen inc mod 2 : verdict", "flags interval"), elements, false));
        for (PlacedDestination d : p.withParked()) {
            out.add(new NftLayout.Chain(chain(p, d), null, destinationRules(p, d, method)));
        }
        List<String> rules = new ArrayList<>();
        String family = s.key().ipv6() ? "ip6" : "ip";
        if (oneWay(method)) {
            // an established flow goes on to its real server whatever the table has become since it began (a
            // quiesced server's included); only a flow no set knows is scheduled
            for (PlacedDestination d : p.withParked()) {
                rules.add(l4(s.key()) + " " + flowKey(s.key()) + " @" + chain(p, d) + "_f goto " + chain(p, d));
            }
        }
        if (s.persistent()) {
            for (PlacedDestination d : p.withParked()) {
                rules.add(family + " saddr" + mask(s.persistence(), s.key().ipv6()) + " @" + chain(p, d) + "_p goto "
                        + chain(p, d));
            }
        }
        // the scheduler's rule has a chain of its own: its modulus (rr and wrr: the cycle) changes with a weight, and
        // a chain's rules can be replaced without handles (delete all, add one)
        out.add(new NftLayout.Chain(chain(p) + "_pick", null, schedule.isEmpty() ? List.of()
                : List.of(scheduleKey(p, oneWay(method), cycle(schedule)) + " vmap @" + chain(p)
                        + "_sched")));
        rules.add("jump " + chain(p) + "_pick");
        rules.add("reject with icmpx type port-unreachable");
        out.add(new NftLayout.Chain(chain(p), null, rules));
        if (method == ForwardingMethod.NAT) out.add(new NftLayout.Chain(chain(p) + "_count", null, countRules(p)));
        return out;
    }

    private List<String> destinationRules(PlacedService p, PlacedDestination d, ForwardingMethod method) {
        IpvsService s = p.service();
        IpvsDestination dest = d.destination();
        String family = s.key().ipv6() ? "ip6" : "ip";
        String persist = s.persistent() ? "update @" + chain(p, d) + "_p { " + family + " saddr"
                + mask(s.persistence(), s.key().ipv6()) + " }" : null;
        List<String> rules = new ArrayList<>();
        switch (method) {
            case NAT -> {
                rules.add(join("counter name \"" + chain(p, d) + "_conn\"", persist));
                String to = address(dest.key().address());
                rules.add(dest.key().port() == 0 ? "dnat " + family + " to " + to
                        : l4(s.key()) + " dnat " + family + " to " + to + ":" + dest.key().port());
            }
            case DR -> {
                rules.addAll(flowUpdates(s.key(), "@" + chain(p, d) + "_f", "@" + chain(p) + "_closing"));
                if (s.key() instanceof ServiceKey.Inet i && i.protocol() == halo.lvs.Protocol.TCP) {
                    rules.add("tcp flags & (syn | ack) == syn counter name \"" + chain(p, d) + "_conn\"");
                }
                rules.add(join("counter name \"" + chain(p, d) + "_in\"", persist));
                rules.add("fwd " + family + " to " + dest.key().address().getHostAddress() + " device \"" + device(d)
                        + "\"");
            }
            case TUN -> {
                rules.addAll(flowUpdates(s.key(), "@" + chain(p, d) + "_f", "@" + chain(p) + "_closing"));
                if (s.key() instanceof ServiceKey.Inet i && i.protocol() == halo.lvs.Protocol.TCP) {
                    rules.add("tcp flags & (syn | ack) == syn counter name \"" + chain(p, d) + "_conn\"");
                }
                rules.add(join("counter name \"" + chain(p, d) + "_in\"", persist));
                rules.add("meta mark set " + hex(tunMark(p, d)) + " accept");
            }
        }
        return rules;
    }

    /**
     * The rules that record a DR flow in its real server's flow set SET, or refresh it, with IPVS's timeouts: TCP
     * established {@code tcp}; once a FIN or RST is seen {@code tcpfin}, for that packet and every later one (the
     * service's set CLOSING remembers the flow is closing, until a new SYN reuses its address and port); UDP
     * {@code udp}; SCTP as established TCP. Each update is a rule of its own: when a set is full the update ends its
     * rule only, and the packet is still forwarded.
     */
    private List<String> flowUpdates(ServiceKey key, String set, String closing) {
        String k = flowKey(key);
        List<String> tcp = List.of(
                "tcp flags & (syn | ack) == syn delete " + closing + " { " + k + " }",
                "tcp flags & (fin | rst) != 0 update " + closing + " { " + k + " timeout " + timeouts.tcpFin() + "s }",
                "meta l4proto tcp " + k + " " + closing + " update " + set + " { " + k + " timeout " + timeouts.tcpFin()
                        + "s }",
                "meta l4proto tcp " + k + " != " + closing + " update " + set + " { " + k + " timeout " + timeouts.tcp()
                        + "s }");
        String udp = "meta l4proto udp update " + set + " { " + k + " timeout " + timeouts.udp() + "s }";
        String sctp = "meta l4proto sctp update " + set + " { " + k + " timeout " + timeouts.tcp() + "s }";
        return switch (key) {
            case ServiceKey.Inet i -> switch (i.protocol()) {
                case TCP -> tcp;
                case UDP -> List.of(udp);
                case SCTP -> List.of(sctp);
            };
            case ServiceKey.Fwmark f -> {
                List<String> all = new ArrayList<>(tcp);
                all.add(udp);
                all.add(sctp);
                yield all;
            }
        };
    }

    /** Whether a service's flows may be TCP (a TCP service, or a firewall mark: any protocol). */
    private static boolean tcp(ServiceKey key) {
        return !(key instanceof ServiceKey.Inet i) || i.protocol() == halo.lvs.Protocol.TCP;
    }

    /**
     * What tells a DR flow from another within its service: the client's address and port, and for a service of every
     * port or a firewall mark the destination's address and port too.
     */
    private static String flowKey(ServiceKey key) {
        String family = key.ipv6() ? "ip6" : "ip";
        return key instanceof ServiceKey.Inet i && i.port() != 0 ? family + " saddr . th sport"
                : family + " saddr . th sport . " + family + " daddr . th dport";
    }

    private static String flowType(ServiceKey key) {
        String address = key.ipv6() ? "ipv6_addr" : "ipv4_addr";
        return key instanceof ServiceKey.Inet i && i.port() != 0 ? address + " . inet_service"
                : address + " . inet_service . " + address + " . inet_service";
    }

    /** The NAT service's forward-chain rules: each real server's packets in and out, and persistence refreshed. */
    private List<String> countRules(PlacedService p) {
        IpvsService s = p.service();
        String family = s.key().ipv6() ? "ip6" : "ip";
        List<String> rules = new ArrayList<>();
        for (PlacedDestination d : p.withParked()) {
            var key = d.destination().key();
            String who = "ct reply " + family + " saddr " + key.address().getHostAddress()
                    + (key.port() == 0 ? "" : " " + l4(s.key()) + " ct reply proto-src " + key.port());
            String persist = s.persistent() ? "update @" + chain(p, d) + "_p { " + family + " saddr"
                    + mask(s.persistence(), s.key().ipv6()) + " }" : null;
            rules.add(join(who + " ct direction original counter name \"" + chain(p, d) + "_in\"", persist));
            rules.add(who + " ct direction reply counter name \"" + chain(p, d) + "_out\"");
        }
        return rules;
    }

    // ------------------------------------------------------------------------------------------------ schedulers

    /**
     * The scheduler as a map from a number (numgen or jhash, mod the cycle) to an index into the service's
     * destinations; indexes with no available server are absent.
     */
    Map<Integer, Integer> schedule(PlacedService p, boolean dr) {
        IpvsService s = p.service();
        List<PlacedDestination> ds = p.destinations();
        Map<Integer, Integer> out = new LinkedHashMap<>();
        boolean fallback = s.has(ServiceFlag.SCHED1);
        switch (s.scheduler()) {
            case RR -> {
                int n = 0;
                for (int i = 0; i < ds.size(); i++) {
                    if (ds.get(i).destination().weight() > 0) out.put(n++, i);
                }
            }
            case WRR -> {
                List<Destination> list = new ArrayList<>();
                long total = 0;
                int gcd = 0;
                for (PlacedDestination d : ds) {
                    int w = d.destination().weight();
                    list.add(new Destination(d.destination().key().address(), d.destination().key().port(), w));
                    if (w > 0) {
                        total += w;
                        gcd = gcd == 0 ? w : gcd(gcd, w);
                    }
                }
                if (gcd == 0) return out;
                long cycle = total / gcd;
                if (cycle <= MAX_WRR_CYCLE) {
                    WeightedRoundRobin wrr = new WeightedRoundRobin();
                    wrr.update(list);
                    for (int n = 0; n < cycle; n++) out.put(n, list.indexOf(wrr.schedule(list, null)));
                } else {
                    int n = 0;
                    for (int i = 0; i < ds.size(); i++) {
                        int share = ds.get(i).destination().weight() / gcd;
                        for (int k = 0; k < share; k++) out.put(n++, i);
                    }
                }
            }
            case SH, DH -> {
                List<Destination> list = destinations(ds, false);
                int[] table;
                if (s.scheduler() == SchedulingMethod.SH) {
                    SourceHashing sh = new SourceHashing(ServiceFlag.bits(s.flags()));
                    sh.update(list);
                    table = sh.lookupTable();
                } else {
                    DestinationHashing dh = new DestinationHashing();
                    dh.update(list);
                    table = dh.lookupTable();
                    fallback = false; // dh has no fallback
                }
                fillTable(table, ds, fallback, out);
            }
            case MH -> {
                MaglevHashing mh = new MaglevHashing(ServiceFlag.bits(s.flags()));
                mh.update(destinations(ds, true));
                fillTable(mh.lookupTable(), ds, fallback, out);
            }
            default -> throw new IllegalArgumentException("scheduler " + s.scheduler()
                    + " is not supported by the nftables data plane (supported: rr, wrr, sh, dh, mh)");
        }
        return out;
    }

    /**
     * TABLE's entries whose server is available (weight above 0); with FALLBACK an entry of an unavailable server
     * goes to the next entry's available server, in table order (the kernel rehashes the client instead, which
     * nftables cannot do).
     */
    private static void fillTable(int[] table, List<PlacedDestination> ds, boolean fallback, Map<Integer, Integer> out) {
        for (int i = 0; i < table.length; i++) {
            int d = table[i];
            if (d < 0) continue;
            if (ds.get(d).destination().weight() > 0) {
                out.put(i, d);
            } else if (fallback) {
                for (int k = 1; k < table.length; k++) {
                    int other = table[(i + k) % table.length];
                    if (other >= 0 && ds.get(other).destination().weight() > 0) {
                        out.put(i, other);
                        break;
                    }
                }
            }
        }
    }

    private static List<Destination> destinations(List<PlacedDestination> ds, boolean lastWeight) {
        List<Destination> list = new ArrayList<>();
        for (PlacedDestination d : ds) {
            list.add(new Destination(d.destination().key().address(), d.destination().key().port(),
                    lastWeight ? d.lastWeight() : d.destination().weight()));
        }
        return list;
    }

    /** The number the map is indexed by: its modulus is the table's size (rr and wrr: the cycle). */
    private static int cycle(Map<Integer, Integer> schedule) {
        int max = 0;
        for (int k : schedule.keySet()) max = Math.max(max, k);
        return max + 1;
    }

    private String scheduleKey(PlacedService p, boolean dr, int cycle) {
        IpvsService s = p.service();
        String family = s.key().ipv6() ? "ip6" : "ip";
        String seed = " seed " + hex(SEED);
        boolean port = s.has(ServiceFlag.SCHED2);
        return switch (s.scheduler()) {
            case RR, WRR -> dr ? l4(s.key()) + " jhash " + family + " saddr . th sport mod " + cycle + seed
                    : "numgen inc mod " + cycle;
            case SH -> (port ? l4(s.key()) + " jhash " + family + " saddr . th sport" : "jhash " + family + " saddr")
                    + " mod 256" + seed;
            case DH -> "jhash " + family + " daddr mod 256" + seed;
            case MH -> (port ? l4(s.key()) + " jhash " + family + " saddr . th sport" : "jhash " + family + " saddr")
                    + " mod " + MaglevHashing.TAB_SIZE + seed;
            default -> throw new IllegalArgumentException("scheduler " + s.scheduler());
        };
    }

    /** Map elements: runs of consecutive numbers with the same destination as one range. */
    private static List<String> ranges(Map<Integer, Integer> schedule, Function<Integer, String> verdict) {
        List<String> out = new ArrayList<>();
        List<Integer> keys = new ArrayList<>(schedule.keySet());
        keys.sort(null);
        int i = 0;
        while (i < keys.size()) {
            int start = keys.get(i);
            int d = schedule.get(start);
            int end = start;
            while (i + 1 < keys.size() && keys.get(i + 1) == end + 1 && schedule.get(keys.get(i + 1)) == d) {
                end = keys.get(++i);
            }
            out.add((start == end ? Integer.toString(start) : start + "-" + end) + " : " + verdict.apply(d));
            i++;
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ text pieces

    /** What selects a service's packets: VIP, protocol and port, or the firewall mark. */
    static String match(ServiceKey key, boolean netdev) {
        return switch (key) {
            case ServiceKey.Inet i -> (i.ipv6() ? "ip6" : "ip") + " daddr " + i.address().getHostAddress() + " "
                    + (i.port() == 0 ? "meta l4proto " + protocol(i.protocol())
                    : protocol(i.protocol()) + " dport " + i.port());
            case ServiceKey.Fwmark f -> "meta mark " + hex(f.mark()) + (netdev
                    ? " meta protocol " + (f.ipv6() ? "ip6" : "ip")
                    : " meta nfproto " + (f.ipv6() ? "ipv6" : "ipv4"));
        };
    }

    /** The forward chain's test for a NAT service's connections (original direction's destination). */
    private static String countMatch(ServiceKey key) {
        return switch (key) {
            case ServiceKey.Inet i -> "meta l4proto " + protocol(i.protocol()) + " ct original "
                    + (i.ipv6() ? "ip6" : "ip") + " daddr " + i.address().getHostAddress()
                    + (i.port() == 0 ? "" : " ct original proto-dst " + i.port());
            case ServiceKey.Fwmark f -> "meta mark " + hex(f.mark()) + " ct status dnat";
        };
    }

    /** A protocol test nft needs before a port (a fwmark service: any of the three). */
    private static String l4(ServiceKey key) {
        return key instanceof ServiceKey.Inet i ? "meta l4proto " + protocol(i.protocol())
                : "meta l4proto { tcp, udp, sctp }";
    }

    private static String protocol(halo.lvs.Protocol p) {
        return p.name().toLowerCase(Locale.ROOT);
    }

    /** " & MASK" for a granularity coarser than one host, else "". */
    static String mask(Persistence persistence, boolean ipv6) {
        int m = persistence.netmask();
        if (!ipv6) {
            if (m == Persistence.HOST_MASK_V4) return "";
            return " & " + ((m >>> 24) & 0xff) + "." + ((m >>> 16) & 0xff) + "." + ((m >>> 8) & 0xff) + "." + (m & 0xff);
        }
        if (m >= 128) return "";
        byte[] bytes = new byte[16];
        for (int i = 0; i < 16; i++) {
            int keep = Math.max(0, Math.min(8, m - 8 * i));
            bytes[i] = (byte) (0xff00 >>> keep);
        }
        try {
            return " & " + compact((Inet6Address) InetAddress.getByAddress(bytes));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String address(InetAddress a) {
        return a instanceof Inet6Address v6 ? "[" + compact(v6) + "]" : a.getHostAddress();
    }

    /** An IPv6 address in nft's compressed form (Java writes every group). */
    private static String compact(Inet6Address a) {
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLength && j - i > 1) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') s.append(':');
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }

    private String device(PlacedDestination d) {
        InetAddress a = d.destination().key().address();
        String dev = deviceCache.computeIfAbsent(a, x -> java.util.Optional.ofNullable(deviceOf.apply(x))).orElse(null);
        if (dev == null) {
            throw new IllegalArgumentException("DR real server " + a.getHostAddress()
                    + " is on no link of this host (DR forwards frames to it on its own link)");
        }
        return dev;
    }

    private static int tunMark(PlacedService p, PlacedDestination d) {
        return TUN_MARK | (p.id() & 0xfff) << 12 | (d.id() & 0xfff);
    }

    static String chain(PlacedService p) {
        return "s" + p.id();
    }

    static String chain(PlacedService p, PlacedDestination d) {
        return "s" + p.id() + "_d" + d.id();
    }

    private static String hex(int v) {
        return String.format(Locale.ROOT, "0x%08x", v);
    }

    private static String join(String a, String b) {
        return b == null ? a : a + " " + b;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
