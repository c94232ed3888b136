package halo.os;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * A route as keepalived's virtual_routes / static_routes describe it: {@code [TYPE] DEST/LEN [via GW] [dev IF]
 * [src ADDR] [table N] [metric N] [scope S] [protocol P] [onlink]}. Types: unicast, blackhole, unreachable, prohibit,
 * throw, local. The destination is required (0.0.0.0/0 or ::/0 for a default route).
 */
public record Route(InetAddress destination, int prefixLength, InetAddress gateway, int interfaceIndex,
                    InetAddress preferredSource, int table, int metric, int scope, int type, int protocol,
                    boolean onlink) {
    public static final int RTN_UNICAST = 1;
    public static final int RTN_LOCAL = 2;
    public static final int RTN_BLACKHOLE = 6;
    public static final int RTN_UNREACHABLE = 7;
    public static final int RTN_PROHIBIT = 8;
    public static final int RTN_THROW = 9;
    public static final int TABLE_MAIN = 254;
    public static final int TABLE_LOCAL = 255;
    public static final int RTPROT_BOOT = 3;
    public static final int RTPROT_STATIC = 4;
    /** What keepalived marks its routes with ("proto keepalived" in ip route). */
    public static final int RTPROT_KEEPALIVED = 18;
    /** No metric given. */
    public static final int NO_METRIC = -1;

    public Route {
        int max = destination instanceof Inet6Address ? 128 : 32;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of 0.." + max);
        }
        if (gateway != null && (gateway instanceof Inet6Address) != (destination instanceof Inet6Address)) {
            throw new IllegalArgumentException("gateway " + gateway.getHostAddress() + " is not of the destination's family");
        }
    }

    /** A unicast route DEST/LEN in the main table, scope global, proto keepalived. */
    public static Route to(InetAddress destination, int prefixLength) {
        return new Route(destination, prefixLength, null, 0, null, TABLE_MAIN, NO_METRIC, Scope.GLOBAL, RTN_UNICAST,
                RTPROT_KEEPALIVED, false);
    }

    public Route via(InetAddress gw) {
        return new Route(destination, prefixLength, gw, interfaceIndex, preferredSource, table, metric, scope, type, protocol, onlink);
    }

    public Route dev(int ifindex) {
        return new Route(destination, prefixLength, gateway, ifindex, preferredSource, table, metric, scope, type, protocol, onlink);
    }

    public Route src(InetAddress source) {
        return new Route(destination, prefixLength, gateway, interfaceIndex, source, table, metric, scope, type, protocol, onlink);
    }

    public Route table(int newTable) {
        return new Route(destination, prefixLength, gateway, interfaceIndex, preferredSource, newTable, metric, scope, type, protocol, onlink);
    }

    public Route metric(int newMetric) {
        return new Route(destination, prefixLength, gateway, interfaceIndex, preferredSource, table, newMetric, scope, type, protocol, onlink);
    }

    public Route scope(int newScope) {
        return new Route(destination, prefixLength, gateway, interfaceIndex, preferredSource, table, metric, newScope, type, protocol, onlink);
    }

    public Route type(int newType) {
        return new Route(destination, prefixLength, gateway, interfaceIndex, preferredSource, table, metric, scope, newType, protocol, onlink);
    }

    public Route protocol(int newProtocol) {
        return new Route(destination, prefixLength, gateway, interfaceIndex, preferredSource, table, metric, scope, type, newProtocol, onlink);
    }

    /** ip route's "onlink": use the gateway even if no address of the interface covers it. */
    public Route withOnlink() {
        return new Route(destination, prefixLength, gateway, interfaceIndex, preferredSource, table, metric, scope, type, protocol, true);
    }

    public boolean isIpv6() {
        return destination instanceof Inet6Address;
    }

    /** "unicast", "blackhole", "unreachable", "prohibit", "throw", "local" (as ip route prints them). */
    public static int parseType(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "unicast" -> RTN_UNICAST;
            case "local" -> RTN_LOCAL;
            case "blackhole" -> RTN_BLACKHOLE;
            case "unreachable" -> RTN_UNREACHABLE;
            case "prohibit" -> RTN_PROHIBIT;
            case "throw" -> RTN_THROW;
            default -> throw new IllegalArgumentException("unknown route type " + name);
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (type != RTN_UNICAST) {
            sb.append(switch (type) {
                case RTN_LOCAL -> "local";
                case RTN_BLACKHOLE -> "blackhole";
                case RTN_UNREACHABLE -> "unreachable";
                case RTN_PROHIBIT -> "prohibit";
                case RTN_THROW -> "throw";
                default -> "type " + type;
            }).append(' ');
        }
        sb.append(destination.getHostAddress()).append('/').append(prefixLength);
        if (gateway != null) {
            sb.append(" via ").append(gateway.getHostAddress());
        }
        if (interfaceIndex != 0) {
            sb.append(" ifindex ").append(interfaceIndex);
        }
        if (preferredSource != null) {
            sb.append(" src ").append(preferredSource.getHostAddress());
        }
        sb.append(" table ").append(table);
        if (metric != NO_METRIC) {
            sb.append(" metric ").append(metric);
        }
        if (scope != Scope.GLOBAL) {
            sb.append(" scope ").append(Scope.name(scope));
        }
        if (onlink) {
            sb.append(" onlink");
        }
        return sb.toString();
    }
}
