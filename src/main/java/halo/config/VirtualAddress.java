package halo.config;

import java.net.InetAddress;

/**
 * One line of virtual_ipaddress / virtual_ipaddress_excluded / static_ipaddress, as {@code ip addr} takes it:
 * {@code ADDR[/LEN] [brd ADDR] [dev IF] [scope SCOPE] [label LABEL] [peer ADDR] [home] [-nodad] [noprefixroute] [autojoin] [no_track]}.
 *
 * @param address   the address and prefix (/32 or /128 when none was written)
 * @param broadcast broadcast address, or {@code null}
 * @param device    interface, or {@code null} for the instance's interface
 * @param scope     scope name (global, host, link, site, nowhere) or number, or {@code null}
 * @param label     address label, or {@code null}
 * @param peer      peer address (point-to-point), or {@code null}
 */
public record VirtualAddress(IpPrefix address, InetAddress broadcast, String device, String scope, String label,
                             IpPrefix peer, boolean home, boolean noDad, boolean noPrefixRoute, boolean autoJoin,
                             boolean noTrack) {

    public static VirtualAddress of(IpPrefix address) {
        return new VirtualAddress(address, null, null, null, null, null, false, false, false, false, false);
    }

    public AddressFamily family() {
        return address.family();
    }
}
