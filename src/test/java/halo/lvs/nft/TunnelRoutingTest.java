package halo.lvs.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import halo.os.Link;
import halo.os.NativeException;
import halo.os.Route;
import halo.os.Rule;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The routing entries TUN makes on the director, as the rtnetlink requests it sends (over a host that records them):
 * a tunnel, a table and a mark rule per real server, the local rule moved after the mark rules while a tunnel exists
 * and put back when none is left, everything undone on a refusal and removed after a crash.
 */
class TunnelRoutingTest {
    private static final NftRuleset.TunnelRoute RS1 = new NftRuleset.TunnelRoute(0x48003000, 0x48003000,
            Samples.ip("192.0.2.21"), "halot003000");
    private static final NftRuleset.TunnelRoute RS2 = new NftRuleset.TunnelRoute(0x48003001, 0x48003001,
            Samples.ip("192.0.2.22"), "halot003001");

    @Test
    void eachRealServerGetsATunnelATableAndAMarkRuleAndTheLocalRuleMovesAfterThem() throws Exception {
        FakeHost host = new FakeHost();
        TunnelRouting routing = new TunnelRouting(host);
        routing.add(List.of(RS1, RS2));
        assertThat(host.requests).containsExactly(
                "ip link add halot003000 type ipip remote 192.0.2.21 (up, ifindex 10)",
                "ip route add 0.0.0.0/0 ifindex 10 table 1207971840 scope link",
                "ip rule add inet priority 1 from all fwmark 1207971840/4294967295 lookup 1207971840",
                "ip link add halot003001 type ipip remote 192.0.2.22 (up, ifindex 11)",
                "ip route add 0.0.0.0/0 ifindex 11 table 1207971841 scope link",
                "ip rule add inet priority 1 from all fwmark 1207971841/4294967295 lookup 1207971841",
                "ip rule add inet priority 2 from all lookup 255",
                "ip rule del inet priority 0 from all lookup 255");
        assertThat(host.rules).extracting(Rule::toString).containsExactly(
                "inet priority 1 from all fwmark 1207971840/4294967295 lookup 1207971840",
                "inet priority 1 from all fwmark 1207971841/4294967295 lookup 1207971841",
                "inet priority 2 from all lookup 255",
                "inet priority 32766 from all lookup 254",
                "inet priority 32767 from all lookup 253");

        // the same again: nothing to do
        host.requests.clear();
        routing.add(List.of(RS1, RS2));
        assertThat(host.requests).isEmpty();

        // one server goes: its rule and tunnel (its route with it); the last: the local rule back at 0
        routing.retain(List.of(RS2));
        assertThat(host.requests).containsExactly(
                "ip rule del inet priority 1 from all fwmark 1207971840/4294967295 lookup 1207971840",
                "ip link del ifindex 10");
        host.requests.clear();
        routing.retain(List.of());
        assertThat(host.requests).containsExactly(
                "ip rule del inet priority 1 from all fwmark 1207971841/4294967295 lookup 1207971841",
                "ip link del ifindex 11",
                "ip rule add inet priority 0 from all lookup 255",
                "ip rule del inet priority 2 from all lookup 255");
        assertThat(host.rules).extracting(Rule::toString).containsExactly(
                "inet priority 0 from all lookup 255",
                "inet priority 32766 from all lookup 254",
                "inet priority 32767 from all lookup 253");
        assertThat(host.links).isEmpty();
    }

    @Test
    void aKernelWithoutIpipRefusesAndWhatTheCallMadeIsUndone() {
        FakeHost host = new FakeHost();
        host.refuse = "halot003001";
        TunnelRouting routing = new TunnelRouting(host);
        assertThatThrownBy(() -> routing.add(List.of(RS1, RS2))).isInstanceOf(NativeException.class)
                .hasMessageContaining("EOPNOTSUPP");
        assertThat(host.requests).containsExactly(
                "ip link add halot003000 type ipip remote 192.0.2.21 (up, ifindex 10)",
                "ip route add 0.0.0.0/0 ifindex 10 table 1207971840 scope link",
                "ip rule add inet priority 1 from all fwmark 1207971840/4294967295 lookup 1207971840",
                "ip rule del inet priority 1 from all fwmark 1207971840/4294967295 lookup 1207971840",
                "ip link del ifindex 10");
        assertThat(host.rules).extracting(Rule::toString).first().isEqualTo("inet from all lookup 255");
        assertThat(host.links).isEmpty();
        assertThat(routing.made()).isEmpty();
    }

