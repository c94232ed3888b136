package halo.lvs.proxy;

import halo.net.AddressText;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Addresses as log lines and PROXY headers write them. */
final class Endpoints {
    private Endpoints() {
    }

    /** 192.0.2.1:80, [2001:db8::1]:80 */
    static String text(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : AddressText.format(a.getAddress());
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
