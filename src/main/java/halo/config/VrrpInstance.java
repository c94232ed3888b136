package halo.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * A vrrp_instance with keepalived's defaults filled in and its corrections applied.
 *
 * @param name                 instance name (vrrp_instance NAME)
 * @param state                requested initial state (BACKUP by default; MASTER only hints, see keepalived.conf(5))
 * @param interfaceName        interface adverts are sent on, or {@code null} when none was given (fatal unless unicast peers)
 * @param virtualRouterId      VRID 1-255
 * @param priority             1-255 (100 by default); 255 is the address owner, never changed by trackers
 * @param advertInterval       advert interval (1 s); v2: whole seconds 1-255, v3: centiseconds 0.01-40.95 s
 * @param version              VRRP version, 2 or 3 (global vrrp_version, 2 by default; IPv6 forces 3)
 * @param family               address family of the instance (from its addresses; IPv4 when it has none)
 * @param preempt              false when nopreempt is in effect (keepalived clears it for state MASTER / priority 255)
 * @param preemptDelay         preempt_delay (zero when none; cleared with nopreempt, state MASTER, strict mode)
 * @param authentication       v2 authentication, or {@code null}
 * @param virtualAddresses     virtual_ipaddress entries
 * @param excludedAddresses    virtual_ipaddress_excluded entries (not in adverts)
 * @param virtualRoutes        virtual_routes entries
 * @param virtualRules         virtual_rules entries
 * @param sourceAddress        unicast_src_ip / mcast_src_ip, or {@code null} (primary address of the interface)
 * @param multicastGroup       mcast_dst_ip / global vrrp_mcast_group4|6 (224.0.0.18 / ff02::12)
 * @param unicastPeers         unicast_peer entries; non-empty means unicast
 * @param trackInterfaces      track_interface entries
 * @param trackScripts         track_script references (every name is a defined vrrp_script)
 * @param trackFiles           track_file references
 * @param trackProcesses       track_process references
 * @param trackBfds            track_bfd references
 * @param notifyScripts             notify scripts
 * @param garp                 GARP / NA settings (instance, else global, else default)
 * @param accept               accept mode as configured (RFC 5798 Accept_Mode): accept/no_accept, else true unless
 *                             strict mode; see {@link #acceptsTraffic()}
 * @param useVmac              whether to use a VRRP virtual MAC interface
 * @param vmacInterfaceName    name of the VMAC interface (use_vmac NAME), or {@code null} for vrrp.VRID
 * @param vmacXmitBase         send adverts on the base interface rather than the VMAC
 * @param strictMode           strict RFC compliance (instance strict_mode or global vrrp_strict)
 * @param dontTrackPrimary     ignore the state of the instance's own interface
 * @param skipCheckAdvAddr     do not check the addresses in received adverts
 * @param higherPrioSendAdvert a master that sees a higher priority sends one advert before giving up
 * @param lowerPrioNoAdvert    a master that sees a lower priority does not answer at once
 * @param downTimerAdverts     adverts missed before the master is declared down (3)
 * @param smtpAlert            send email on state changes
 * @param otherSettings        keepalived keywords accepted but not interpreted here, in order
 */
public record VrrpInstance(
        String name,
        InitialState state,
        String interfaceName,
        int virtualRouterId,
        int priority,
        Duration advertInterval,
        int version,
        AddressFamily family,
        boolean preempt,
        Duration preemptDelay,
        Authentication authentication,
        List<VirtualAddress> virtualAddresses,
        List<VirtualAddress> excludedAddresses,
        List<VirtualRoute> virtualRoutes,
        List<VirtualRule> virtualRules,
        InetAddress sourceAddress,
        InetAddress multicastGroup,
        List<UnicastPeer> unicastPeers,
        List<TrackedInterface> trackInterfaces,
        List<TrackRef> trackScripts,
        List<TrackRef> trackFiles,
        List<TrackRef> trackProcesses,
        List<TrackRef> trackBfds,
        NotifyScripts notifyScripts,
        GarpSettings garp,
        boolean accept,
        boolean useVmac,
        String vmacInterfaceName,
        boolean vmacXmitBase,
        boolean strictMode,
        boolean dontTrackPrimary,
        boolean skipCheckAdvAddr,
        boolean higherPrioSendAdvert,
        boolean lowerPrioNoAdvert,
        int downTimerAdverts,
        boolean smtpAlert,
        List<RawSetting> otherSettings) {

    public VrrpInstance {
        virtualAddresses = List.copyOf(virtualAddresses);
        excludedAddresses = List.copyOf(excludedAddresses);
        virtualRoutes = List.copyOf(virtualRoutes);
        virtualRules = List.copyOf(virtualRules);
        unicastPeers = List.copyOf(unicastPeers);
        trackInterfaces = List.copyOf(trackInterfaces);
        trackScripts = List.copyOf(trackScripts);
        trackFiles = List.copyOf(trackFiles);
        trackProcesses = List.copyOf(trackProcesses);
        trackBfds = List.copyOf(trackBfds);
        otherSettings = List.copyOf(otherSettings);
    }

    /** The owner of the virtual addresses (priority 255). */
    public boolean isAddressOwner() {
        return priority == 255;
    }

    /** Whether a master accepts packets sent to the virtual addresses: accept mode, or being their owner (RFC 5798 6.1). */
    public boolean acceptsTraffic() {
        return accept || isAddressOwner();
    }

    public boolean isUnicast() {
        return !unicastPeers.isEmpty();
    }
}
