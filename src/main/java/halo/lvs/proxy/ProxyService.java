package halo.lvs.proxy;

import halo.lvs.Protocol;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One virtual service the proxy serves: where it listens and how it forwards. {@link #key} names the service;
 * {@link ProxyEngine#update} may change everything else, for new connections.
 *
 * @param address        the virtual address and port (the VIP need not exist yet: the listener is free-bound)
 * @param protocol       TCP or UDP
 * @param proxyProtocol  PROXY header sent to the real server first (TCP only)
 * @param transparent    connect to the real server from the client's own address (IP_TRANSPARENT)
 * @param connectTimeout how long a real server may take to accept a TCP connection
 * @param maxConnections connections (UDP: flows) at once; 0 = unlimited; above it new ones are refused
 */
public record ProxyService(InetSocketAddress address, Protocol protocol, ProxyProtocol proxyProtocol,
                           boolean transparent, Duration connectTimeout, int maxConnections) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** The service's identity: protocol and address. */
    public record Key(Protocol protocol, InetSocketAddress address) {
        public Key {
            Objects.requireNonNull(protocol);
            Objects.requireNonNull(address);
        }

        @Override
        public String toString() {
            return protocol + " " + Endpoints.text(address);
        }
    }

    public ProxyService {
        Objects.requireNonNull(address);
        Objects.requireNonNull(proxyProtocol);
        Objects.requireNonNull(connectTimeout);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        if (protocol != Protocol.TCP && protocol != Protocol.UDP) {
            throw new IllegalArgumentException("the proxy serves TCP and UDP, not " + protocol);
        }
        if (protocol == Protocol.UDP && proxyProtocol != ProxyProtocol.NONE) {
            throw new IllegalArgumentException("PROXY protocol headers are for TCP services");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive: " + connectTimeout);
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("max connections must be 0 (unlimited) or more: " + maxConnections);
        }
    }

    /** A plain service: no PROXY header, not transparent, default connect timeout, no limit. */
    public static ProxyService of(InetSocketAddress address, Protocol protocol) {
        return new ProxyService(address, protocol, ProxyProtocol.NONE, false, DEFAULT_CONNECT_TIMEOUT, 0);
    }

    public Key key() {
        return new Key(protocol, address);
    }

    public ProxyService withProxyProtocol(ProxyProtocol p) {
        return new ProxyService(address, protocol, p, transparent, connectTimeout, maxConnections);
    }

    public ProxyService withTransparent(boolean t) {
        return new ProxyService(address, protocol, proxyProtocol, t, connectTimeout, maxConnections);
    }

    public ProxyService withConnectTimeout(Duration d) {
        return new ProxyService(address, protocol, proxyProtocol, transparent, d, maxConnections);
    }

    public ProxyService withMaxConnections(int max) {
        return new ProxyService(address, protocol, proxyProtocol, transparent, connectTimeout, max);
    }
}
