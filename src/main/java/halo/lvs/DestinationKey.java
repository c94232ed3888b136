package halo.lvs;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/** A real server as IPVS keys it inside a service: address and port (0 for DR/TUN destinations of fwmark services). */
public record DestinationKey(InetAddress address, int port) {
    public DestinationKey {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public boolean ipv6() {
        return address instanceof Inet6Address;
    }
}
