package halo.config;

import java.net.InetAddress;

/** A unicast_peer line: {@code ADDR [min_ttl N] [max_ttl N]}; received adverts outside the TTL range are dropped. */
public record UnicastPeer(InetAddress address, int minTtl, int maxTtl) {
    public static UnicastPeer of(InetAddress address) {
        return new UnicastPeer(address, 0, 255);
    }
}
