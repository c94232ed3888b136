package halo.lvs.nft;

import halo.os.Link;
import halo.os.NativeException;
import halo.os.Route;
import halo.os.RtNetlink;
import halo.os.Rule;
import halo.os.Scope;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy routing the nftables plane's TUN services need (LVS-TUN without IPVS): for each TUN real server an
 * IP-in-IP tunnel {@code halot<mark>} to it, a routing table numbered as its mark with {@code default dev
 * halot<mark>}, and a rule {@code fwmark <mark> lookup <table>} at priority {@link #RULE_PRIORITY}; the ruleset
 * marks a new flow's packets (and, through the conntrack mark, the rest of its packets) with that mark
 * ({@link NftRuleset#tunnelRoutes}).
 * <p>
 * The director holds the VIP, so the kernel's {@code local} rule (priority 0) would deliver the client's packets to the
 * director itself before any mark rule is read: while a tunnel exists, the local rule is moved after the mark rules
 * (to {@link #LOCAL_RULE_PRIORITY}), and put back at 0 when the last tunnel goes. Everything is done through rtnetlink
 * ({@link RtNetlink}), never by running {@code ip}; {@link #removeAll} takes away what Halo made, whether this process
 * made it or one that crashed (links named {@code halot...}, rules at {@link #RULE_PRIORITY} with a TUN mark, a local
 * rule at {@link #LOCAL_RULE_PRIORITY}). IPv4 only (ipip); the caller refuses IPv6 real servers.
 * <p>
 * One thread calls it (the plane's).
 */
final class TunnelRouting {
    /** The tunnels' name prefix; the rest is the mark's low 24 bits in hex. */
    static final String PREFIX = "halot";
    /** The mark rules' priority: before the local rule's new place. */
    static final int RULE_PRIORITY = 1;
    /** Where the local rule goes while tunnels exist. */
    static final int LOCAL_RULE_PRIORITY = 2;

    /** What TunnelRouting asks of the host: rtnetlink in production, a recording fake in unit tests. */
    interface Host {
        /** Creates the ipip tunnel NAME to REMOTE and sets it up; returns its interface index. */
        int addTunnel(String name, InetAddress remote) throws NativeException;

        void removeLink(int index) throws NativeException;

        List<Link> links() throws NativeException;

        void addRoute(Route route) throws NativeException;

        List<Rule> rules() throws NativeException;

        void addRule(Rule rule) throws NativeException;

        void removeRule(Rule rule) throws NativeException;
    }

    /** The host layer itself: rtnetlink in the namespace the socket was opened in. */
    static Host rtnetlink(RtNetlink rt) {
        return new Host() {
            @Override
            public int addTunnel(String name, InetAddress remote) throws NativeException {
                rt.addIpipTunnel(name, null, remote);
                int index = rt.interfaceIndex(name);
                rt.setLinkUp(index, true);
                return index;
            }

            @Override
            public void removeLink(int index) throws NativeException {
                rt.removeLink(index);
            }

            @Override
            public List<Link> links() throws NativeException {
                return rt.links();
            }

            @Override
            public void addRoute(Route route) throws NativeException {
                rt.addRoute(route);
            }

            @Override
            public List<Rule> rules() throws NativeException {
                return rt.rules(false);
            }

            @Override
            public void addRule(Rule rule) throws NativeException {
                rt.addRule(rule);
            }

            @Override
            public void removeRule(Rule rule) throws NativeException {
                rt.removeRule(rule);
            }
        };
    }

    private final Host host;
    /** The tunnels made, by mark, with their interface index. */
    private final Map<Integer, Made> made = new LinkedHashMap<>();

    private record Made(NftRuleset.TunnelRoute route, int index) {}

    TunnelRouting(Host host) {
        this.host = host;
    }

    /** The mark rule of ROUTE. */
    static Rule rule(NftRuleset.TunnelRoute route) {
        return Rule.lookup(false, route.table()).fwmark(Integer.toUnsignedLong(route.mark()), 0xffffffffL)
                .priority(RULE_PRIORITY);
    }

    /** ROUTE's table's only route: everything into the tunnel at INDEX. */
    static Route route(NftRuleset.TunnelRoute route, int index) {
        return Route.to(any(), 0).dev(index).table(route.table()).scope(Scope.LINK);
    }

    static Rule localRule(int priority) {
        return Rule.lookup(false, Route.TABLE_LOCAL).priority(priority);
    }

    /**
     * Makes the tunnels, routes and rules of WANTED that are not there yet, before the ruleset marks packets for them.
     * On a refusal, what this call made is taken away again and the refusal is thrown.
     */
    void add(List<NftRuleset.TunnelRoute> wanted) throws NativeException {
        List<Made> added = new ArrayList<>();
        try {
            for (NftRuleset.TunnelRoute r : wanted) {
                if (made.containsKey(r.mark())) continue;
                if (!(r.realServer() instanceof Inet4Address)) {
                    throw new IllegalArgumentException("TUN to an IPv6 real server (" + r.realServer().getHostAddress()
                            + ") needs an ip6ip6 tunnel, which the nftables data plane does not make");
                }
                int index = host.addTunnel(r.tunnel(), r.realServer());
                Made m = new Made(r, index);
                added.add(m);
                host.addRoute(route(r, index));
                host.addRule(rule(r));
                made.put(r.mark(), m);
            }
            if (!made.isEmpty()) moveLocalRule();
        } catch (NativeException | RuntimeException e) {
            for (Made m : added) {
                made.remove(m.route().mark());
                undo(m);
            }
            if (made.isEmpty()) restoreLocalRule();
            throw e;
        }
    }

    /** Removes the tunnels, routes and rules not in WANTED, after the ruleset stopped marking packets for them. */
    void retain(List<NftRuleset.TunnelRoute> wanted) throws NativeException {
        java.util.Set<Integer> keep = new java.util.HashSet<>();
        for (NftRuleset.TunnelRoute r : wanted) keep.add(r.mark());
        for (var it = made.values().iterator(); it.hasNext(); ) {
            Made m = it.next();
            if (keep.contains(m.route().mark())) continue;
            it.remove();
            undo(m);
        }
        if (made.isEmpty()) restoreLocalRule();
    }

    /** The tunnels this object made (by mark). */
    List<NftRuleset.TunnelRoute> made() {
        return made.values().stream().map(Made::route).toList();
    }

    /**
     * Removes every tunnel, mark rule and moved local rule Halo made here, this process's or a crashed one's: at the
     * plane's open and close.
     */
    void removeAll() throws NativeException {
        made.clear();
        for (Rule r : host.rules()) {
            if (r.priority() == RULE_PRIORITY && r.fwmark() != Rule.UNSET
                    && (r.fwmark() & 0xff000000L) == Integer.toUnsignedLong(NftRuleset.TUN_MARK)) {
                removeQuietly(r);
            }
        }
        for (Link l : host.links()) {
            if (l.name().startsWith(PREFIX)) {
                try {
                    host.removeLink(l.index());
                } catch (NativeException.NoSuchDeviceException | NativeException.NotFoundException e) {
                    // gone meanwhile
                }
            }
        }
        restoreLocalRule();
    }

    private void undo(Made m) throws NativeException {
        removeQuietly(rule(m.route()));
        try {
            // its route goes with it
            host.removeLink(m.index());
        } catch (NativeException.NoSuchDeviceException | NativeException.NotFoundException e) {
            // gone already
        }
    }

    private void removeQuietly(Rule r) throws NativeException {
        try {
            host.removeRule(r);
        } catch (NativeException.NotFoundException e) {
            // gone already
        }
    }

    /** The local rule after the mark rules: added at its new place first, so that no packet misses it meanwhile. */
    private void moveLocalRule() throws NativeException {
        List<Rule> rules = host.rules();
        if (!hasLocal(rules, LOCAL_RULE_PRIORITY)) host.addRule(localRule(LOCAL_RULE_PRIORITY));
        if (hasLocal(rules, 0)) host.removeRule(localRule(0));
    }

    /** The local rule back at 0, where the kernel puts it, when Halo had moved it. */
    private void restoreLocalRule() throws NativeException {
        List<Rule> rules = host.rules();
        if (!hasLocal(rules, LOCAL_RULE_PRIORITY)) return;
        if (!hasLocal(rules, 0)) host.addRule(localRule(0));
        removeQuietly(localRule(LOCAL_RULE_PRIORITY));
    }

    private static boolean hasLocal(List<Rule> rules, int priority) {
        for (Rule r : rules) {
            if (r.table() == Route.TABLE_LOCAL && r.action() == Rule.FR_ACT_TO_TBL && r.from() == null
                    && r.to() == null && r.fwmark() == Rule.UNSET && r.inputInterface() == null
                    && r.outputInterface() == null && !r.invert() && effectivePriority(r) == priority) {
                return true;
            }
        }
        return false;
    }

    /** The kernel reports priority 0 by leaving FRA_PRIORITY out. */
    private static int effectivePriority(Rule r) {
        return r.priority() == Rule.UNSET ? 0 : r.priority();
    }

    private static InetAddress any() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
