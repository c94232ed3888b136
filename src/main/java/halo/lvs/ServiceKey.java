package halo.lvs;

import halo.lvs.Protocol;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/** What identifies an IPVS virtual service, as the kernel keys it: address + port + protocol, or a firewall mark. */
public sealed interface ServiceKey {

    boolean ipv6();

    /** {@code -t|-u|--sctp-service address:port}. */
    record Inet(InetAddress address, int port, Protocol protocol) implements ServiceKey {
        public Inet {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(protocol, "protocol");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        @Override
        public boolean ipv6() {
            return address instanceof Inet6Address;
        }
    }

    /** {@code -f mark [-6]}. */
    record Fwmark(int mark, boolean ipv6) implements ServiceKey {}
}
