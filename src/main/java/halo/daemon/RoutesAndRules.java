package halo.daemon;

import halo.config.VirtualRoute;
import halo.config.VirtualRule;
import halo.os.Route;
import halo.os.Rule;
import halo.os.Scope;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * keepalived's virtual_routes / static_routes and virtual_rules / static_rules lines as rtnetlink routes and rules:
 * what {@code ip route add} / {@code ip rule add} would make of the same words. Routes carry "proto keepalived" (18)
 * as keepalived's do; a rule without a preference gets 16384, keepalived's correction.
 */
final class RoutesAndRules {

    /** keepalived: "Rule has no preference specified - setting to 16384". */
    static final int DEFAULT_RULE_PRIORITY = 16384;

    private RoutesAndRules() {}

    /** The route a configuration line describes; {@code ifindex} maps an interface name to its index (0 if none). */
    static Route route(VirtualRoute r, ToIntFunction<String> ifindex) {
        InetAddress dst = r.destination().address();
        Route route = Route.to(dst, r.destination().prefixLength());
        if (r.type() != null && !r.type().isEmpty()) {
            route = route.type(Route.parseType(r.type()));
        }
        if (r.via() != null) {
            route = route.via(r.via());
        }
        if (r.device() != null) {
            route = route.dev(ifindex.applyAsInt(r.device()));
        }
        if (r.source() != null) {
            route = route.src(r.source());
        }
        if (r.table() != null) {
            route = route.table(table(r.table()));
        }
        if (r.metric() >= 0) {
            route = route.metric((int) r.metric());
        }
        if (r.scope() != null) {
            route = route.scope(Scope.parse(r.scope()));
        } else if (r.via() == null && r.device() != null && route.type() == Route.RTN_UNICAST) {
            route = route.scope(Scope.LINK); // ip route: a directly connected route is scope link
        } else if (route.type() == Route.RTN_LOCAL) {
            route = route.scope(Scope.HOST);
        }
        List<String> options = r.options();
        if (options.contains("onlink")) {
            route = route.withOnlink();
        }
        int proto = options.indexOf("protocol") >= 0 ? options.indexOf("protocol") : options.indexOf("proto");
        if (proto >= 0 && proto + 1 < options.size()) {
            route = route.protocol(protocol(options.get(proto + 1)));
        }
        return route;
    }

    /** The rule a configuration line describes. */
    static Rule rule(VirtualRule r) {
        List<String> w = r.words();
        boolean ipv6 = r.from() != null ? r.from().address() instanceof Inet6Address
                : r.to() != null ? r.to().address() instanceof Inet6Address
                : w.contains("inet6") || w.contains("-6");
        int table = r.table() != null ? table(r.table()) : Route.TABLE_MAIN;
        Rule rule = Rule.lookup(ipv6, table);
        if (r.from() != null) {
            rule = rule.from(r.from().address(), r.from().prefixLength());
        }
        if (r.to() != null) {
            rule = rule.to(r.to().address(), r.to().prefixLength());
        }
        rule = rule.priority(r.priority() >= 0 ? (int) r.priority() : DEFAULT_RULE_PRIORITY);
        for (int i = 0; i < w.size(); i++) {
            String word = w.get(i);
            String next = i + 1 < w.size() ? w.get(i + 1) : null;
            switch (word) {
                case "iif", "dev" -> rule = next != null ? rule.iif(next) : rule;
                case "oif" -> rule = next != null ? rule.oif(next) : rule;
                case "fwmark" -> {
                    if (next != null) {
                        String[] parts = next.split("/");
                        rule = rule.fwmark(Long.decode(parts[0]), parts.length > 1 ? Long.decode(parts[1]) : 0xffffffffL);
                    }
                }
                case "not" -> rule = rule.not();
                case "blackhole" -> rule = rule.action(Rule.FR_ACT_BLACKHOLE);
                case "unreachable" -> rule = rule.action(Rule.FR_ACT_UNREACHABLE);
                case "prohibit" -> rule = rule.action(Rule.FR_ACT_PROHIBIT);
                default -> {
                }
            }
        }
        return rule;
    }

    /** Table names iproute2 knows without /etc/iproute2/rt_tables, or a number. */
    static int table(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "main" -> Route.TABLE_MAIN;
            case "local" -> Route.TABLE_LOCAL;
            case "default" -> 253;
            default -> Integer.parseInt(name);
        };
    }

    private static int protocol(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "boot" -> Route.RTPROT_BOOT;
            case "static" -> Route.RTPROT_STATIC;
            case "keepalived" -> Route.RTPROT_KEEPALIVED;
            default -> Integer.parseInt(name);
        };
    }
}