    @Test
    void afterACrashTheTunnelsTheMarkRulesAndTheMovedLocalRuleAreRemovedAndNothingElse() throws Exception {
        FakeHost host = new FakeHost();
        new TunnelRouting(host).add(List.of(RS1));
        Rule users = Rule.lookup(false, 100).fwmark(7, 0xffffffffL).priority(1);
        host.rules.addFirst(users);
        host.links.put("eth0", 2);
        host.requests.clear();
        // a new process: it knows nothing of what the crashed one made
        new TunnelRouting(host).removeAll();
        assertThat(host.requests).containsExactly(
                "ip rule del inet priority 1 from all fwmark 1207971840/4294967295 lookup 1207971840",
                "ip link del ifindex 10",
                "ip rule add inet priority 0 from all lookup 255",
                "ip rule del inet priority 2 from all lookup 255");
        assertThat(host.rules).extracting(Rule::toString).containsExactly(
                "inet priority 0 from all lookup 255",
                users.toString(),
                "inet priority 32766 from all lookup 254",
                "inet priority 32767 from all lookup 253");
        assertThat(host.links).containsOnlyKeys("eth0");
        // and with nothing left, nothing is asked
        host.requests.clear();
        new TunnelRouting(host).removeAll();
        assertThat(host.requests).isEmpty();
    }

    @Test
    void anIpv6RealServerIsRefusedBeforeAnythingIsMade() {
        FakeHost host = new FakeHost();
        NftRuleset.TunnelRoute v6 = new NftRuleset.TunnelRoute(0x48004000, 0x48004000, Samples.ip("2001:db8::21"),
                "halot004000");
        assertThatThrownBy(() -> new TunnelRouting(host).add(List.of(v6))).hasMessage(
                "TUN to an IPv6 real server (2001:db8:0:0:0:0:0:21) needs an ip6ip6 tunnel, which the nftables data"
                        + " plane does not make");
        assertThat(host.requests).isEmpty();
    }

    /** A host with the kernel's default rules (the local one reported without a priority, as the kernel does). */
    private static final class FakeHost implements TunnelRouting.Host {
        final List<String> requests = new ArrayList<>();
        final List<Rule> rules = new ArrayList<>(List.of(Rule.lookup(false, 255),
                Rule.lookup(false, 254).priority(32766), Rule.lookup(false, 253).priority(32767)));
        final Map<String, Integer> links = new LinkedHashMap<>();
        final List<Route> routes = new ArrayList<>();
        String refuse;
        int nextIndex = 10;

        @Override
        public int addTunnel(String name, InetAddress remote) throws NativeException {
            if (name.equals(refuse)) {
                throw NativeException.of("RTM_NEWLINK", 95, "ipip " + name + " (kernel: Unknown device type)");
            }
            int index = nextIndex++;
            links.put(name, index);
            requests.add("ip link add " + name + " type ipip remote " + remote.getHostAddress() + " (up, ifindex "
                    + index + ")");
            return index;
        }

        @Override
        public void removeLink(int index) throws NativeException {
            if (!links.values().remove(index)) throw NativeException.of("RTM_DELLINK", 19, "ifindex " + index);
            routes.removeIf(r -> r.interfaceIndex() == index);
            requests.add("ip link del ifindex " + index);
        }

        @Override
        public List<Link> links() {
            return links.entrySet().stream().map(e -> new Link(e.getValue(), e.getKey(), Link.IFF_UP, null, 1480, 0))
                    .toList();
        }

        @Override
        public void addRoute(Route route) {
            routes.add(route);
            requests.add("ip route add " + route);
        }

        @Override
        public List<Rule> rules() {
            return List.copyOf(rules);
        }

        @Override
        public void addRule(Rule rule) throws NativeException {
            int at = 0;
            while (at < rules.size() && priority(rules.get(at)) <= priority(rule)) at++;
            rules.add(at, rule);
            requests.add("ip rule add " + rule);
        }

        @Override
        public void removeRule(Rule rule) throws NativeException {
            for (Rule r : rules) {
                // as the kernel's rule_find: priority 0 in the request matches any
                boolean samePriority = priority(rule) == 0 || priority(r) == priority(rule);
                if (samePriority && r.table() == rule.table() && r.fwmark() == rule.fwmark()) {
                    rules.remove(r);
                    requests.add("ip rule del " + rule);
                    return;
                }
            }
            throw NativeException.of("RTM_DELRULE", 2, rule.toString());
        }

        private static int priority(Rule r) {
            return r.priority() == Rule.UNSET ? 0 : r.priority();
        }
    }
}
