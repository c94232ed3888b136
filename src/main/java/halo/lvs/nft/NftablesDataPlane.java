package halo.lvs.nft;

import halo.lvs.Action;
import halo.lvs.Connections;
import halo.lvs.DataPlane;
import halo.lvs.DataPlaneException;
import halo.lvs.DataPlaneKind;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.IpvsTimeouts;
import halo.lvs.PlaneCounters;
import halo.lvs.ServiceKey;
import halo.lvs.Stats;
import halo.os.HostAddress;
import halo.os.Conntrack;
import halo.os.Link;
import halo.os.NativeException;
import halo.os.NfNetlink;
import halo.os.Nftables;
import halo.os.RtNetlink;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nftables data plane: the virtual-server table as Halo's own nftables tables ({@code inet halo_lvs} for NAT and
 * TUN, {@code netdev halo_lvs} for DR; see {@link NftRuleset}), written through libnftables, every batch of changes
 * one transaction. A checker's change rewrites only the chains and maps it affects ({@link NftLayout#changesFrom}),
 * so persistence sets and counters stay and conntrack keeps established NAT connections. When it touches only
 * scheduler maps and pick rules (a weight, a removal, a return: a removed server is parked, its objects kept), it goes
 * as nf_tables messages in one batch ({@link NftFastPath}, halo.os.NfNetlink), not through libnftables, which reads
 * every table's chains, sets and counters before each command (hundreds of milliseconds at a thousand services). A
 * resync (a reload) writes only what differs too, unless a transaction was refused since the last one that went
 * through: then it replaces the tables whole. At open (after a crash) and at close, Halo's tables are removed.
 * <p>
 * DR keeps a flow set per real server, filled and refreshed by the packet path with IPVS's timeouts
 * ({@link #timeouts(IpvsTimeouts)}), so a change of the table moves no established flow (see {@link NftRuleset}).
 * <p>
 * Counters: named nftables counters per real server (connections: first packets; packets and bytes in, and out for
 * NAT), read back as JSON. A NAT real server's active and inactive connections, and the NAT connection listing, come
 * from a dump of conntrack over ctnetlink ({@link NatConnections}); DR and TUN flows have no such counts. TUN makes
 * an ipip tunnel, a routing table and a mark rule per real server through rtnetlink before the ruleset marks packets
 * for them, and removes them after ({@link TunnelRouting}); a kernel without ipip refuses the tunnel, and the batch
 * is refused with it, nothing written.
 * <p>
 * One thread (the daemon's checker side) calls it, as {@link DataPlane} says.
 */
public final class NftablesDataPlane implements DataPlane {
    private static final Pattern COUNTER = Pattern.compile(
            "\\{\"counter\": \\{\"family\": \"(\\w+)\", \"name\": \"(\\w+)\", \"table\": \"" + NftLayout.TABLE
                    + "\", \"handle\": \\d+, \"packets\": (\\d+), \"bytes\": (\\d+)\\}\\}");
    private static final Pattern COUNTER_NAME = Pattern.compile("s(\\d+)_d(\\d+)_(conn|in|out)");

    private final Nftables nft;
    /** A second context for reading: its output is JSON. */
    private final Nftables nftJson;
    /** nf_tables batches without libnftables, for a checker's change ({@link NftFastPath}); null when it failed. */
    private NfNetlink fast;
    private final NftRuleset ruleset;
    private final LongSupplier nanoClock;
    /** The services applied, in the order they came, with the ids that name their objects. */
    private final Map<ServiceKey, NftRuleset.PlacedService> services = new LinkedHashMap<>();
    private NftLayout layout = new NftLayout(List.of());
    private int nextServiceId = 1;
    private final Map<ServiceKey, Integer> nextDestinationId = new HashMap<>();
    private IpvsTimeouts timeouts = IpvsTimeouts.DEFAULT;
    private long generation;
    private long lastCommitNanos;
    private boolean lastCommitFast;
    /**
     * Whether the kernel holds {@link #layout}: true after every committed transaction, false after a refused one
     * (the tables may then differ from it, so the next resync replaces them whole).
     */
    private boolean trusted;
    /** The last two counter samples at least a second apart, for rates. */
    private Sample previous;
    private Sample latest;
    /** ctnetlink, opened at the first NAT count or listing. */
    private Conntrack conntrack;
    /** Why the last conntrack dump failed, or null. */
    private String conntrackFailure;

    private record Sample(long nanos, Map<String, long[]> values) {}

    /** TUN's tunnels, routes and rules, over the rtnetlink socket opened with the plane; null: TUN is refused. */
    private TunnelRouting tunnels;
    private RtNetlink rtnetlink;

    /** A named counter of Halo's table in FAMILY. */
    private record CounterName(String family, String name) {}

    NftablesDataPlane(Nftables nft, Nftables nftJson, Function<InetAddress, String> deviceOf,
                      LongSupplier nanoClock) {
        this.nft = Objects.requireNonNull(nft);
        this.nftJson = Objects.requireNonNull(nftJson);
        this.ruleset = new NftRuleset(deviceOf);
        this.nanoClock = Objects.requireNonNull(nanoClock);
    }

    /**
     * Opens the plane in the calling thread's network namespace and removes what a previous run left (its tables).
     *
     * @throws DataPlaneException when libnftables is missing or the kernel refuses
     */
    public static NftablesDataPlane open(LongSupplier nanoClock) throws DataPlaneException {
        if (!Nftables.isAvailable()) {
            throw new DataPlaneException("libnftables is not available: " + Nftables.unavailabilityCause(), null);
        }
        return open(NftablesDataPlane::onLinkDevice, nanoClock);
    }

    /** As {@link #open(LongSupplier)} with DEVICE_OF naming the interface a DR real server is reached through. */
    public static NftablesDataPlane open(Function<InetAddress, String> deviceOf, LongSupplier nanoClock)
            throws DataPlaneException {
        Nftables nft = Nftables.open();
        NftablesDataPlane plane = new NftablesDataPlane(nft, Nftables.openJson(), deviceOf, nanoClock);
        try {
            nft.run(NftLayout.removeAll());
            plane.trusted = true;
        } catch (Nftables.NftablesException e) {
            plane.nft.close();
            plane.nftJson.close();
            throw new DataPlaneException("removing Halo's nftables tables: " + e.getMessage(), e);
        }
        plane.openTunnels();
        try {
            plane.fast = NfNetlink.open();
        } catch (NativeException e) {
            // every change then goes through libnftables, as before
            plane.fast = null;
        }
        return plane;
    }

    /**
     * Whether this host can run the plane: libnftables loads and the kernel accepts an inet table with a nat chain and
     * a netdev table (made and removed in one transaction, so nothing stays).
     */
    public static boolean probe() {
        if (!Nftables.isAvailable()) return false;
        String name = "halo_probe_" + ProcessHandle.current().pid();
        try (Nftables nft = Nftables.open()) {
            nft.run("add table inet " + name + "\n"
                    + "add chain inet " + name + " c { type nat hook prerouting priority dstnat; policy accept; }\n"
                    + "add table netdev " + name + "\n"
                    + "delete table inet " + name + "\n"
                    + "delete table netdev " + name + "\n");
            return true;
        } catch (Nftables.NftablesException | RuntimeException e) {
            return false;
        }
    }

    /** The interface whose own addresses put ADDRESS on its link, or null. */
    static String onLinkDevice(InetAddress address) {
        try (RtNetlink rt = RtNetlink.open()) {
            byte[] a = address.getAddress();
            for (HostAddress h : rt.addresses()) {
                byte[] b = h.address().getAddress();
                if (b.length != a.length || h.prefixLength() >= 8 * a.length) continue;
                if (samePrefix(a, b, h.prefixLength())) {
                    Link link = rt.link(h.interfaceIndex());
                    if (link != null && (link.flags() & Link.IFF_LOOPBACK) == 0) return link.name();
                }
            }
            return null;
        } catch (NativeException e) {
            throw new IllegalStateException("reading the interfaces' addresses: " + e.getMessage(), e);
        }
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff00 >>> bits) & 0xff;
            if (((a[i] ^ b[i]) & mask) != 0) return false;
        }
        return true;
    }

    /** Opens rtnetlink for TUN and removes the tunnels, rules and moved local rule a previous run left. */
    private void openTunnels() throws DataPlaneException {
        try {
            rtnetlink = RtNetlink.open();
            tunnels = new TunnelRouting(TunnelRouting.rtnetlink(rtnetlink));
            tunnels.removeAll();
        } catch (NativeException e) {
            close();
            throw new DataPlaneException("removing Halo's TUN tunnels and rules: " + e.getMessage(), e);
        }
    }

    /**
     * Tests: TUN's host layer as WRAP makes it of the plane's own (rtnetlink in the plane's namespace), so a test on a
     * kernel without ipip can put another link where the tunnel would be and exercise the marks, tables and rules.
     */
    void wrapTunnelHost(java.util.function.UnaryOperator<TunnelRouting.Host> wrap) {
        tunnels = new TunnelRouting(wrap.apply(TunnelRouting.rtnetlink(rtnetlink)));
    }

    /**
     * Makes the TUN tunnels, routes and rules NEXT needs before its ruleset marks packets for them; a refusal (no ipip
     * in the kernel) refuses the whole batch, nothing written.
     */
    private void addTunnels(Map<ServiceKey, NftRuleset.PlacedService> next) throws DataPlaneException {
        List<NftRuleset.TunnelRoute> wanted = ruleset.tunnelRoutes(List.copyOf(next.values()));
        if (wanted.isEmpty()) return;
        if (tunnels == null) throw new DataPlaneException(List.of("TUN needs rtnetlink, which this plane was opened without"));
        try {
            tunnels.add(wanted);
        } catch (NativeException e) {
            throw new DataPlaneException(List.of(tunnelRefusal(wanted, e)));
        } catch (RuntimeException e) {
            throw new DataPlaneException(List.of(message(e)));
        }
    }

    /**
     * Whether the kernel can make the ipip tunnels TUN needs, read without making one: the module loaded or built in
     * ({@code /sys/module/ipip}), or installed for the kernel to load on the first tunnel
     * ({@code /lib/modules/RELEASE}: its file, or a line of modules.builtin).
     */
    public static boolean kernelHasIpip() {
        if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/sys/module/ipip"))) return true;
        try {
            String release = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/osrelease"))
                    .trim();
            java.nio.file.Path modules = java.nio.file.Path.of("/lib/modules", release);
            java.nio.file.Path builtin = modules.resolve("modules.builtin");
            if (java.nio.file.Files.isReadable(builtin)
                    && java.nio.file.Files.readAllLines(builtin).stream().anyMatch(l -> l.endsWith("/ipip.ko"))) {
                return true;
            }
            java.nio.file.Path dir = modules.resolve("kernel/net/ipv4");
            for (String ext : List.of("", ".xz", ".zst", ".gz")) {
                if (java.nio.file.Files.exists(dir.resolve("ipip.ko" + ext))) return true;
            }
            return false;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** What the operator reads when the kernel will not make a tunnel (this one: no ipip module). */
    static String tunnelRefusal(List<NftRuleset.TunnelRoute> wanted, NativeException e) {
        String servers = String.join(", ", wanted.stream().map(r -> r.realServer().getHostAddress()).distinct().toList());
        String cause = e.errno() == halo.os.Errno.EOPNOTSUPP
                ? ": this kernel has no IP-in-IP tunnels (the ipip module; modprobe ipip)" : "";
        return "TUN forwarding to " + servers + " needs an ipip tunnel to each real server, and the kernel refused one: "
                + e.getMessage() + cause;
    }

    /** Removes the TUN tunnels the services in place no longer need (after their ruleset is committed). */
    private void retainTunnels() {
        if (tunnels == null) return;
        try {
            tunnels.retain(ruleset.tunnelRoutes(List.copyOf(services.values())));
        } catch (NativeException e) {
            // left for the next change or the cleanup at close: packets are no longer marked for them
            System.getLogger(NftablesDataPlane.class.getName()).log(System.Logger.Level.WARNING,
                    "removing a TUN tunnel no longer used: " + e.getMessage());
        }
    }

    @Override
    public DataPlaneKind kind() {
        return DataPlaneKind.NFTABLES;
    }

    @Override
    public void apply(long generation, List<Action.TableChange> changes) throws DataPlaneException {
        Map<ServiceKey, NftRuleset.PlacedService> next = new LinkedHashMap<>(services);
        Map<ServiceKey, Integer> nextIds = new HashMap<>(nextDestinationId);
        int serviceId = nextServiceId;
        List<String> failures = new ArrayList<>();
        List<NftFastPath.Flush> flushes = new ArrayList<>();
        List<CounterName> resets = new ArrayList<>();
        for (Action.TableChange change : changes) {
            try {
                serviceId = change(next, nextIds, serviceId, change, flushes, resets);
            } catch (RuntimeException e) {
                failures.add(describe(change) + ": " + message(e));
            }
        }
        if (!failures.isEmpty()) throw new DataPlaneException(failures);
        NftLayout wanted = build(next);
        // a flow set that went in the same batch (its service removed) needs no emptying
        flushes.removeIf(f -> wanted.tables().stream().noneMatch(t -> t.family().equals(f.family())
                && t.objects().stream().anyMatch(o -> o.kind().equals("set") && o.name().equals(f.set()))));
        addTunnels(next);
        try {
            if (!commitFast(wanted, flushes)) {
                StringBuilder commands = new StringBuilder(wanted.changesFrom(layout));
                for (NftFastPath.Flush f : flushes) {
                    commands.append("flush set ").append(f.family()).append(' ').append(NftLayout.TABLE).append(' ')
                            .append(f.set()).append('\n');
                }
                commit(commands.toString());
            }
        } catch (DataPlaneException e) {
            retainTunnels();
            throw e;
        }
        resetCounters(wanted, resets);
        trusted = true;
        services.clear();
        services.putAll(next);
        retainTunnels();
        nextDestinationId.clear();
        nextDestinationId.putAll(nextIds);
        nextServiceId = serviceId;
        layout = wanted;
        this.generation = generation;
    }

    @Override
    public void resync(long generation, IpvsSnapshot snapshot) throws DataPlaneException {
        Map<ServiceKey, NftRuleset.PlacedService> next = new LinkedHashMap<>();
        Map<ServiceKey, Integer> nextIds = new HashMap<>();
        int serviceId = nextServiceId;
        for (IpvsService s : snapshot.services()) {
            NftRuleset.PlacedService old = services.get(s.key());
            int id = old != null ? old.id() : serviceId++;
            int destId = old != null ? nextDestinationId.getOrDefault(s.key(), 0) : 0;
            List<NftRuleset.PlacedDestination> ds = new ArrayList<>();
            for (IpvsDestination d : s.destinations()) {
                NftRuleset.PlacedDestination was = old == null ? null : findWithParked(old, d.key());
                ds.add(was != null ? new NftRuleset.PlacedDestination(was.id(), plain(d), lastWeight(was, d))
                        : new NftRuleset.PlacedDestination(destId++, plain(d), d.weight()));
            }
            next.put(s.key(), new NftRuleset.PlacedService(id, plain(s), ds));
            nextIds.put(s.key(), destId);
        }
        NftLayout wanted;
        ruleset.forget();
        try {
            for (NftRuleset.PlacedService p : next.values()) requireSupported(p);
            wanted = build(next);
        } catch (RuntimeException e) {
            throw new DataPlaneException(List.of(message(e)));
        }
        addTunnels(next);
        try {
            if (trusted) {
                // a reload: only what changed, so persistence sets and counters of what stays are kept
                try {
                    commit(wanted.changesFrom(layout));
                } catch (DataPlaneException e) {
                    trusted = false;
                }
            }
            if (!trusted) {
                commit(wanted.replaceAll());
                previous = null;
                latest = null;
            }
        } catch (DataPlaneException e) {
            retainTunnels();
            throw e;
        }
        trusted = true;
        services.clear();
        services.putAll(next);
        retainTunnels();
        nextDestinationId.clear();
        nextDestinationId.putAll(nextIds);
        nextServiceId = serviceId;
        layout = wanted;
        this.generation = generation;
    }

    private NftLayout build(Map<ServiceKey, NftRuleset.PlacedService> placed) throws DataPlaneException {
        try {
            return ruleset.layout(List.copyOf(placed.values()));
        } catch (RuntimeException e) {
            throw new DataPlaneException(List.of(message(e)));
        }
    }

    /**
     * Zeroes RESETS, the counters of parked real servers that came back: they count again from zero, as a new
     * destination's do. Not part of the transaction (the kernel resets a counter by a request of its own); a failure
     * leaves the old counts, which is logged by the caller's next refusal, not thrown: the change itself went through.
     */
    private void resetCounters(NftLayout wanted, List<CounterName> resets) {
        for (CounterName r : resets) {
            boolean exists = wanted.tables().stream().anyMatch(t -> t.family().equals(r.family())
                    && t.objects().stream().anyMatch(o -> o instanceof NftLayout.Counter && o.name().equals(r.name())));
            if (!exists) continue;
            try {
                if (fast != null) {
                    fast.request(NftMessages.resetCounter(r.family().equals("netdev") ? NftMessages.NFPROTO_NETDEV
                            : NftMessages.NFPROTO_INET, NftLayout.TABLE, r.name(), 0), "resetting counter " + r.name());
                } else {
                    nft.run("reset counter " + r.family() + " " + NftLayout.TABLE + " " + r.name() + "\n");
                }
            } catch (NativeException | Nftables.NftablesException e) {
                // the counts go on from where they were
            }
        }
    }

    /**
     * Commits the change to WANTED as nf_tables messages when {@link NftFastPath} can write it (a checker's change of
     * scheduler maps and pick rules); false when it cannot, and libnftables must.
     */
    private boolean commitFast(NftLayout wanted, List<NftFastPath.Flush> flushes) throws DataPlaneException {
        if (fast == null || !trusted) return false;
        long start = nanoClock.getAsLong();
        var messages = NftFastPath.messages(layout, wanted, flushes);
        if (messages.isEmpty() || NfNetlink.batchSize(messages.get()) > NfNetlink.MAX_BATCH) return false;
        if (messages.get().isEmpty()) {
            lastCommitNanos = nanoClock.getAsLong() - start;
            return true;
        }
        try {
            fast.commit(messages.get(), "nf_tables batch");
        } catch (NativeException e) {
            trusted = false;
            throw new DataPlaneException("nftables refused the change: " + e.getMessage(), e);
        }
        lastCommitNanos = nanoClock.getAsLong() - start;
        lastCommitFast = true;
        return true;
    }

    private void commit(String commands) throws DataPlaneException {
        lastCommitFast = false;
        if (commands.isEmpty()) return;
        long start = nanoClock.getAsLong();
        try {
            nft.run(commands);
        } catch (Nftables.NftablesException e) {
            trusted = false;
            throw new DataPlaneException("nftables refused the change: " + e.getMessage(), e);
        }
        lastCommitNanos = nanoClock.getAsLong() - start;
    }

    /** How long the last transaction took in libnftables (or nf_tables messages) and the kernel, in nanoseconds. */
    public long lastCommitNanos() {
        return lastCommitNanos;
    }

    /** The layout the kernel holds (as far as the plane knows). */
    NftLayout layout() {
        return layout;
    }

    /** Whether the last transaction went as nf_tables messages rather than through libnftables. */
    public boolean lastCommitFast() {
        return lastCommitFast;
    }

    /**
     * Applies CHANGE to NEXT (the services after this batch); returns the next service id. A removed real server of a
     * service without persistence is parked (its objects stay, out of the scheduler) and comes back with the same
     * id, so a checker's removal and return touch only the scheduler; a parked DR server's flow set is emptied
     * (FLUSHES), as its deletion did, so its flows are scheduled again. A persistent service's servers are not parked:
     * the NAT forward chain would refresh a removed server's persistence entries from its remaining connections.
     */
    private static int change(Map<ServiceKey, NftRuleset.PlacedService> next, Map<ServiceKey, Integer> ids,
                              int serviceId, Action.TableChange change, List<NftFastPath.Flush> flushes,
                              List<CounterName> resets) {
        switch (change) {
            case Action.AddService a -> {
                IpvsService s = a.definition();
                if (next.containsKey(s.key())) throw new IllegalStateException("service exists");
                List<NftRuleset.PlacedDestination> ds = new ArrayList<>();
                int destId = 0;
                for (IpvsDestination d : s.destinations()) {
                    ds.add(new NftRuleset.PlacedDestination(destId++, plain(d), d.weight()));
                }
                NftRuleset.PlacedService p = new NftRuleset.PlacedService(serviceId++, plain(s), ds);
                requireSupported(p);
                next.put(s.key(), p);
                ids.put(s.key(), destId);
            }
            case Action.EditService e -> {
                NftRuleset.PlacedService p = placed(next, e.service());
                IpvsService s = p.service().withSettingsOf(e.definition());
                NftRuleset.PlacedService edited = new NftRuleset.PlacedService(p.id(), s, p.destinations(),
                        s.persistent() ? List.of() : p.parked());
                requireSupported(edited);
                next.put(e.service(), edited);
            }
            case Action.RemoveService r -> {
                if (next.remove(r.service()) == null) throw new IllegalStateException("no such service");
                ids.remove(r.service());
            }
            case Action.AddDestination a -> {
                NftRuleset.PlacedService p = placed(next, a.service());
                if (find(p, a.destination().key()) != null) throw new IllegalStateException("destination exists");
                List<NftRuleset.PlacedDestination> parked = new ArrayList<>(p.parked());
                NftRuleset.PlacedDestination back = null;
                for (NftRuleset.PlacedDestination x : p.parked()) {
                    if (x.destination().key().equals(a.destination().key())) back = x;
                }
                int destId;
                if (back != null && back.destination().forwarding() == a.destination().forwarding()) {
                    destId = back.id();
                    // its counters start again, as a new destination's would
                    String family = back.destination().forwarding() == ForwardingMethod.DR ? "netdev" : "inet";
                    for (String counter : List.of("_conn", "_in", "_out")) {
                        resets.add(new CounterName(family, NftRuleset.chain(p, back) + counter));
                    }
                } else {
                    destId = ids.getOrDefault(a.service(), 0);
                    ids.put(a.service(), destId + 1);
                }
                if (back != null) parked.remove(back);
                List<NftRuleset.PlacedDestination> ds = new ArrayList<>(p.destinations());
                int lastWeight = a.destination().weight() != 0 || back == null || back.id() != destId
                        ? a.destination().weight() : back.lastWeight();
                ds.add(new NftRuleset.PlacedDestination(destId, plain(a.destination()), lastWeight));
                put(next, p, ds, parked);
            }
            case Action.EditDestination e -> {
                NftRuleset.PlacedService p = placed(next, e.service());
                NftRuleset.PlacedDestination was = find(p, e.destination().key());
                if (was == null) {
                    return change(next, ids, serviceId, new Action.AddDestination(e.service(), e.destination()),
                            flushes, resets);
                }
                List<NftRuleset.PlacedDestination> ds = new ArrayList<>(p.destinations());
                ds.replaceAll(x -> x == was ? new NftRuleset.PlacedDestination(was.id(), plain(e.destination()),
                        lastWeight(was, e.destination())) : x);
                put(next, p, ds, p.parked());
            }
            case Action.RemoveDestination r -> {
                NftRuleset.PlacedService p = placed(next, r.service());
                NftRuleset.PlacedDestination gone = find(p, r.destination());
                if (gone == null) throw new IllegalStateException("no such destination");
                List<NftRuleset.PlacedDestination> ds = new ArrayList<>(p.destinations());
                ds.remove(gone);
                List<NftRuleset.PlacedDestination> parked = new ArrayList<>(p.parked());
                if (!p.service().persistent()) {
                    parked.add(gone);
                    // its flows are scheduled again (DR's flow sets are in the netdev table, TUN's in the inet one)
                    ForwardingMethod m = gone.destination().forwarding();
                    if (m == ForwardingMethod.DR || m == ForwardingMethod.TUN) {
                        flushes.add(new NftFastPath.Flush(m == ForwardingMethod.DR ? "netdev" : "inet",
                                NftRuleset.chain(p, gone) + "_f"));
                    }
                }
                put(next, p, ds, parked);
            }
        }
        return serviceId;
    }

    private static void put(Map<ServiceKey, NftRuleset.PlacedService> next, NftRuleset.PlacedService p,
                            List<NftRuleset.PlacedDestination> ds, List<NftRuleset.PlacedDestination> parked) {
        List<IpvsDestination> plain = ds.stream().map(NftRuleset.PlacedDestination::destination).toList();
        NftRuleset.PlacedService changed = new NftRuleset.PlacedService(p.id(), p.service().withDestinations(plain), ds,
                parked);
        requireSupported(changed);
        next.put(p.service().key(), changed);
    }

    /** What this plane cannot carry, refused before anything is written. */
    private static void requireSupported(NftRuleset.PlacedService p) {
        if (!DataPlaneKind.NFTABLES.supports(p.service().scheduler())) {
            throw new IllegalArgumentException("scheduler " + p.service().scheduler()
                    + " is not supported by the nftables data plane");
        }
        if (NftRuleset.forwarding(p.service()) == ForwardingMethod.TUN) requireIpip(p);
    }

    /** TUN on this plane is IPv4 in IPv4 only (no gue, gre or ip6ip6 tunnels). */
    private static void requireIpip(NftRuleset.PlacedService p) {
        for (NftRuleset.PlacedDestination d : p.destinations()) {
            IpvsDestination dest = d.destination();
            if (dest.tunnel() != null && dest.tunnel().type() != halo.config.Tunnel.Type.IPIP) {
                throw new IllegalArgumentException("TUN type " + dest.tunnel().type().name().toLowerCase(java.util.Locale.ROOT)
                        + " to " + name(dest.key()) + " is not supported by the nftables data plane (ipip only)");
            }
            if (dest.key().address() instanceof java.net.Inet6Address) {
                throw new IllegalArgumentException("TUN to IPv6 real server " + name(dest.key())
                        + " is not supported by the nftables data plane (ipip only)");
            }
        }
    }

    private static int lastWeight(NftRuleset.PlacedDestination was, IpvsDestination now) {
        return now.weight() != 0 ? now.weight() : was.lastWeight();
    }

    private static NftRuleset.PlacedService placed(Map<ServiceKey, NftRuleset.PlacedService> next, ServiceKey key) {
        NftRuleset.PlacedService p = next.get(key);
        if (p == null) throw new IllegalStateException("no such service");
        return p;
    }

    private static NftRuleset.PlacedDestination findWithParked(NftRuleset.PlacedService p, DestinationKey key) {
        for (NftRuleset.PlacedDestination d : p.withParked()) {
            if (d.destination().key().equals(key)) return d;
        }
        return null;
    }

    private static NftRuleset.PlacedDestination find(NftRuleset.PlacedService p, DestinationKey key) {
        for (NftRuleset.PlacedDestination d : p.destinations()) {
            if (d.destination().key().equals(key)) return d;
        }
        return null;
    }

    /** The settings only: counters are the plane's own. */
    private static IpvsDestination plain(IpvsDestination d) {
        return d.withCounters(null, null, null);
    }

    private static IpvsService plain(IpvsService s) {
        return s.withCounters(null, null).withDestinations(s.destinations().stream()
                .map(NftablesDataPlane::plain).toList());
    }

    @Override
    public long generation() {
        return generation;
    }

    /** Halo's counters as nft lists them (JSON), by name, [packets, bytes]. */
    private Map<String, long[]> readCounters() {
        Map<String, long[]> out = new HashMap<>();
        for (NftLayout.Table t : layout.tables()) {
            String json;
            try {
                json = nftJson.run("list counters table " + t.family() + " " + NftLayout.TABLE);
            } catch (Nftables.NftablesException e) {
                throw new IllegalStateException("reading Halo's nftables counters: " + e.getMessage(), e);
            }
            Matcher m = COUNTER.matcher(json);
            while (m.find()) {
                out.put(m.group(2), new long[] {Long.parseLong(m.group(3)), Long.parseLong(m.group(4))});
            }
        }
        return out;
    }

    @Override
    public PlaneCounters counters() {
        Map<String, long[]> values = readCounters();
        long now = nanoClock.getAsLong();
        if (latest == null || now - latest.nanos() >= 1_000_000_000L) {
            previous = latest;
            latest = new Sample(now, values);
        }
        Map<ServiceKey, Map<DestinationKey, Connections>> connections = natConnections();
        Map<ServiceKey, PlaneCounters.ServiceCounters> out = new LinkedHashMap<>();
        for (NftRuleset.PlacedService p : services.values()) {
            Map<DestinationKey, PlaneCounters.DestinationCounters> dests = new LinkedHashMap<>();
            long[] serviceTotal = new long[5];
            long[] serviceRate = new long[5];
            for (NftRuleset.PlacedDestination d : p.destinations()) {
                long[] total = stats(values, p, d);
                long[] rate = rates(p, d);
                for (int i = 0; i < 5; i++) {
                    serviceTotal[i] += total[i];
                    serviceRate[i] += rate[i];
                }
                dests.put(d.destination().key(), new PlaneCounters.DestinationCounters(connections
                        .getOrDefault(p.service().key(), Map.of()).getOrDefault(d.destination().key(), Connections.NONE),
                        stats(total), stats(rate)));
            }
            out.put(p.service().key(), new PlaneCounters.ServiceCounters(stats(serviceTotal), stats(serviceRate),
                    dests));
        }
        return new PlaneCounters(out);
    }

    /** The NAT real servers' connection counts from conntrack (empty when there is no NAT service or no dump). */
    private Map<ServiceKey, Map<DestinationKey, Connections>> natConnections() {
        NatConnections nat = new NatConnections(services.values());
        if (nat.isEmpty()) return Map.of();
        List<Conntrack.Entry> entries = conntrackEntries();
        return entries == null ? Map.of() : nat.count(entries);
    }

    /** Every conntrack entry now, or null when ctnetlink cannot be read ({@link #conntrackFailure} says why). */
    private List<Conntrack.Entry> conntrackEntries() {
        try {
            if (conntrack == null) conntrack = Conntrack.open();
            List<Conntrack.Entry> entries = conntrack.dump(0);
            conntrackFailure = null;
            return entries;
        } catch (NativeException | RuntimeException e) {
            conntrackFailure = message(e);
            if (conntrack != null) conntrack.close();
            conntrack = null;
            return null;
        }
    }

    /** connections, in packets, out packets, in bytes, out bytes. */
    private static long[] stats(Map<String, long[]> values, NftRuleset.PlacedService p,
                                NftRuleset.PlacedDestination d) {
        String base = NftRuleset.chain(p, d);
        long[] conn = values.getOrDefault(base + "_conn", new long[2]);
        long[] in = values.getOrDefault(base + "_in", new long[2]);
        long[] out = values.getOrDefault(base + "_out", new long[2]);
        return new long[] {conn[0], in[0], out[0], in[1], out[1]};
    }

    /** Per second, between the last two samples a second or more apart (zero before there are two). */
    private long[] rates(NftRuleset.PlacedService p, NftRuleset.PlacedDestination d) {
        if (previous == null || latest == null) return new long[5];
        long[] a = stats(previous.values(), p, d);
        long[] b = stats(latest.values(), p, d);
        double seconds = (latest.nanos() - previous.nanos()) / 1e9;
        long[] r = new long[5];
        for (int i = 0; i < 5; i++) r[i] = Math.max(0, Math.round((b[i] - a[i]) / seconds));
        return r;
    }

    private static Stats stats(long[] v) {
        return new Stats(v[0], v[1], v[2], v[3], v[4]);
    }

    @Override
    public void zeroCounters(ServiceKey service) {
        StringBuilder commands = new StringBuilder();
        for (NftRuleset.PlacedService p : services.values()) {
            if (service != null && !service.equals(p.service().key())) continue;
            String family = NftRuleset.forwarding(p) == ForwardingMethod.DR ? "netdev" : "inet";
            for (NftLayout.Table t : layout.tables()) {
                if (!t.family().equals(family)) continue;
                for (NftLayout.NftObject o : t.objects()) {
                    if (o instanceof NftLayout.Counter c && c.name().startsWith(NftRuleset.chain(p) + "_d")) {
                        commands.append("reset counter ").append(family).append(' ').append(NftLayout.TABLE)
                                .append(' ').append(c.name()).append('\n');
                    }
                }
            }
        }
        if (commands.isEmpty()) return;
        try {
            nft.run(commands.toString());
        } catch (Nftables.NftablesException e) {
            throw new IllegalStateException("zeroing Halo's nftables counters: " + e.getMessage(), e);
        }
        previous = null;
        latest = null;
    }

    /**
     * The timeouts as set and in effect: DR flows live in the flow sets by them (tcp, tcpfin, udp); a NAT service's
     * new connections get them as conntrack timeout policies ({@link NftRuleset#natTimeouts}): established TCP, TCP's
     * FIN_WAIT and UDP. A connection keeps the policy it began with.
     */
    @Override
    public IpvsTimeouts timeouts() {
        return timeouts;
    }

    @Override
    public void timeouts(IpvsTimeouts changes) {
        IpvsTimeouts next = timeouts.with(changes);
        if (next.equals(timeouts)) return;
        ruleset.timeouts(next);
        try {
            NftLayout wanted = build(services);
            commit(wanted.changesFrom(layout));
            layout = wanted;
        } catch (DataPlaneException e) {
            ruleset.timeouts(timeouts);
            throw new IllegalStateException("setting the timeouts: " + e.getMessage(), e);
        }
        timeouts = next;
    }

    /**
     * The NAT connections from conntrack, numeric whatever NUMERIC says (no names are looked up); DR flows, which
     * live in the flow sets, are not listed.
     */
    @Override
    public String connectionListing(boolean numeric, boolean persistentConn) {
        StringBuilder out = new StringBuilder(halo.lvs.conn.ConnectionListing.header(persistentConn));
        NatConnections nat = new NatConnections(services.values());
        if (nat.isEmpty()) return out.toString();
        List<Conntrack.Entry> entries = conntrackEntries();
        if (entries == null) {
            throw new IllegalStateException("reading conntrack for the NAT connections: " + conntrackFailure);
        }
        nat.appendRows(out, entries);
        return out.toString();
    }

    @Override
    public void close() {
        try {
            nft.run(NftLayout.removeAll());
        } catch (Nftables.NftablesException e) {
            // nothing more to do: the next open removes the tables again
        } finally {
            services.clear();
            layout = new NftLayout(List.of());
            if (conntrack != null) conntrack.close();
            nft.close();
            nftJson.close();
            if (fast != null) fast.close();
            closeTunnels();
        }
    }

    /** Removes the TUN tunnels and rules (after the tables: no packet is marked for them any more). */
    private void closeTunnels() {
        if (rtnetlink == null) return;
        try {
            tunnels.removeAll();
        } catch (NativeException e) {
            // the next open removes them again
        } finally {
            rtnetlink.close();
            rtnetlink = null;
            tunnels = null;
        }
    }

    private static String describe(Action.TableChange change) {
        String service = name(change.service());
        return switch (change) {
            case Action.AddService a -> "adding service " + service;
            case Action.EditService e -> "editing service " + service;
            case Action.RemoveService r -> "removing service " + service;
            case Action.AddDestination a -> "adding " + name(a.destination().key()) + " to " + service;
            case Action.EditDestination e -> "editing " + name(e.destination().key()) + " of " + service;
            case Action.RemoveDestination r -> "removing " + name(r.destination()) + " from " + service;
        };
    }

    /** ipvsadm's words: TCP 192.0.2.100:80, FWM 7. */
    private static String name(ServiceKey key) {
        return switch (key) {
            case ServiceKey.Inet i -> i.protocol() + " " + address(i.address(), i.port());
            case ServiceKey.Fwmark f -> "FWM " + Integer.toUnsignedString(f.mark());
        };
    }

    private static String name(DestinationKey key) {
        return address(key.address(), key.port());
    }

    private static String address(InetAddress a, int port) {
        String host = a.getHostAddress();
        return (a instanceof java.net.Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
