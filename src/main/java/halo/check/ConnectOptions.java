package halo.check;

import halo.net.AddressText;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how a checker connects: keepalived's conn_opts (connect_ip, connect_port, bindto, bind_port, bind_if,
 * connect_timeout). The destination defaults to the real server's address and port.
 *
 * @param destination   address and port probed
 * @param bindTo        local address (and bind_port) to originate from, or null
 * @param bindInterface interface name (bind_if), or null; applied as the IPv6 scope of link-local addresses
 * @param timeout       connect_timeout: bounds each network step (connect, write, each read)
 */
public record ConnectOptions(InetSocketAddress destination, InetSocketAddress bindTo, String bindInterface,
                             Duration timeout) {

    public ConnectOptions {
        Objects.requireNonNull(destination);
        Objects.requireNonNull(timeout);
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("connect_timeout must be > 0");
    }

    public static ConnectOptions to(InetSocketAddress destination, Duration timeout) {
        return new ConnectOptions(destination, null, null, timeout);
    }

    int timeoutMillis() {
        long ms = timeout.toMillis();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }

    /**
     * The address to connect to. keepalived needs bind_if for a link-local IPv6 destination ("Checker link local
     * address %s requires a bind_if"); Java expresses the interface as the address's scope.
     */
    InetSocketAddress effectiveDestination() throws SocketException {
        return new InetSocketAddress(scoped(destination.getAddress()), destination.getPort());
    }

    InetSocketAddress effectiveBind() throws SocketException {
        if (bindTo == null) return null;
        return new InetSocketAddress(scoped(bindTo.getAddress()), bindTo.getPort());
    }

    private InetAddress scoped(InetAddress address) throws SocketException {
        if (bindInterface != null && address instanceof Inet6Address v6 && v6.isLinkLocalAddress()
                && v6.getScopeId() == 0 && v6.getScopedInterface() == null) {
            NetworkInterface nif = NetworkInterface.getByName(bindInterface);
            if (nif == null) throw new SocketException("Checker can't bind to device " + bindInterface);
            try {
                return Inet6Address.getByAddress(null, v6.getAddress(), nif);
            } catch (java.net.UnknownHostException e) {
                throw new SocketException(e.getMessage());
            }
        }
        return address;
    }

    /** keepalived's FMT_CHK: "[ip]:tcp:port". */
    public String format(String protocol) {
        return "[" + AddressText.format(destination.getAddress()) + "]:" + protocol + ":" + destination.getPort();
    }
}
