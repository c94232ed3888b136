package halo.daemon;

import halo.config.KeepalivedConfig;
import halo.config.VirtualAddress;
import halo.config.VirtualRoute;
import halo.config.VirtualRule;
import halo.os.HostAddress;
import halo.os.NativeException;
import halo.os.Route;
import halo.os.Rule;
import halo.os.Scope;
import halo.vrrp.HostSetup;
import halo.vrrp.InstanceSpec;
import halo.vrrp.VrrpHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;

/**
 * Sets and removes what keepalived installs on the host, with its log lines: an instance's virtual addresses, routes
 * and rules (addresses, then routes, then rules when it becomes MASTER; the reverse when it leaves), the static_*
 * ones, and after a reload what no MASTER holds any more. Remembers which addresses it set, so that one deleted behind
 * its back can be told from its own removals. Runs on the protocol thread; its add path is a backup's takeover, so it
 * makes no lambda there.
 */
final class VipInstaller {

    /** Stands for "no instance" where static addresses go through the per-instance code (its name is for logs). */
    static final HostSetup.Instance STATIC = HostSetup.Instance.of(
            InstanceSpec.builder("static_ipaddress", 1).interfaceName("").build());

    /** Where a virtual address was set: the instance's setup and its configuration entry. */
    record AddressSpot(HostSetup.Instance setup, VirtualAddress address) {}

    /** What a host's MASTER instances have set: addresses keyed by interface and address, routes and rules. */
    record Installed(Map<String, AddressSpot> addresses, Set<Route> routes, Set<Rule> rules) {}

    private final HostNetwork network;
    private final DaemonLog log;
    /** True once removals must leave the host as it is (-V, --dont-release-vrrp, and a stop was asked for). */
    private final BooleanSupplier keepAtStop;
    private final ToIntFunction<String> interfaceIndex;
    private final Set<String> ourAddresses = new HashSet<>();
    private final List<HostSetup.Instance> leftAtStop = new ArrayList<>();

    VipInstaller(HostNetwork network, DaemonLog log, BooleanSupplier keepAtStop) {
        this.network = network;
        this.log = log;
        this.keepAtStop = keepAtStop;
        this.interfaceIndex = network::interfaceIndex; // made once: routes are built on a takeover
    }

    /** Drops traffic to the addresses of masters without accept mode (keepalived's firewall); none in unit tests. */
    void firewall(VipFirewall firewall) {
        this.firewall = firewall;
    }

    private VipFirewall firewall;

    /** An instance's addresses, routes and rules, in keepalived's order (its firewall entries first, last). */
    void change(HostSetup.Instance setup, boolean add) {
        if (add) {
            if (firewall != null) {
                firewall.hold(setup.config(), setup.spec().interfaceName());
            }
            changeAddresses(setup, true);
            changeRoutes(setup, true);
        } else {
            changeRoutes(setup, false);
            changeAddresses(setup, false);
            if (firewall != null && setup.config() != null) {
                firewall.release(setup.config().name());
            }
        }
    }

    /**
     * At stop, a master's addresses are removed later ({@link #releaseLeftAtStop}): they outlive its priority-0 advert
     * by one advert interval, so clients see no gap while the backup takes over.
     */
    void leaveUntilStop(HostSetup.Instance setup) {
        leftAtStop.add(setup);
    }

    /** Waits for a new master's advert after the priority-0 adverts of a stop. */
    interface TakeoverWatch {
        /**
         * Waits until DEADLINE (System.nanoTime) for an advert with a non-zero priority of one of WAITING (same
         * interface, family and virtual router id); returns that instance, or null at the deadline.
         */
        HostSetup.Instance awaitAdvert(List<HostSetup.Instance> waiting, long deadline);
    }

    /**
     * Removes what {@link #leaveUntilStop} left: an instance's addresses as soon as the new master's first advert is
     * heard, the rest one advert interval (at most a second) after the priority-0 adverts. The backup takes over
     * after only its Skew_Time (measured by bench/failover: no outage at 0.05 s and 0.01 s adverts, where removing at
     * once left clients 20-50 ms without an answer); once it is master the old node has nothing left to answer for.
     */
    void releaseLeftAtStop(TakeoverWatch watch) {
        if (leftAtStop.isEmpty()) {
            return;
        }
        long waitMs = 0;
        for (HostSetup.Instance i : leftAtStop) {
            waitMs = Math.max(waitMs, Math.min(1000, i.spec().advertInterval().toMillis()));
        }
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        List<HostSetup.Instance> waiting = new ArrayList<>(leftAtStop);
        while (!waiting.isEmpty()) {
            HostSetup.Instance heard = watch.awaitAdvert(waiting, deadline);
            if (heard == null) {
                break;
            }
            log.detail("(" + heard.spec().name() + ") new master's advert heard - removing VIPs now");
            change(heard, false);
            waiting.remove(heard);
        }
        for (HostSetup.Instance i : waiting) {
            change(i, false);
        }
        leftAtStop.clear();
    }

