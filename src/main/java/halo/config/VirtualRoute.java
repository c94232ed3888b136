package halo.config;

import java.net.InetAddress;
import java.util.List;

/**
 * One line of virtual_routes / static_routes, as {@code ip route} takes it.
 * The common parts are typed; every other option (mtu, advmss, realms, nexthop lists...) stays in {@code options} in order.
 *
 * @param type        route type (unicast when not written; blackhole, unreachable, prohibit, local...)
 * @param destination destination prefix ({@code default} is 0.0.0.0/0 or ::/0)
 * @param source      preferred source (src), or {@code null}
 * @param via         gateway, or {@code null}
 * @param device      interface (dev / oif), or {@code null}
 * @param table       routing table name or number, or {@code null}
 * @param metric      metric / preference, or -1 when not written
 * @param scope       scope, or {@code null}
 * @param options     the remaining words as written
 */
public record VirtualRoute(String type, IpPrefix destination, InetAddress source, InetAddress via, String device,
                           String table, long metric, String scope, boolean noTrack, List<String> options) {
    public VirtualRoute {
        options = List.copyOf(options);
    }
}
