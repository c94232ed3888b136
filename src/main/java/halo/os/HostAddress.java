package halo.os;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An address on an interface, as {@code ip addr} shows it and as keepalived's virtual_ipaddress line describes
 * it: {@code ADDR/PREFIX [brd ADDR] dev IF [scope SCOPE] [label LABEL]}, plus IFA_F_* flags (nodad for IPv6
 * VIPs, as keepalived adds them). Build one with {@link #of} and the {@code with...} methods.
 */
public record HostAddress(int interfaceIndex, InetAddress address, int prefixLength, InetAddress broadcast,
                          String label, int scope, int flags) {
    public static final int IFA_F_SECONDARY = 0x01;
    public static final int IFA_F_NODAD = 0x02;
    public static final int IFA_F_DADFAILED = 0x08;
    public static final int IFA_F_TENTATIVE = 0x40;
    public static final int IFA_F_PERMANENT = 0x80;
    public static final int IFA_F_NOPREFIXROUTE = 0x200;

    public HostAddress {
        int max = address instanceof Inet6Address ? 128 : 32;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of 0.." + max);
        }
        if (broadcast != null && (address instanceof Inet6Address || broadcast instanceof Inet6Address)) {
            throw new IllegalArgumentException("brd is for IPv4 addresses only");
        }
    }

    /** ADDRESS/PREFIX on the interface IFINDEX, scope global, no label. */
    public static HostAddress of(int ifindex, InetAddress address, int prefixLength) {
        return new HostAddress(ifindex, address, prefixLength, null, null, Scope.GLOBAL, 0);
    }

    public HostAddress withBroadcast(InetAddress brd) {
        return new HostAddress(interfaceIndex, address, prefixLength, brd, label, scope, flags);
    }

    public HostAddress withLabel(String newLabel) {
        return new HostAddress(interfaceIndex, address, prefixLength, broadcast, newLabel, scope, flags);
    }

    public HostAddress withScope(int newScope) {
        return new HostAddress(interfaceIndex, address, prefixLength, broadcast, label, newScope, flags);
    }

    public HostAddress withFlags(int newFlags) {
        return new HostAddress(interfaceIndex, address, prefixLength, broadcast, label, scope, newFlags);
    }

    /** Skip duplicate address detection, as keepalived does for IPv6 VIPs (they must work at once). */
    public HostAddress withNoDad() {
        return withFlags(flags | IFA_F_NODAD);
    }

    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** Whether this is the same address/prefix on the same interface (what the kernel keys addresses by). */
    public boolean sameAs(HostAddress other) {
        return interfaceIndex == other.interfaceIndex && address.equals(other.address)
                && prefixLength == other.prefixLength;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(address.getHostAddress()).append('/').append(prefixLength);
        if (broadcast != null) {
            sb.append(" brd ").append(broadcast.getHostAddress());
        }
        sb.append(" ifindex ").append(interfaceIndex);
        if (scope != Scope.GLOBAL) {
            sb.append(" scope ").append(Scope.name(scope));
        }
        if (label != null) {
            sb.append(" label ").append(label);
        }
        if ((flags & IFA_F_NODAD) != 0) {
            sb.append(" nodad");
        }
        return sb.toString();
    }
}