    /** Whether ADDRESS was set by us and still counted so (it is not any more after this call). */
    boolean forgetOurs(String address) {
        return ourAddresses.remove(address);
    }

    /** virtual_routes and virtual_rules of an instance, with keepalived's log lines. */
    private void changeRoutes(HostSetup.Instance setup, boolean add) {
        halo.config.VrrpInstance c = setup.config();
        if (c == null || (!add && keepAtStop.getAsBoolean())) {
            return;
        }
        String name = "(" + setup.spec().name() + ") ";
        if (add) {
            if (!c.virtualRoutes().isEmpty()) {
                log.detail(name + "setting Virtual Routes");
                for (VirtualRoute r : c.virtualRoutes()) {
                    applyRoute(r, true);
                }
            }
            if (!c.virtualRules().isEmpty()) {
                log.detail(name + "setting Virtual Rules");
                for (VirtualRule r : c.virtualRules()) {
                    applyRule(r, true);
                }
            }
        } else {
            if (!c.virtualRules().isEmpty()) {
                log.detail(name + "removing Virtual Rules");
                for (VirtualRule r : c.virtualRules()) {
                    applyRule(r, false);
                }
            }
            if (!c.virtualRoutes().isEmpty()) {
                log.detail(name + "removing Virtual Routes");
                for (VirtualRoute r : c.virtualRoutes()) {
                    applyRoute(r, false);
                }
            }
        }
    }

    private void changeAddresses(HostSetup.Instance setup, boolean add) {
        if (setup.config() == null) {
            return;
        }
        if (!add && keepAtStop.getAsBoolean()) {
            return;
        }
        for (VirtualAddress v : setup.config().virtualAddresses()) {
            changeAddress(setup, v, add);
        }
        // virtual_ipaddress_excluded: set and removed with the VIPs, as keepalived, but never in adverts
        for (VirtualAddress v : setup.config().excludedAddresses()) {
            changeAddress(setup, v, add);
        }
    }

    /** static_ipaddress, static_routes and static_rules: set at startup, removed at shutdown, as keepalived. */
    void changeStatic(KeepalivedConfig c, boolean add) {
        if (add) {
            for (VirtualAddress v : c.staticAddresses()) {
                changeAddress(STATIC, v, true);
            }
            for (VirtualRoute r : c.staticRoutes()) {
                applyRoute(r, true);
            }
            for (VirtualRule r : c.staticRules()) {
                applyRule(r, true);
            }
        } else {
            for (VirtualRule r : c.staticRules()) {
                applyRule(r, false);
            }
            for (VirtualRoute r : c.staticRoutes()) {
                applyRoute(r, false);
            }
            for (VirtualAddress v : c.staticAddresses()) {
                changeAddress(STATIC, v, false);
            }
        }
    }

    // --- reload ---

    /** The virtual addresses, routes and rules the host's MASTER instances have set. */
    Installed installedBy(VrrpHost h) {
        Map<String, AddressSpot> addresses = new HashMap<>();
        Set<Route> routes = new HashSet<>();
        Set<Rule> rules = new HashSet<>();
        for (VrrpHost.Slot s : h.slots()) {
            if (!s.machine.virtualAddressesSet() || s.setup.config() == null) {
                continue;
            }
            for (VirtualAddress v : s.setup.config().virtualAddresses()) {
                String dev = device(s.setup, v);
                addresses.put(dev + "/" + v.address().address().getHostAddress(), new AddressSpot(s.setup, v));
            }
            for (VirtualAddress v : s.setup.config().excludedAddresses()) {
                String dev = device(s.setup, v);
                addresses.put(dev + "/" + v.address().address().getHostAddress(), new AddressSpot(s.setup, v));
            }
            for (VirtualRoute r : s.setup.config().virtualRoutes()) {
                try {
                    routes.add(RoutesAndRules.route(r, interfaceIndex));
                } catch (IllegalArgumentException e) {
                    // reported when it was applied
                }
            }
            for (VirtualRule r : s.setup.config().virtualRules()) {
                try {
                    rules.add(RoutesAndRules.rule(r));
                } catch (IllegalArgumentException e) {
                    // reported when it was applied
                }
            }
        }
        return new Installed(addresses, routes, rules);
    }

    /** After a reload: the firewall drops the traffic of the MASTERs of H without accept mode, with NEXT's settings. */
    void refreshFirewall(VrrpHost h, KeepalivedConfig next) {
        if (firewall == null) {
            return;
        }
        firewall.settings(VipFirewall.Settings.of(next, log));
        Map<halo.config.VrrpInstance, String> masters = new java.util.LinkedHashMap<>();
        for (VrrpHost.Slot s : h.slots()) {
            if (s.machine.virtualAddressesSet() && s.setup.config() != null) {
                masters.put(s.setup.config(), s.setup.spec().interfaceName());
            }
        }
        firewall.holdOnly(masters);
    }

