package halo.daemon;

import halo.config.AddressFamily;
import halo.config.VirtualAddress;
import halo.os.HostAddress;
import halo.os.Link;
import halo.os.NativeException;
import halo.os.RtNetlink;
import halo.os.Scope;
import halo.vrrp.HostSetup;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * keepalived's use_vmac (vrrp_vmac.c, vrrp_if_config.c): for each such instance a private-mode macvlan of its
 * interface with the virtual router MAC 00:00:5e:00:01:VRID (IPv6: 00:00:5e:00:02:VRID), created at start whatever
 * the state, up, holding the VIPs; the kernel settings keepalived makes for it (on the VMAC arp_ignore 1,
 * accept_local 1, rp_filter 0, promote_secondaries 1; on the base interface arp_ignore 1 and arp_filter 1 while a
 * VMAC uses it; all.rp_filter 0, the interfaces' rp_filter raised first so that nothing else changes); no IPv6 on an
 * IPv4 instance's VMAC and no address of its own on any (addr_gen_mode none), the base's link-local on an IPv6 one
 * that sends from it; and promote_secondaries on the interface of the instances that ask for it. All removed and
 * restored at stop. Everything through rtnetlink except disable_ipv6 and
 * all/default rp_filter, which keepalived too writes in /proc/sys. Protocol thread only.
 */
final class VmacInterfaces {

    /** A VMAC Halo created: its base interface and family. */
    private record Created(String name, String base, boolean ipv6) {}

    /** The base interface's arp_ignore and arp_filter before the first VMAC, and how many VMACs use it. */
    private static final class BaseSettings {
        int arpIgnore;
        int arpFilter;
        boolean changed;
        int users;
    }

    private static final Path SYSCTL = Path.of("/proc/sys/net");

    private final LinuxHostNetwork network;
    private final RtNetlink netlink;
    private final DaemonLog log;
    private final Map<String, Created> created = new LinkedHashMap<>();
    private final Map<String, BaseSettings> bases = new HashMap<>();
    /** all.rp_filter before Halo cleared it (-1: not cleared), default's (-1: unchanged), interfaces' raised. */
    private int allRpFilter = -1;
    private int defaultRpFilter = -1;
    private final Map<Integer, Integer> raisedRpFilter = new HashMap<>();

    VmacInterfaces(LinuxHostNetwork network, DaemonLog log) {
        this.network = network;
        this.netlink = network.netlink();
        this.log = log;
    }

    /** The virtual router MAC of VRID: 00-00-5E-00-01-{VRID}, IPv6 00-00-5E-00-02-{VRID} (RFC 5798 7.3). */
    static byte[] virtualRouterMac(int vrid, boolean ipv6) {
        return new byte[] {0, 0, 0x5e, 0, (byte) (ipv6 ? 2 : 1), (byte) vrid};
    }

    /** The VMAC of every instance of SETUP that has one, not created yet. */
    void createFor(Collection<HostSetup.Instance> instances) {
        for (HostSetup.Instance i : instances) {
            if (i.vmac() != null && !created.containsKey(i.vmac())) {
                create(i);
            }
        }
    }

    /** Interfaces whose promote_secondaries Halo set to 1 (it was 0), by index, name for logs. */
    private final Map<Integer, String> promoted = new HashMap<>();

    /**
     * promote_secondaries: keepalived sets net.ipv4.conf.IF.promote_secondaries to 1 on the interface of each instance
     * that asks for it (not a VMAC's, which has it already) when it is 0, and back to 0 at stop.
     */
    void promoteSecondaries(Collection<HostSetup.Instance> instances) {
        for (HostSetup.Instance i : instances) {
            if (i.config() == null || i.vmac() != null
                    || i.config().otherSettings().stream().noneMatch(r -> r.keyword().equals("promote_secondaries"))) {
                continue;
            }
            Link link = network.link(i.spec().interfaceName());
            if (link == null || promoted.containsKey(link.index())) {
                continue;
            }
            try {
                if (netlink.ipv4Conf(link.index(), RtNetlink.IPV4_DEVCONF_PROMOTE_SECONDARIES) == 0) {
                    netlink.setIpv4Conf(link.index(), RtNetlink.IPV4_DEVCONF_PROMOTE_SECONDARIES, 1);
                    promoted.put(link.index(), link.name());
                }
            } catch (NativeException e) {
                log.info("(" + i.spec().name() + ") cannot set promote_secondaries on " + link.name() + ": " + e.getMessage());
            }
        }
    }

    /** The interface the VMAC NAME was made on, or null when NAME is no VMAC of ours. */
    String baseOf(String name) {
        Created c = created.get(name);
        return c == null ? null : c.base();
    }

    private void create(HostSetup.Instance i) {
        String name = "(" + i.spec().name() + ") ";
        String vmac = i.vmac();
        boolean ipv6 = i.spec().ipv6();
        Link base = network.link(i.baseInterface());
        if (base == null) {
            log.info(name + "cannot create VMAC interface " + vmac + ": interface " + i.baseInterface()
                    + " doesn't exist");
            return;
        }
        try {
            Link existing = network.link(vmac);
            if (existing != null) {
                if (!"macvlan".equals(netlink.linkKind(vmac))) {
                    log.info("VMAC " + vmac + " conflicts with existing interface");
                    return;
                }
                // left by a daemon that did not stop (or of another base): made again, as keepalived replaces it
                log.info(name + "Removing old VMAC interface " + vmac + " due to conflicting interface");
                netlink.removeLink(existing.index());
                network.linkRemoved(existing);
            }
            Link link = netlink.addPrivateMacvlan(vmac, base.index(), virtualRouterMac(i.spec().virtualRouterId(), ipv6));
            network.linkChanged(link);
            created.put(vmac, new Created(vmac, base.name(), ipv6));
            log.detail(name + "Success creating VMAC interface " + vmac);
            if (!ipv6) {
                setInterfaceParameters(link, base);
            }
            // no IPv6 on an IPv4 VMAC unless it holds IPv6 excluded addresses (keepalived's link_set_ipv6)
            boolean otherFamily = i.config() != null && i.config().excludedAddresses().stream()
                    .anyMatch(v -> (v.family() == AddressFamily.IPV6) != ipv6);
            writeSysctl("ipv6/conf/" + vmac + "/disable_ipv6", !ipv6 && !otherFamily ? 1 : 0);
            // RFC 5798 7.4: no link-local address made from the virtual MAC
            netlink.disableAddressGeneration(link.index());
            netlink.setLinkUp(link.index(), true);
            if (ipv6 && !(i.config() != null && i.config().vmacXmitBase())) {
                // adverts leave the VMAC from a non-VIP address: the source given, else the base's link-local
                InetAddress source = i.sourceAddress() != null ? i.sourceAddress()
                        : netlink.primaryAddress(base.index(), true);
                if (source != null) {
                    netlink.addAddress(HostAddress.of(link.index(), source, 64).withScope(Scope.LINK).withNoDad());
                } else {
                    log.info(name + "adding link-local address to " + vmac + " failed");
                }
            }
        } catch (NativeException e) {
            log.info(name + ": Unable to create VMAC interface " + vmac + " (" + e.getMessage() + ")");
        }
    }

    /** keepalived's set_interface_parameters (devconf): the VMAC's settings, then the base's while VMACs use it. */
    private void setInterfaceParameters(Link vmac, Link base) throws NativeException {
        if (allRpFilter < 0) {
            clearRpFilter();
        }
        netlink.setIpv4Conf(vmac.index(), RtNetlink.IPV4_DEVCONF_ARP_IGNORE, 1, RtNetlink.IPV4_DEVCONF_ACCEPT_LOCAL, 1,
                RtNetlink.IPV4_DEVCONF_RP_FILTER, 0, RtNetlink.IPV4_DEVCONF_PROMOTE_SECONDARIES, 1);
        BaseSettings b = bases.get(base.name());
        if (b != null) {
            b.users++;
            return;
        }
        b = new BaseSettings();
        b.users = 1;
        b.arpIgnore = netlink.ipv4Conf(base.index(), RtNetlink.IPV4_DEVCONF_ARP_IGNORE);
        b.arpFilter = netlink.ipv4Conf(base.index(), RtNetlink.IPV4_DEVCONF_ARPFILTER);
        if (b.arpIgnore != 1 || b.arpFilter != 1) {
            netlink.setIpv4Conf(base.index(), RtNetlink.IPV4_DEVCONF_ARP_IGNORE, 1, RtNetlink.IPV4_DEVCONF_ARPFILTER, 1);
            b.changed = true;
        }
        bases.put(base.name(), b);
    }

    /**
     * keepalived's clear_rp_filter: a VMAC needs rp_filter 0, which all.rp_filter overrides; so default.rp_filter and
     * every interface's are raised to all's first, then all is set to 0: nothing else filters differently.
     */
    private void clearRpFilter() throws NativeException {
        int all = readSysctl("ipv4/conf/all/rp_filter");
        allRpFilter = Math.max(all, 0);
        if (all <= 0) {
            return;
        }
        int dflt = readSysctl("ipv4/conf/default/rp_filter");
        if (dflt >= 0 && dflt < all) {
            log.info("NOTICE: setting sysctl net.ipv4.conf.default.rp_filter from " + dflt + " to " + all);
            writeSysctl("ipv4/conf/default/rp_filter", all);
            defaultRpFilter = dflt;
        }
        for (Link l : netlink.links()) {
            int v = netlink.ipv4Conf(l.index(), RtNetlink.IPV4_DEVCONF_RP_FILTER);
            if (v >= 0 && v < all) {
                netlink.setIpv4Conf(l.index(), RtNetlink.IPV4_DEVCONF_RP_FILTER, all);
                raisedRpFilter.put(l.index(), v);
            }
        }
        log.info("NOTICE: setting sysctl net.ipv4.conf.all.rp_filter from " + all + " to 0");
        writeSysctl("ipv4/conf/all/rp_filter", 0);
    }

    /** keepalived's restore_rp_filter: back as they were, where nobody changed them since. */
    private void restoreRpFilter() {
        if (allRpFilter <= 0) {
            allRpFilter = -1;
            return;
        }
        if (readSysctl("ipv4/conf/all/rp_filter") == 0) {
            log.info("NOTICE: resetting sysctl net.ipv4.conf.all.rp_filter to " + allRpFilter);
            writeSysctl("ipv4/conf/all/rp_filter", allRpFilter);
        }
        if (defaultRpFilter >= 0 && readSysctl("ipv4/conf/default/rp_filter") == allRpFilter) {
            log.info("NOTICE: resetting sysctl net.ipv4.conf.default.rp_filter to " + defaultRpFilter);
            writeSysctl("ipv4/conf/default/rp_filter", defaultRpFilter);
        }
        for (Map.Entry<Integer, Integer> e : raisedRpFilter.entrySet()) {
            try {
                if (netlink.ipv4Conf(e.getKey(), RtNetlink.IPV4_DEVCONF_RP_FILTER) == allRpFilter) {
                    netlink.setIpv4Conf(e.getKey(), RtNetlink.IPV4_DEVCONF_RP_FILTER, e.getValue());
                }
            } catch (NativeException ex) {
                // the interface is gone
            }
        }
        raisedRpFilter.clear();
        allRpFilter = -1;
        defaultRpFilter = -1;
    }

    /** Removes the VMACs no instance of LIVE uses any more (a reload removed them or stopped using use_vmac). */
    void keepOnly(Collection<HostSetup.Instance> live) {
        Set<String> used = new HashSet<>();
        for (HostSetup.Instance i : live) {
            if (i.vmac() != null) {
                used.add(i.vmac());
            }
        }
        for (Iterator<Created> it = created.values().iterator(); it.hasNext(); ) {
            Created c = it.next();
            if (!used.contains(c.name())) {
                remove(c);
                it.remove();
            }
        }
    }

    /** At stop: every VMAC removed, the base interfaces' and rp_filter settings restored (as keepalived, even with -V). */
    void removeAll() {
        for (Created c : created.values()) {
            remove(c);
        }
        created.clear();
        restoreRpFilter();
        for (Map.Entry<Integer, String> e : promoted.entrySet()) {
            try {
                netlink.setIpv4Conf(e.getKey(), RtNetlink.IPV4_DEVCONF_PROMOTE_SECONDARIES, 0);
            } catch (NativeException ex) {
                log.info("cannot reset promote_secondaries on " + e.getValue() + ": " + ex.getMessage());
            }
        }
        promoted.clear();
    }

    private void remove(Created c) {
        if (!c.ipv6()) {
            BaseSettings b = bases.get(c.base());
            if (b != null && --b.users == 0) {
                bases.remove(c.base());
                Link base = network.link(c.base());
                if (b.changed && base != null) {
                    try {
                        netlink.setIpv4Conf(base.index(), RtNetlink.IPV4_DEVCONF_ARP_IGNORE, b.arpIgnore,
                                RtNetlink.IPV4_DEVCONF_ARPFILTER, b.arpFilter);
                    } catch (NativeException e) {
                        log.info("reset interface flags on " + c.base() + " failed");
                    }
                }
            }
        }
        Link link = network.link(c.name());
        if (link == null) {
            return;
        }
        try {
            netlink.removeLink(link.index());
            network.linkRemoved(link);
            log.detail("Success removing VMAC interface " + c.name());
        } catch (NativeException e) {
            log.info("Error removing VMAC interface " + c.name() + ": " + e.getMessage());
        }
    }

    /** Whether ADDRESS of an instance goes on its VMAC: no dev (or the instance's own) and the instance's family. */
    static boolean onVmac(HostSetup.Instance i, VirtualAddress v) {
        return i.vmac() != null && (v.device() == null || v.device().equals(i.baseInterface()))
                && (v.family() == AddressFamily.IPV6) == i.spec().ipv6();
    }

    private int readSysctl(String path) {
        try {
            return Integer.parseInt(Files.readString(SYSCTL.resolve(path)).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private void writeSysctl(String path, int value) {
        try {
            Files.writeString(SYSCTL.resolve(path), Integer.toString(value));
        } catch (IOException e) {
            log.info("Cannot set sysctl net." + path.replace('/', '.') + ": " + e.getMessage());
        }
    }
}
