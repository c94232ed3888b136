package halo.os;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * A policy routing rule as keepalived's virtual_rules / static_rules describe it: {@code [from ADDR/LEN]
 * [to ADDR/LEN] [iif IF] [oif IF] [fwmark N[/MASK]] [priority N] [not] table N} or an action (blackhole, unreachable,
 * prohibit). {@code ipv6} decides the family when neither from nor to is given.
 */
public record Rule(boolean ipv6, InetAddress from, int fromLength, InetAddress to, int toLength, String inputInterface,
                   String outputInterface, long fwmark, long fwmask, int priority, int table, int action, boolean invert) {
    public static final int FR_ACT_TO_TBL = 1;
    public static final int FR_ACT_GOTO = 2;
    public static final int FR_ACT_NOP = 3;
    public static final int FR_ACT_BLACKHOLE = 6;
    public static final int FR_ACT_UNREACHABLE = 7;
    public static final int FR_ACT_PROHIBIT = 8;
    /** No priority, fwmark or mask given. */
    public static final int UNSET = -1;

    public Rule {
        if (from != null && (from instanceof Inet6Address) != ipv6) {
            throw new IllegalArgumentException("from " + from.getHostAddress() + " is not " + (ipv6 ? "IPv6" : "IPv4"));
        }
        if (to != null && (to instanceof Inet6Address) != ipv6) {
            throw new IllegalArgumentException("to " + to.getHostAddress() + " is not " + (ipv6 ? "IPv6" : "IPv4"));
        }
    }

    /** "lookup TABLE" for IPv4 or IPv6 traffic, nothing else matched yet. */
    public static Rule lookup(boolean ipv6, int table) {
        return new Rule(ipv6, null, 0, null, 0, null, null, UNSET, UNSET, UNSET, table, FR_ACT_TO_TBL, false);
    }

    public Rule from(InetAddress address, int length) {
        return new Rule(ipv6, address, length, to, toLength, inputInterface, outputInterface, fwmark, fwmask, priority, table, action, invert);
    }

    public Rule to(InetAddress address, int length) {
        return new Rule(ipv6, from, fromLength, address, length, inputInterface, outputInterface, fwmark, fwmask, priority, table, action, invert);
    }

    public Rule iif(String name) {
        return new Rule(ipv6, from, fromLength, to, toLength, name, outputInterface, fwmark, fwmask, priority, table, action, invert);
    }

    public Rule oif(String name) {
        return new Rule(ipv6, from, fromLength, to, toLength, inputInterface, name, fwmark, fwmask, priority, table, action, invert);
    }

    public Rule fwmark(long mark, long mask) {
        return new Rule(ipv6, from, fromLength, to, toLength, inputInterface, outputInterface, mark, mask, priority, table, action, invert);
    }

    public Rule priority(int newPriority) {
        return new Rule(ipv6, from, fromLength, to, toLength, inputInterface, outputInterface, fwmark, fwmask, newPriority, table, action, invert);
    }

    public Rule action(int newAction) {
        return new Rule(ipv6, from, fromLength, to, toLength, inputInterface, outputInterface, fwmark, fwmask, priority,
                newAction == FR_ACT_TO_TBL ? table : 0, newAction, invert);
    }

    /** ip rule's "not": the rule applies to what does not match its selectors. */
    public Rule not() {
        return new Rule(ipv6, from, fromLength, to, toLength, inputInterface, outputInterface, fwmark, fwmask, priority, table, action, true);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(ipv6 ? "inet6" : "inet");
        if (priority != UNSET) {
            sb.append(" priority ").append(priority);
        }
        if (invert) {
            sb.append(" not");
        }
        sb.append(" from ").append(from == null ? "all" : from.getHostAddress() + "/" + fromLength);
        if (to != null) {
            sb.append(" to ").append(to.getHostAddress()).append('/').append(toLength);
        }
        if (fwmark != UNSET) {
            sb.append(" fwmark ").append(fwmark);
            if (fwmask != UNSET) {
                sb.append('/').append(fwmask);
            }
        }
        if (inputInterface != null) {
            sb.append(" iif ").append(inputInterface);
        }
        if (outputInterface != null) {
            sb.append(" oif ").append(outputInterface);
        }
        sb.append(action == FR_ACT_TO_TBL ? " lookup " + table : " action " + action);
        return sb.toString();
    }
}