    /** After a reload: removes the rules, routes and addresses set BEFORE that no MASTER holds AFTER. */
    void removeNoLongerHeld(Installed before, Installed after) {
        for (Rule r : before.rules()) {
            if (!after.rules().contains(r)) {
                applyRule(r, false);
            }
        }
        for (Route r : before.routes()) {
            if (!after.routes().contains(r)) {
                applyRoute(r, false);
            }
        }
        for (Map.Entry<String, AddressSpot> e : before.addresses().entrySet()) {
            if (!after.addresses().containsKey(e.getKey())) {
                AddressSpot spot = e.getValue();
                log.info("(" + spot.setup().spec().name() + ") removing " + spot.address().address() + " (no longer configured)");
                changeAddress(spot.setup(), spot.address(), false);
            }
        }
    }

    /** static_* after a reload: what is gone is removed, what is new is added. */
    void reloadStatic(KeepalivedConfig previous, KeepalivedConfig next) {
        for (VirtualRule r : previous.staticRules()) {
            if (!next.staticRules().contains(r)) {
                applyRule(r, false);
            }
        }
        for (VirtualRoute r : previous.staticRoutes()) {
            if (!next.staticRoutes().contains(r)) {
                applyRoute(r, false);
            }
        }
        for (VirtualAddress v : previous.staticAddresses()) {
            if (!next.staticAddresses().contains(v)) {
                changeAddress(STATIC, v, false);
            }
        }
        changeStatic(next, true);
    }

    // --- one address, route, rule ---

    /**
     * The interface a virtual address of SETUP goes on: its dev, else the instance's interface; with use_vmac, the
     * VMAC for the instance's family when it has no dev or the instance's own (keepalived's vrrp_complete_instance).
     */
    static String device(HostSetup.Instance setup, VirtualAddress v) {
        if (VmacInterfaces.onVmac(setup, v)) {
            return setup.vmac();
        }
        return v.device() != null ? v.device() : setup.baseInterface();
    }

    private void changeAddress(HostSetup.Instance setup, VirtualAddress v, boolean add) {
        String dev = device(setup, v);
        int index = network.interfaceIndex(dev);
        if (index == 0) {
            log.info("(" + setup.spec().name() + ") interface " + dev + " for " + v.address() + " doesn't exist");
            return;
        }
        HostAddress a = HostAddress.of(index, v.address().address(), v.address().prefixLength());
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
                network.addAddress(a);
                ourAddresses.add(v.address().address().getHostAddress());
            } else {
                ourAddresses.remove(v.address().address().getHostAddress());
                network.removeAddress(a);
            }
        } catch (NativeException e) {
            if (!alreadyDone(e, add)) {
                log.info("(" + setup.spec().name() + ") cannot " + (add ? "add" : "remove") + " " + v.address() + " on " + dev + ": " + e.getMessage());
            }
        }
    }

    private void applyRoute(VirtualRoute r, boolean add) {
        Route route;
        try {
            route = RoutesAndRules.route(r, interfaceIndex);
        } catch (IllegalArgumentException e) {
            log.info("Cannot use route " + r.destination() + ": " + e.getMessage());
            return;
        }
        applyRoute(route, add);
    }

    private void applyRoute(Route route, boolean add) {
        try {
            if (add) {
                network.addRoute(route);
            } else {
                network.removeRoute(route);
            }
        } catch (NativeException e) {
            if (!alreadyDone(e, add)) {
                log.info("Cannot " + (add ? "add" : "remove") + " route " + route + ": " + e.getMessage());
            }
        }
    }

    private void applyRule(VirtualRule r, boolean add) {
        Rule rule;
        try {
            rule = RoutesAndRules.rule(r);
        } catch (IllegalArgumentException e) {
            log.info("Cannot use rule " + String.join(" ", r.words()) + ": " + e.getMessage());
            return;
        }
        applyRule(rule, add);
    }

    private void applyRule(Rule rule, boolean add) {
        try {
            if (add) {
                network.addRule(rule);
            } else {
                network.removeRule(rule);
            }
        } catch (NativeException e) {
            if (!alreadyDone(e, add)) {
                log.info("Cannot " + (add ? "add" : "remove") + " rule " + rule + ": " + e.getMessage());
            }
        }
    }

    /**
     * Whether a failed change found the host as it was meant to leave it: what is added is there already, what is
     * removed is gone (ENOENT, ESRCH, EADDRNOTAVAIL: a route through a removed address has gone with it).
     */
    private static boolean alreadyDone(NativeException e, boolean add) {
        return add ? e instanceof NativeException.AlreadyExistsException : e instanceof NativeException.NotFoundException;
    }

    /** keepalived's scope names and numbers; a scope it would refuse falls back to global, with a log line. */
    private int scope(String name) {
        try {
            return Scope.parse(name);
        } catch (IllegalArgumentException e) {
            log.info("Unknown scope '" + name + "' - using global");
            return Scope.GLOBAL;
        }
    }
}
