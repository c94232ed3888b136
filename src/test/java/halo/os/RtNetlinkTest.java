package halo.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import halo.testing.Root;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("root")
class RtNetlinkTest {
    private TwoNamespaces net;
    private RtNetlink rt;
    private int vethA;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Root.isRoot(), "needs root for network namespaces");
        net = new TwoNamespaces("rtnl");
        rt = net.nsA.call(RtNetlink::open);
        vethA = rt.interfaceIndex(TwoNamespaces.A_IF);
    }

    @AfterEach
    void tearDown() {
        if (rt != null) {
            rt.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private String ipJson(String... args) {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "ip";
        cmd[1] = "-j";
        System.arraycopy(args, 0, cmd, 2, args.length);
        return net.inA(cmd);
    }

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void looksUpLinksByNameAndIndexAsIpShowsThem() throws Exception {
        Link link = rt.link(TwoNamespaces.A_IF);
        String json = ipJson("link", "show", "dev", TwoNamespaces.A_IF);
        assertThat(json).contains("\"ifindex\":" + link.index() + ",");
        assertThat(json).contains("\"address\":\"" + link.mac() + "\"");
        assertThat(link.mac()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
        assertThat(link.isUp()).isTrue();
        assertThat(link.isRunning()).isTrue();
        assertThat(link.mtu()).isEqualTo(1500);
        assertThat(rt.link(link.index()).name()).isEqualTo(TwoNamespaces.A_IF);
        assertThat(rt.links()).extracting(Link::name).containsExactlyInAnyOrder("lo", TwoNamespaces.A_IF);
        assertThatThrownBy(() -> rt.link("halo-nope0"))
                .isInstanceOf(NativeException.NoSuchDeviceException.class)
                .hasMessage("RTM_GETLINK dev halo-nope0 failed: ENODEV (No such device)");
    }

    @Test
    void addsListsAndRemovesAnIpv4VipWithLabel() throws Exception {
        HostAddress vip = HostAddress.of(vethA, ip("192.0.2.100"), 32).withLabel("veth-a:vip");
        rt.addAddress(vip);

        List<String> shown = JsonObjects.matching(ipJson("addr", "show", "dev", TwoNamespaces.A_IF),
                "\"local\":\"192.0.2.100\"");
        assertThat(shown).hasSize(1);
        assertThat(shown.getFirst()).contains("\"prefixlen\":32", "\"label\":\"veth-a:vip\"", "\"scope\":\"global\"");
        assertThat(rt.addresses(vethA)).anySatisfy(a -> {
            assertThat(a.address()).isEqualTo(ip("192.0.2.100"));
            assertThat(a.prefixLength()).isEqualTo(32);
            assertThat(a.label()).isEqualTo("veth-a:vip");
        });

        assertThatThrownBy(() -> rt.addAddress(vip))
                .isInstanceOf(NativeException.AlreadyExistsException.class)
                .hasMessageStartingWith("RTM_NEWADDR 192.0.2.100/32 dev veth-a label veth-a:vip")
                .hasMessageEndingWith("failed: EEXIST (File exists)");

        rt.removeAddress(vip);
        assertThat(JsonObjects.matching(ipJson("addr", "show", "dev", TwoNamespaces.A_IF), "\"local\":\"192.0.2.100\""))
                .isEmpty();
        assertThat(rt.addresses(vethA)).noneMatch(a -> a.sameAs(vip));
        assertThatThrownBy(() -> rt.removeAddress(vip))
                .isInstanceOf(NativeException.NotFoundException.class)
                .hasMessageContaining("EADDRNOTAVAIL");
    }

    @Test
    void addingAndRemovingAVipIsOneRequestEachAndOnlyAFailureLooksUpTheInterfaceName() throws Exception {
        // a VIP is added at failover: nothing but the RTM_NEWADDR and its acknowledgement may stand in the way
        HostAddress vip = HostAddress.of(vethA, ip("192.0.2.101"), 32);
        int before = rt.requestsSent();
        rt.addAddress(vip);
        assertThat(rt.requestsSent() - before).as("requests to add").isEqualTo(1);
        before = rt.requestsSent();
        assertThatThrownBy(() -> rt.addAddress(vip)).hasMessageStartingWith("RTM_NEWADDR 192.0.2.101/32 dev veth-a");
        assertThat(rt.requestsSent() - before).as("requests to fail, naming the interface").isEqualTo(2);
        before = rt.requestsSent();
        rt.removeAddress(vip);
        assertThat(rt.requestsSent() - before).as("requests to remove").isEqualTo(1);
    }

    @Test
    void primaryAddressIsTheFirstPrimaryV4AndTheLinkLocalV6() throws Exception {
        rt.addAddress(HostAddress.of(vethA, ip("192.0.2.100"), 32));
        rt.addAddress(HostAddress.of(vethA, ip("192.0.2.50"), 24)); // secondary to 192.0.2.1/24
        rt.addAddress(HostAddress.of(vethA, ip("2001:db8::100"), 128).withNoDad());
        assertThat(rt.addresses(vethA)).anySatisfy(a -> {
            assertThat(a.address()).isEqualTo(ip("192.0.2.50"));
            assertThat(a.flags() & HostAddress.IFA_F_SECONDARY).isNotZero();
        });
        assertThat(rt.primaryAddress(vethA, false)).isEqualTo(ip("192.0.2.1"));
        InetAddress linkLocal = rt.primaryAddress(vethA, true);
        assertThat(linkLocal.isLinkLocalAddress()).isTrue();
        String shown = net.inA("ip", "-6", "-br", "addr", "show", "dev", TwoNamespaces.A_IF, "scope", "link");
        assertThat(ip(shown.replaceAll("(?s).*\\s(fe80:[0-9a-f:]+)/64.*", "$1")).getAddress())
                .isEqualTo(linkLocal.getAddress());
    }

    @Test
    void addsAnIpv6VipWithoutDad() throws Exception {
        HostAddress vip = HostAddress.of(vethA, ip("2001:db8::100"), 128).withNoDad();
        rt.addAddress(vip);
        List<String> shown = JsonObjects.matching(ipJson("addr", "show", "dev", TwoNamespaces.A_IF),
                "\"local\":\"2001:db8::100\"");
        assertThat(shown).hasSize(1);
        assertThat(shown.getFirst()).contains("\"prefixlen\":128", "\"nodad\":true").doesNotContain("tentative");
        assertThat(rt.addresses(vethA)).anySatisfy(a -> {
            assertThat(a.address()).isEqualTo(ip("2001:db8::100"));
            assertThat(a.flags() & HostAddress.IFA_F_NODAD).isNotZero();
        });
        rt.removeAddress(vip);
        assertThat(JsonObjects.matching(ipJson("addr", "show", "dev", TwoNamespaces.A_IF), "\"local\":\"2001:db8::100\""))
                .isEmpty();
    }

    @Test
    void addsAnAddressWithBroadcastAndScope() throws Exception {
        HostAddress a = HostAddress.of(vethA, ip("198.51.100.10"), 24).withBroadcast(ip("198.51.100.255"))
                .withScope(Scope.parse("link"));
        rt.addAddress(a);
        List<String> shown = JsonObjects.matching(ipJson("addr", "show", "dev", TwoNamespaces.A_IF),
                "\"local\":\"198.51.100.10\"");
        assertThat(shown).singleElement().asString()
                .contains("\"prefixlen\":24", "\"broadcast\":\"198.51.100.255\"", "\"scope\":\"link\"");
        rt.removeAddress(a);
        assertThat(JsonObjects.matching(ipJson("addr"), "\"local\":\"198.51.100.10\"")).isEmpty();
    }

    @Test
    void addingOnAMissingInterfaceIsNoSuchDevice() throws Exception {
        HostAddress a = HostAddress.of(9999, ip("192.0.2.77"), 32);
        assertThatThrownBy(() -> rt.addAddress(a))
                .isInstanceOf(NativeException.NoSuchDeviceException.class)
                .hasMessageContaining("ENODEV");
    }

    @Test
    void monitorReportsLinkDownAndAnAddressRemovedBehindOurBack() throws Exception {
        HostAddress vip = HostAddress.of(vethA, ip("192.0.2.100"), 32);
        rt.addAddress(vip);
        try (NetlinkMonitor monitor = net.nsA.call(NetlinkMonitor::open); Poller poller = new Poller(2)) {
            poller.register(monitor);
            net.inA("ip", "link", "set", TwoNamespaces.A_IF, "down");
            List<HostEvent> events = new ArrayList<>();
            collectUntil(poller, monitor, events, e -> e instanceof HostEvent.LinkChanged l
                    && l.link().name().equals(TwoNamespaces.A_IF) && !l.link().isUp());
            assertThat(events).anySatisfy(e -> {
                assertThat(e).isInstanceOf(HostEvent.LinkChanged.class);
                Link l = ((HostEvent.LinkChanged) e).link();
                assertThat(l.index()).isEqualTo(vethA);
                assertThat(l.isRunning()).isFalse();
            });

            net.inA("ip", "link", "set", TwoNamespaces.A_IF, "up");
            events.clear();
            // Carrier loss (the peer's end goes down): still UP, no longer RUNNING: track_interface's FAULT.
            net.inB("ip", "link", "set", TwoNamespaces.B_IF, "down");
            collectUntil(poller, monitor, events, e -> e instanceof HostEvent.LinkChanged l
                    && l.link().index() == vethA && l.link().isUp() && !l.link().isRunning());
            net.inB("ip", "link", "set", TwoNamespaces.B_IF, "up");
            collectUntil(poller, monitor, events, e -> e instanceof HostEvent.LinkChanged l
                    && l.link().index() == vethA && l.link().isRunning());

            rt.addAddress(HostAddress.of(vethA, ip("2001:db8::100"), 128).withNoDad());
            net.inA("ip", "addr", "del", "192.0.2.100/32", "dev", TwoNamespaces.A_IF);
            net.inA("ip", "addr", "del", "2001:db8::100/128", "dev", TwoNamespaces.A_IF);
            events.clear();
            collectUntil(poller, monitor, events, e -> e instanceof HostEvent.AddressRemoved r
                    && r.address().address().getHostAddress().equals("192.0.2.100"));
            HostEvent.AddressRemoved removed = events.stream().filter(e -> e instanceof HostEvent.AddressRemoved r
                    && r.address().sameAs(vip)).map(HostEvent.AddressRemoved.class::cast).findFirst().orElseThrow();
            assertThat(removed.address().interfaceIndex()).isEqualTo(vethA);
            collectUntil(poller, monitor, events, e -> e instanceof HostEvent.AddressRemoved r
                    && r.address().address().getHostAddress().equals("2001:db8:0:0:0:0:0:100")
                    && r.address().prefixLength() == 128);
        }
    }

    static void collectUntil(Poller poller, NetlinkMonitor monitor, List<HostEvent> events,
                             java.util.function.Predicate<HostEvent> done) throws Exception {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline) {
            poller.poll(deadline - System.nanoTime());
            monitor.drain(events::add);
            if (events.stream().anyMatch(done)) {
                return;
            }
        }
        throw new AssertionError("expected event not seen in 3 s; saw " + events);
    }

    @Test
    void addsListsAndRemovesRoutes() throws Exception {
        Route viaGateway = Route.to(ip("198.51.100.0"), 24).via(ip("192.0.2.2")).dev(vethA).table(100).metric(50);
        Route withSource = Route.to(ip("203.0.113.0"), 25).dev(vethA).src(ip("192.0.2.1")).scope(Scope.LINK).table(100);
        Route blackhole = Route.to(ip("203.0.113.128"), 25).type(Route.RTN_BLACKHOLE).table(100);
        Route v6 = Route.to(ip("2001:db8:1::"), 64).via(ip("2001:db8::2")).dev(vethA).table(100);
        for (Route r : List.of(viaGateway, withSource, blackhole, v6)) {
            rt.addRoute(r);
        }
        String json = ipJson("route", "show", "table", "100");
        assertThat(JsonObjects.matching(json, "\"dst\":\"198.51.100.0/24\"")).singleElement().asString()
                .contains("\"gateway\":\"192.0.2.2\"", "\"dev\":\"veth-a\"", "\"metric\":50", "\"protocol\":\"keepalived\"");
        assertThat(JsonObjects.matching(json, "\"dst\":\"203.0.113.0/25\"")).singleElement().asString()
                .contains("\"prefsrc\":\"192.0.2.1\"", "\"scope\":\"link\"");
        assertThat(JsonObjects.matching(json, "\"dst\":\"203.0.113.128/25\"")).singleElement().asString()
                .contains("\"type\":\"blackhole\"");
        assertThat(JsonObjects.matching(ipJson("-6", "route", "show", "table", "100"), "\"dst\":\"2001:db8:1::/64\""))
                .singleElement().asString().contains("\"gateway\":\"2001:db8::2\"");
        assertThat(rt.routes(false, 100)).extracting(Route::toString).contains(
                "198.51.100.0/24 via 192.0.2.2 ifindex " + vethA + " table 100 metric 50",
                "blackhole 203.0.113.128/25 table 100");
        assertThat(rt.routes(true, 100)).anySatisfy(r -> assertThat(r.destination()).isEqualTo(ip("2001:db8:1::")));

        assertThatThrownBy(() -> rt.addRoute(viaGateway))
                .isInstanceOf(NativeException.AlreadyExistsException.class)
                .hasMessageStartingWith("RTM_NEWROUTE 198.51.100.0/24 via 192.0.2.2 dev veth-a table 100 metric 50");

        for (Route r : List.of(viaGateway, withSource, blackhole, v6)) {
            rt.removeRoute(r);
        }
        assertThat(JsonObjects.flat(ipJson("route", "show", "table", "100"))).isEmpty();
        assertThat(JsonObjects.flat(ipJson("-6", "route", "show", "table", "100"))).isEmpty();
        assertThatThrownBy(() -> rt.removeRoute(viaGateway)).isInstanceOf(NativeException.NotFoundException.class)
                .hasMessageContaining("ESRCH");
    }

    @Test
    void aGatewayOffTheLinkNeedsOnlink() throws Exception {
        Route offLink = Route.to(ip("198.51.100.128"), 25).via(ip("203.0.113.1")).dev(vethA).table(100);
        assertThatThrownBy(() -> rt.addRoute(offLink))
                .isInstanceOf(NativeException.class)
                .hasMessageContaining("RTM_NEWROUTE 198.51.100.128/25 via 203.0.113.1 dev veth-a table 100")
                .hasMessageContaining("(kernel: ")
                .hasMessageEndingWith("failed: ENETUNREACH (Network is unreachable)");
        rt.addRoute(offLink.withOnlink());
        assertThat(JsonObjects.matching(ipJson("route", "show", "table", "100"), "\"dst\":\"198.51.100.128/25\""))
                .singleElement().asString().contains("\"gateway\":\"203.0.113.1\"", "\"onlink\"");
        assertThat(rt.routes(false, 100)).singleElement().satisfies(r -> assertThat(r.onlink()).isTrue());
        rt.removeRoute(offLink.withOnlink());
        assertThat(JsonObjects.flat(ipJson("route", "show", "table", "100"))).isEmpty();
    }

    @Test
    void addsListsAndRemovesRules() throws Exception {
        Rule from = Rule.lookup(false, 100).from(ip("192.0.2.100"), 32).priority(100);
        Rule mark = Rule.lookup(false, 100).fwmark(7, 0xff).priority(101);
        Rule to = Rule.lookup(false, 200).to(ip("198.51.100.0"), 24).iif("veth-a").priority(102);
        Rule v6 = Rule.lookup(true, 100).from(ip("2001:db8::100"), 128).priority(100);
        Rule not = Rule.lookup(false, 100).from(ip("192.0.2.0"), 24).priority(103).not();
        for (Rule r : List.of(from, mark, to, v6, not)) {
            rt.addRule(r);
        }
        String json = ipJson("rule");
        assertThat(JsonObjects.matching(json, "\"priority\":100,")).singleElement().asString()
                .contains("\"src\":\"192.0.2.100\"", "\"table\":\"100\"");
        assertThat(JsonObjects.matching(json, "\"priority\":101,")).singleElement().asString()
                .contains("\"fwmark\":\"0x7\"", "\"fwmask\":\"0xff\"", "\"table\":\"100\"");
        assertThat(JsonObjects.matching(json, "\"priority\":102,")).singleElement().asString()
                .contains("\"dst\":\"198.51.100.0\"", "\"dstlen\":24", "\"iif\":\"veth-a\"", "\"table\":\"200\"");
        assertThat(JsonObjects.matching(ipJson("-6", "rule"), "\"priority\":100,")).singleElement().asString()
                .contains("\"src\":\"2001:db8::100\"");
        assertThat(net.inA("ip", "rule")).contains("103:\tnot from 192.0.2.0/24 lookup 100");
        assertThat(rt.rules(false)).anySatisfy(r -> assertThat(r).isEqualTo(not));
        assertThat(rt.rules(false)).anySatisfy(r -> {
            assertThat(r.priority()).isEqualTo(101);
            assertThat(r.fwmark()).isEqualTo(7);
            assertThat(r.fwmask()).isEqualTo(0xff);
            assertThat(r.table()).isEqualTo(100);
        });
        assertThatThrownBy(() -> rt.addRule(from)).isInstanceOf(NativeException.AlreadyExistsException.class);

        for (Rule r : List.of(from, mark, to, v6, not)) {
            rt.removeRule(r);
        }
        assertThat(JsonObjects.matching(ipJson("rule"), "\"table\":\"100\"")).isEmpty();
        assertThat(JsonObjects.matching(ipJson("rule"), "\"table\":\"200\"")).isEmpty();
        assertThat(JsonObjects.matching(ipJson("-6", "rule"), "\"table\":\"100\"")).isEmpty();
        assertThatThrownBy(() -> rt.removeRule(from)).isInstanceOf(NativeException.NotFoundException.class);
    }
}
