package halo.daemon;

import halo.config.KeepalivedConfig;
import halo.config.RawSetting;
import halo.config.VirtualAddress;
import halo.config.VrrpInstance;
import halo.net.AddressText;
import halo.os.Nftables;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * keepalived's VIP firewall (2.2.7's vrrp_nftables.c) in Halo's own nftables table, and the stopping master's ARP/ND
 * silence.
 *
 * <p>No accept mode ({@code no_accept}, or {@code vrrp_strict} on a non-owner): while an instance is MASTER, packets to
 * its virtual addresses (and excluded ones) are dropped at input and packets from them at output, as keepalived's
 * {@code ip daddr @vips drop} / {@code ip saddr @vips drop}; the addresses still answer ARP and neighbour
 * solicitations (keepalived lets ND through), so the master routes for them without being reachable at them. An IPv6
 * link-local VIP is keyed with its interface (by index, or by name with dont_track_primary unless nftables_ifindex).
 *
 * <p>At a graceful stop the addresses a master keeps for one more advert interval stop answering ARP and neighbour
 * solicitations ({@link #silence}) before its priority-0 advert: the new master's GARPs are then the only answers,
 * and no client caches the MAC of a node about to lose the address. Packets from clients that already know the old
 * MAC are still taken (the addresses are there), so the stop loses none of them.
 *
 * <p>One transaction rewrites the tables whole at each change ({@code inet TABLE} and {@code arp TABLE}); they go
 * when nothing is held, at stop, and at start (what a crashed run left). Without libnftables nothing is filtered: the
 * daemon says so once when an instance needs it.
 */
final class VipFirewall implements AutoCloseable {

    /** Halo's table when the configuration names none (keepalived's default, "keepalived", is keepalived's own). */
    static final String DEFAULT_TABLE = "halo_vrrp";

    /** keepalived's global settings for the firewall. */
    record Settings(String table, int priority, boolean ifindex, boolean counters, boolean configured) {

        /** From global_defs' nftables, nftables_priority, nftables_ifindex, nftables_counters and vrrp_iptables. */
        static Settings of(KeepalivedConfig c, DaemonLog log) {
            String table = DEFAULT_TABLE;
            int priority = -1;
            boolean ifindex = false;
            boolean counters = false;
            boolean configured = false;
            for (RawSetting r : c.global().otherSettings()) {
                switch (r.keyword()) {
                    case "nftables" -> {
                        // the parser keeps the first one only, as keepalived
                        if (!r.args().isEmpty()) {
                            if (r.args().getFirst().matches("[A-Za-z_][A-Za-z0-9_]{0,254}")) {
                                table = r.args().getFirst();
                                configured = true;
                            } else {
                                log.info("nftables table name " + r.args().getFirst() + " is not a plain nft"
                                        + " identifier - using " + DEFAULT_TABLE);
                            }
                        } else {
                            configured = true;
                        }
                    }
                    case "vrrp_iptables" -> configured = true;
                    case "nftables_priority" -> {
                        try {
                            priority = Integer.parseInt(r.args().getFirst());
                        } catch (RuntimeException e) {
                            // halo check reports it
                        }
                    }
                    case "nftables_ifindex" -> ifindex = true;
                    case "nftables_counters" -> counters = true;
                    default -> { }
                }
            }
            return new Settings(table, priority, ifindex, counters, configured);
        }
    }

    /** A dropped address: IPv6 link-local ones with their interface. */
    record Held(InetAddress address, String device, boolean byName) {}

    private Nftables nft;
    private final DaemonLog log;
    private Settings settings;
    private final Map<String, List<Held>> dropped = new LinkedHashMap<>();
    private final Set<InetAddress> silenced = new LinkedHashSet<>();
    private boolean saidUnavailable;

    private VipFirewall(Nftables nft, Settings settings, DaemonLog log) {
        this.nft = nft;
        this.settings = settings;
        this.log = log;
    }

    /** Opens the firewall and removes the tables a previous run left (after a crash). */
    static VipFirewall open(Settings settings, DaemonLog log) {
        Nftables nft = null;
        if (Nftables.isAvailable()) {
            try {
                nft = Nftables.open();
            } catch (RuntimeException e) {
                nft = null;
            }
        }
        VipFirewall f = new VipFirewall(nft, settings, log);
        if (nft != null) {
            try {
                nft.run(removeTables(settings.table()));
            } catch (Nftables.NftablesException e) {
                // no nf_tables in this kernel: said when an instance needs it
            }
        }
        return f;
    }

    /** A reload's settings (a renamed table: the old one goes in the same transaction). */
    void settings(Settings next) {
        if (next.equals(settings)) return;
        String old = settings.table();
        settings = next;
        if (!old.equals(next.table())) remove(old);
        write();
    }

    /** Whether INSTANCE's master must drop traffic to its addresses: no accept mode and not the owner. */
    static boolean drops(VrrpInstance instance) {
        return instance != null && !instance.acceptsTraffic();
    }

    /** keepalived's line at start when an instance needs the firewall and the configuration names none. */
    static void sayDefault(KeepalivedConfig c, Settings s, DaemonLog log) {
        if (!s.configured() && c.vrrpInstances().stream().anyMatch(VipFirewall::drops)) {
            log.info("use_vmac or no_accept/strict specified, but no firewall configured - using nftables");
        }
    }

    /** Drops traffic to and from INSTANCE's addresses (before they are set); nothing when it accepts traffic. */
    void hold(VrrpInstance instance, String defaultDevice) {
        if (!drops(instance) || dropped.containsKey(instance.name())) return;
        if (nft == null) {
            if (!saidUnavailable) {
                log.info("(" + instance.name() + ") no_accept/strict needs nftables, but libnftables is not available"
                        + " - traffic to the VIPs is not dropped");
                saidUnavailable = true;
            }
            return;
        }
        dropped.put(instance.name(), held(instance, defaultDevice));
        log.detail("(" + instance.name() + ") setting firewall drop rule");
        write();
    }

    /** After a reload: drops exactly the traffic of MASTERS (instance -> its interface), in one transaction. */
    void holdOnly(Map<VrrpInstance, String> masters) {
        Map<String, List<Held>> before = new LinkedHashMap<>(dropped);
        dropped.clear();
        for (Map.Entry<VrrpInstance, String> e : masters.entrySet()) {
            if (drops(e.getKey()) && nft != null) {
                dropped.put(e.getKey().name(), held(e.getKey(), e.getValue()));
            }
        }
        if (!before.equals(dropped)) {
            write();
        }
    }

    private List<Held> held(VrrpInstance instance, String defaultDevice) {
        List<Held> held = new ArrayList<>();
        boolean byName = instance.dontTrackPrimary() && !settings.ifindex();
        for (List<VirtualAddress> list : List.of(instance.virtualAddresses(), instance.excludedAddresses())) {
            for (VirtualAddress v : list) {
                String dev = v.device() != null ? v.device() : defaultDevice;
                held.add(new Held(v.address().address(), dev, byName));
            }
        }
        return held;
    }

    /** Stops dropping INSTANCE's traffic (after its addresses are removed). */
    void release(String instanceName) {
        if (dropped.remove(instanceName) != null) {
            log.detail("(" + instanceName + ") removing firewall drop rule");
            write();
        }
    }

    /**
     * ADDRESSES stop answering ARP requests and neighbour solicitations, until {@link #close}; returns whether the
     * kernel took it (false without libnftables).
     */
    boolean silence(Collection<InetAddress> addresses) {
        if (nft == null || addresses.isEmpty()) return false;
        silenced.addAll(addresses);
        return write();
    }

    /** Removes Halo's tables. */
    @Override
    public void close() {
        dropped.clear();
        silenced.clear();
        if (nft != null) {
            remove(settings.table());
            nft.close();
            nft = null;
        }
    }

    private void remove(String table) {
        try {
            nft.run(removeTables(table));
        } catch (Nftables.NftablesException e) {
            log.info("Cannot remove nftables table " + table + ": " + e.getMessage());
        }
    }

    private boolean write() {
        if (nft == null) return false;
        List<Held> all = new ArrayList<>();
        dropped.values().forEach(all::addAll);
        try {
            nft.run(ruleset(settings, all, silenced));
            return true;
        } catch (Nftables.NftablesException e) {
            log.info("nftables refused the VIP firewall: " + e.getMessage());
            return false;
        }
    }

    /** Commands that remove TABLE in both families, whether it is there or not. */
    static String removeTables(String table) {
        return "add table inet " + table + "\ndelete table inet " + table + "\n"
                + "add table arp " + table + "\ndelete table arp " + table + "\n";
    }

    /**
     * The whole firewall in nft's language, one transaction: the old tables go, the new ones come (none when nothing
     * is dropped or silenced).
     */
    static String ruleset(Settings s, Collection<Held> dropped, Collection<InetAddress> silenced) {
        StringBuilder out = new StringBuilder(removeTables(s.table()));
        if (dropped.isEmpty() && silenced.isEmpty()) return out.toString();
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        List<String> linkLocalByIndex = new ArrayList<>();
        List<String> linkLocalByName = new ArrayList<>();
        for (Held h : dropped) {
            String a = AddressText.format(h.address());
            if (h.address() instanceof Inet4Address) {
                add(v4, a);
            } else if (h.address().isLinkLocalAddress()) {
                add(h.byName() ? linkLocalByName : linkLocalByIndex, a + " . \"" + h.device() + "\"");
            } else {
                add(v6, a);
            }
        }
        List<String> silent4 = new ArrayList<>();
        List<String> silent6 = new ArrayList<>();
        for (InetAddress a : silenced) {
            add(a instanceof Inet6Address ? silent6 : silent4, AddressText.format(a));
        }
        String counter = s.counters() ? "counter " : "";
        String hook = "type filter hook %s priority " + s.priority() + "; policy accept;";
        out.append("table inet ").append(s.table()).append(" {\n");
        set(out, "vips", "ipv4_addr", v4);
        set(out, "vips6", "ipv6_addr", v6);
        set(out, "vips_link_local", "ipv6_addr . iface_index", linkLocalByIndex);
        set(out, "vips_link_local_name", "ipv6_addr . ifname", linkLocalByName);
        set(out, "silent6", "ipv6_addr", silent6);
        out.append("  chain in {\n    ").append(hook.formatted("input")).append('\n');
        out.append("    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n");
        out.append("    ip6 daddr . iif @vips_link_local ").append(counter).append("drop\n");
        out.append("    ip6 daddr . iifname @vips_link_local_name ").append(counter).append("drop\n");
        out.append("    ip daddr @vips ").append(counter).append("drop\n");
        out.append("    ip6 daddr @vips6 ").append(counter).append("drop\n");
        out.append("  }\n  chain out {\n    ").append(hook.formatted("output")).append('\n');
        if (!silent6.isEmpty()) {
            out.append("    icmpv6 type nd-neighbor-advert ip6 saddr @silent6 ").append(counter).append("drop\n");
        }
        out.append("    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n");
        out.append("    ip6 saddr . oif @vips_link_local ").append(counter).append("drop\n");
        out.append("    ip6 saddr . oifname @vips_link_local_name ").append(counter).append("drop\n");
        out.append("    ip saddr @vips ").append(counter).append("drop\n");
        out.append("    ip6 saddr @vips6 ").append(counter).append("drop\n");
        out.append("  }\n}\n");
        if (!silent4.isEmpty()) {
            // ARP is not IP: its own family; a reply's sender address is the one asked for
            out.append("table arp ").append(s.table()).append(" {\n");
            set(out, "silent", "ipv4_addr", silent4);
            out.append("  chain out {\n    type filter hook output priority 0; policy accept;\n")
                    .append("    arp operation reply arp saddr ip @silent ").append(counter).append("drop\n")
                    .append("  }\n}\n");
        }
        return out.toString();
    }

    private static void add(List<String> list, String element) {
        if (!list.contains(element)) list.add(element);
    }

    private static void set(StringBuilder out, String name, String type, List<String> elements) {
        out.append("  set ").append(name).append(" { type ").append(type).append(";");
        if (!elements.isEmpty()) {
            out.append(" elements = { ").append(String.join(", ", elements)).append(" };");
        }
        out.append(" }\n");
    }
}
