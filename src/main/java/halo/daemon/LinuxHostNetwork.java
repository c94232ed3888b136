package halo.daemon;

import halo.os.HostAddress;
import halo.os.Link;
import halo.os.NativeException;
import halo.os.Route;
import halo.os.RtNetlink;
import halo.os.Rule;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.HashMap;
import java.util.Map;

/**
 * The Linux host's network over rtnetlink, with the interfaces as last seen (read at start-up, then kept up to date
 * from the netlink monitor's events on the protocol thread).
 */
final class LinuxHostNetwork implements HostNetwork, AutoCloseable {

    private final RtNetlink netlink;
    private final Map<String, Link> links = new HashMap<>();
    private final Map<Integer, String> linkNames = new HashMap<>();

    private LinuxHostNetwork(RtNetlink netlink) {
        this.netlink = netlink;
    }

    static LinuxHostNetwork open() throws NativeException {
        RtNetlink netlink = RtNetlink.open();
        LinuxHostNetwork network = new LinuxHostNetwork(netlink);
        try {
            for (Link l : netlink.links()) {
                network.linkChanged(l);
            }
        } catch (NativeException | RuntimeException e) {
            netlink.close();
            throw e;
        }
        return network;
    }

    /** The rtnetlink requests this view is kept over (for what only Linux has: VMACs, devconf). */
    RtNetlink netlink() {
        return netlink;
    }

    /** The interface called NAME, or null. */
    Link link(String name) {
        return links.get(name);
    }

    boolean hasLink(String name) {
        return links.containsKey(name);
    }

    /** The name of interface INDEX, or OTHERWISE when it is not known. */
    String linkName(int index, String otherwise) {
        return linkNames.getOrDefault(index, otherwise);
    }

    /** Records a new or changed interface; returns what was known of it before (null: nothing). */
    Link linkChanged(Link link) {
        Link before = links.put(link.name(), link);
        linkNames.put(link.index(), link.name());
        return before;
    }

    void linkRemoved(Link link) {
        links.remove(link.name());
    }

    @Override
    public int interfaceIndex(String name) {
        Link l = links.get(name);
        return l == null ? 0 : l.index();
    }

    /** The interface's primary IPv4 address, or its IPv6 link-local one; null when none (or the interface is unknown). */
    byte[] primaryAddress(String interfaceName, boolean ipv6) throws NativeException {
        Link link = links.get(interfaceName);
        if (link == null) {
            return null;
        }
        for (HostAddress a : netlink.addresses(link.index())) {
            if (ipv6 && a.address() instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
                return a.address().getAddress();
            }
            if (!ipv6 && a.address() instanceof Inet4Address && (a.flags() & HostAddress.IFA_F_SECONDARY) == 0) {
                return a.address().getAddress();
            }
        }
        return null;
    }

    @Override
    public void addAddress(HostAddress address) throws NativeException {
        netlink.addAddress(address);
    }

    @Override
    public void removeAddress(HostAddress address) throws NativeException {
        netlink.removeAddress(address);
    }

    @Override
    public void addRoute(Route route) throws NativeException {
        netlink.addRoute(route);
    }

    @Override
    public void removeRoute(Route route) throws NativeException {
        netlink.removeRoute(route);
    }

    @Override
    public void addRule(Rule rule) throws NativeException {
        netlink.addRule(rule);
    }

    @Override
    public void removeRule(Rule rule) throws NativeException {
        netlink.removeRule(rule);
    }

    @Override
    public void close() {
        netlink.close();
    }
}
