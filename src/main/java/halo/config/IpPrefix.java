package halo.config;

import halo.net.AddressText;
import java.net.Inet6Address;
import java.net.InetAddress;

/** An address with a prefix length, as {@code ip addr} writes it: {@code 192.0.2.10/24}. */
public record IpPrefix(InetAddress address, int prefixLength) {
    public IpPrefix {
        int max = address instanceof Inet6Address ? 128 : 32;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0-" + max);
        }
    }

    /** A host prefix (/32 or /128). */
    public static IpPrefix host(InetAddress address) {
        return new IpPrefix(address, address instanceof Inet6Address ? 128 : 32);
    }

    public AddressFamily family() {
        return AddressFamily.of(address);
    }

    @Override
    public String toString() {
        return AddressText.format(address) + "/" + prefixLength;
    }
}
