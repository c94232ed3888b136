package halo.lvs.nft;

import static halo.lvs.nft.Samples.RULESET;
import static halo.lvs.nft.Samples.service;
import static halo.lvs.nft.Samples.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsTimeouts;
import halo.lvs.Persistence;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceFlag;
import halo.lvs.ServiceKey;
import halo.lvs.sched.Destination;
import halo.lvs.sched.MaglevHashing;
import halo.lvs.sched.SourceHashing;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The nftables ruleset as text: what each scheduler, forwarding method and persistence writes, and what a change rewrites. */
class NftRulesetTest {

    @Test
    void natWrrIsTheKernelsSequenceOverOneCycleAsANumgenMap() {
        String text = NftLayout.render(RULESET.layout(List.of(
                service(1, SchedulingMethod.WRR, ForwardingMethod.NAT, 4, 3, 2))).tables().getFirst());
        assertThat(text).isEqualTo("""
                table inet halo_lvs {
                	counter s1_d0_conn {
                	}
                	counter s1_d0_in {
                	}
                	counter s1_d0_out {
                	}
                	counter s1_d1_conn {
                	}
                	counter s1_d1_in {
                	}
                	counter s1_d1_out {
                	}
                	counter s1_d2_conn {
                	}
                	counter s1_d2_in {
                	}
                	counter s1_d2_out {
                	}
                	map s1_sched {
                		typeof numgen inc mod 2 : verdict
                		flags interval
                		elements = { 0-1 : goto s1_d0,
                			2 : goto s1_d1,
                			3 : goto s1_d0,
                			4 : goto s1_d1,
                			5 : goto s1_d2,
                			6 : goto s1_d0,
                			7 : goto s1_d1,
                			8 : goto s1_d2 }
                	}
                	chain s1_d0 {
                		counter name "s1_d0_conn"
                		meta l4proto tcp dnat ip to 192.0.2.21:80
                	}
                	chain s1_d1 {
                		counter name "s1_d1_conn"
                		meta l4proto tcp dnat ip to 192.0.2.22:80
                	}
                	chain s1_d2 {
                		counter name "s1_d2_conn"
                		meta l4proto tcp dnat ip to 192.0.2.23:80
                	}
                	chain s1_pick {
                		numgen inc mod 9 vmap @s1_sched
                	}
                	chain s1 {
                		jump s1_pick
                		reject with icmpx type port-unreachable
                	}
                	chain s1_count {
                		ct reply ip saddr 192.0.2.21 meta l4proto tcp ct reply proto-src 80 ct direction original counter name "s1_d0_in"
                		ct reply ip saddr 192.0.2.21 meta l4proto tcp ct reply proto-src 80 ct direction reply counter name "s1_d0_out"
                		ct reply ip saddr 192.0.2.22 meta l4proto tcp ct reply proto-src 80 ct direction original counter name "s1_d1_in"
                		ct reply ip saddr 192.0.2.22 meta l4proto tcp ct reply proto-src 80 ct direction reply counter name "s1_d1_out"
                		ct reply ip saddr 192.0.2.23 meta l4proto tcp ct reply proto-src 80 ct direction original counter name "s1_d2_in"
                		ct reply ip saddr 192.0.2.23 meta l4proto tcp ct reply proto-src 80 ct direction reply counter name "s1_d2_out"
                	}
                	ct timeout tcp4_900_120 {
                		protocol tcp
                		l3proto ip
                		policy = { established: 900, fin_wait: 120 }
                	}
                	chain nat_timeouts {
                		type filter hook prerouting priority mangle; policy accept;
                		ip daddr 192.0.2.100 tcp dport 80 ct timeout set "tcp4_900_120"
                	}
                	chain nat_prerouting {
                		type nat hook prerouting priority dstnat; policy accept;
                		ip daddr 192.0.2.100 tcp dport 80 goto s1
                	}
                	chain nat_output {
                		type nat hook output priority -100; policy accept;
                		ip daddr 192.0.2.100 tcp dport 80 goto s1
                	}
                	chain count_forward {
                		type filter hook forward priority filter; policy accept;
                		meta l4proto tcp ct original ip daddr 192.0.2.100 ct original proto-dst 80 jump s1_count
                	}
                	chain nat_input {
                		type filter hook input priority filter; policy accept;
                		ip daddr 192.0.2.100 tcp dport 80 ct state invalid drop
                	}
                }
                """);
    }

    @Test
    void natConnectionsGetIpvsTimeoutsAsConntrackTimeoutPoliciesAndASetAddsNewOnes() {
        NftRuleset ruleset = new NftRuleset(a -> "eth0");
        ServiceKey udp = new ServiceKey.Inet(Samples.ip("192.0.2.100"), 53, halo.lvs.Protocol.UDP);
        List<NftRuleset.PlacedService> services = List.of(
                service(1, SchedulingMethod.RR, ForwardingMethod.NAT, 1, 1),
                service(2, Samples.tcp("2001:db8::100", 80), SchedulingMethod.RR, Set.of(), null, ForwardingMethod.NAT, 1),
                service(3, udp, SchedulingMethod.RR, Set.of(), null, ForwardingMethod.NAT, 1),
                service(4, new ServiceKey.Fwmark(7, false), SchedulingMethod.RR, Set.of(), null, ForwardingMethod.NAT, 1),
                service(5, Samples.tcp("192.0.2.100", 81), SchedulingMethod.RR, Set.of(), null, ForwardingMethod.NAT, 1));
        assertThat(ruleset.natTimeouts(services)).containsExactly(
                new NftLayout.CtTimeout("tcp4_900_120", List.of("protocol tcp", "l3proto ip",
                        "policy = { established: 900, fin_wait: 120 }")),
                new NftLayout.CtTimeout("tcp6_900_120", List.of("protocol tcp", "l3proto ip6",
                        "policy = { established: 900, fin_wait: 120 }")),
                new NftLayout.CtTimeout("udp4_300", List.of("protocol udp", "l3proto ip",
                        "policy = { unreplied: 300, replied: 300 }")),
                // the firewall-mark service has none: its mark is set after the chain has run
                new NftLayout.Chain("nat_timeouts", "type filter hook prerouting priority mangle; policy accept;", List.of(
                        "ip daddr 192.0.2.100 tcp dport 80 ct timeout set \"tcp4_900_120\"",
                        "ip6 daddr 2001:db8:0:0:0:0:0:100 tcp dport 80 ct timeout set \"tcp6_900_120\"",
                        "ip daddr 192.0.2.100 udp dport 53 ct timeout set \"udp4_300\"",
                        "ip daddr 192.0.2.100 tcp dport 81 ct timeout set \"tcp4_900_120\"")));

        // --set 30 10 0: new policies under new names, the chain refilled
        NftLayout before = ruleset.layout(services);
        ruleset.timeouts(new halo.lvs.IpvsTimeouts(30, 10, 300));
        String change = ruleset.layout(services).changesFrom(before);
        assertThat(change.lines()).contains(
                "add ct timeout inet halo_lvs tcp4_30_10 { protocol tcp; l3proto ip; policy = { established: 30, fin_wait: 10 }; }",
                "flush chain inet halo_lvs nat_timeouts",
                "add rule inet halo_lvs nat_timeouts ip daddr 192.0.2.100 tcp dport 80 ct timeout set \"tcp4_30_10\"",
                "add ct timeout inet halo_lvs tcp6_30_10 { protocol tcp; l3proto ip6; policy = { established: 30, fin_wait: 10 }; }");
        // the old policies stay (the kernel would take them off the connections that have them), unused
        assertThat(change).as("UDP's policy did not change; no policy is deleted").doesNotContain("udp4_300 {")
                .doesNotContain("delete ct timeout");
        NftLayout after = ruleset.layout(services);
        assertThat(after.tables().getFirst().objects()).filteredOn(o -> o instanceof NftLayout.CtTimeout)
                .extracting(NftLayout.NftObject::name)
                .containsExactlyInAnyOrder("tcp4_30_10", "tcp6_30_10", "udp4_300", "tcp4_900_120", "tcp6_900_120");
        assertThat(NftLayout.render(after.tables().getFirst())).doesNotContain("ct timeout set \"tcp4_900_120\"");
    }

    @Test
    void rrTakesTheServersWithWeightInListOrderAndNoServerRejectsAsIpvsDoes() {
        assertThat(chain("s1", service(1, SchedulingMethod.RR, ForwardingMethod.NAT, 1, 0, 5))).containsExactly(
                "jump s1_pick", "reject with icmpx type port-unreachable");
        assertThat(chain("s1_pick", service(1, SchedulingMethod.RR, ForwardingMethod.NAT, 1, 0, 5)))
                .containsExactly("numgen inc mod 2 vmap @s1_sched");
        assertThat(elements("s1_sched", service(1, SchedulingMethod.RR, ForwardingMethod.NAT, 1, 0, 5)))
                .containsExactly("0 : goto s1_d0", "1 : goto s1_d2");
        // every server quiesced: no schedule rule at all, ICMP port unreachable (ip_vs_leave)
        assertThat(chain("s1_pick", service(1, SchedulingMethod.WRR, ForwardingMethod.NAT, 0, 0))).isEmpty();
        assertThat(chain("s1", service(1, SchedulingMethod.WRR, ForwardingMethod.NAT, 0, 0))).containsExactly(
                "jump s1_pick", "reject with icmpx type port-unreachable");
        assertThat(elements("s1_sched", service(1, SchedulingMethod.WRR, ForwardingMethod.NAT, 0, 0))).isEmpty();
    }

    @Test
    void shIsTheKernels256BucketTableIndexedBySeededJhashOfAddressAndPort() {
        NftRuleset.PlacedService s = service(1, tcp("192.0.2.100", 80), SchedulingMethod.SH,
                Set.of(ServiceFlag.SCHED2), null, ForwardingMethod.NAT, 2, 1);
        assertThat(chain("s1_pick", s)).containsExactly(
                "meta l4proto tcp jhash ip saddr . th sport mod 256 seed 0x48616c6f vmap @s1_sched");
        // ip_vs_sh_reassign: each server takes weight-many consecutive buckets, round and round
        List<String> e = elements("s1_sched", s);
        assertThat(e).hasSize(171).startsWith("0-1 : goto s1_d0", "2 : goto s1_d1", "3-4 : goto s1_d0")
                .endsWith("252-253 : goto s1_d0", "254 : goto s1_d1", "255 : goto s1_d0");
        assertThat(e).isEqualTo(expand(kernelSh(2, 1), "s1"));

        // a quiesced server keeps its buckets, which then have no server (no sh-fallback) ...
        NftRuleset.PlacedService quiesced = service(1, tcp("192.0.2.100", 80), SchedulingMethod.SH, Set.of(), null,
                ForwardingMethod.NAT, 2, 0);
        assertThat(chain("s1_pick", quiesced)).containsExactly("jhash ip saddr mod 256 seed 0x48616c6f vmap @s1_sched");
        assertThat(elements("s1_sched", quiesced)).startsWith("0-1 : goto s1_d0", "3-4 : goto s1_d0").hasSize(86);
        // ... or, with sh-fallback, the next bucket's server
        NftRuleset.PlacedService fallback = service(1, tcp("192.0.2.100", 80), SchedulingMethod.SH,
                Set.of(ServiceFlag.SCHED1), null, ForwardingMethod.NAT, 2, 0, 1);
        assertThat(elements("s1_sched", fallback)).startsWith("0-1 : goto s1_d0", "2-3 : goto s1_d2",
                "4-5 : goto s1_d0");
    }

    @Test
    void dhIndexesTheDestinationAddress() {
        NftRuleset.PlacedService s = service(1, SchedulingMethod.DH, ForwardingMethod.NAT, 5, 1);
        assertThat(chain("s1_pick", s)).containsExactly("jhash ip daddr mod 256 seed 0x48616c6f vmap @s1_sched");
        // one bucket each whatever the weight
        assertThat(elements("s1_sched", s)).hasSize(256).startsWith("0 : goto s1_d0", "1 : goto s1_d1");
    }

    @Test
    void mhIsTheKernelsMaglevTableOf4093EntriesAndAQuiescedServerKeepsItsEntriesEmpty() {
        NftRuleset.PlacedService s = service(1, SchedulingMethod.MH, ForwardingMethod.DR, 1, 1, 2);
        assertThat(chain("s1_pick", s)).contains("jhash ip saddr mod 4093 seed 0x48616c6f vmap @s1_sched");
        MaglevHashing mh = new MaglevHashing(0);
        mh.update(destinations(1, 1, 2));
        assertThat(elements("s1_sched", s)).isEqualTo(expand(mh.lookupTable(), "s1"));

        // weight 0 with the last weight kept (as the plane tracks it): the same table, the server's entries gone
        List<NftRuleset.PlacedDestination> ds = new ArrayList<>(s.destinations());
        NftRuleset.PlacedDestination third = ds.get(2);
        ds.set(2, new NftRuleset.PlacedDestination(2, third.destination().withWeight(0), 2));
        NftRuleset.PlacedService quiesced = new NftRuleset.PlacedService(1, s.service(), ds);
        int[] table = mh.lookupTable();
        for (int i = 0; i < table.length; i++) if (table[i] == 2) table[i] = -1;
        assertThat(elements("s1_sched", quiesced)).isEqualTo(expand(table, "s1"));
    }

    @Test
    void persistenceIsOneTimedSetPerServerKeyedByTheMaskedClientAddress() {
        NftRuleset.PlacedService s = service(1, tcp("192.0.2.100", 80), SchedulingMethod.RR, Set.of(),
                new Persistence(50, 0xffffff00), ForwardingMethod.NAT, 1, 1);
        String text = NftLayout.render(RULESET.layout(List.of(s)).tables().getFirst());
        assertThat(text).contains("""
                	set s1_d0_p {
                		type ipv4_addr
                		flags dynamic,timeout
                		timeout 50s
                	}
                """);
        assertThat(chain("s1", s)).containsExactly(
                "ip saddr & 255.255.255.0 @s1_d0_p goto s1_d0",
                "ip saddr & 255.255.255.0 @s1_d1_p goto s1_d1",
                "jump s1_pick",
                "reject with icmpx type port-unreachable");
        assertThat(chain("s1_pick", s)).containsExactly("numgen inc mod 2 vmap @s1_sched");
        assertThat(chain("s1_d1", s)).containsExactly(
                "counter name \"s1_d1_conn\" update @s1_d1_p { ip saddr & 255.255.255.0 }",
                "meta l4proto tcp dnat ip to 192.0.2.22:80");
        // every packet of the client's connections keeps the entry alive
        assertThat(chain("s1_count", s)).contains("ct reply ip saddr 192.0.2.22 meta l4proto tcp ct reply proto-src 80"
                + " ct direction original counter name \"s1_d1_in\" update @s1_d1_p { ip saddr & 255.255.255.0 }");
        // IPv6: a prefix length
        NftRuleset.PlacedService v6 = service(2, tcp("2001:db8::100", 443), SchedulingMethod.RR, Set.of(),
                new Persistence(300, 64), ForwardingMethod.NAT, 1);
        assertThat(chain("s2", v6)).first().isEqualTo("ip6 saddr & ffff:ffff:ffff:ffff:: @s2_d0_p goto s2_d0");
        assertThat(chain("s2_d0", v6)).last().isEqualTo("meta l4proto tcp dnat ip6 to [2001:db8::21]:80");
    }

    @Test
    void drForwardsInTheIngressHookOnlyFramesForThisHostAndHashesFlowsWithTheFixedSeed() {
        String text = NftLayout.render(RULESET.layout(List.of(
                service(1, SchedulingMethod.WRR, ForwardingMethod.DR, 3, 1))).tables().getFirst());
        assertThat(text).startsWith("table netdev halo_lvs {\n").contains("""
                	map s1_sched {
                		typeof numgen inc mod 2 : verdict
                		flags interval
                		elements = { 0-2 : goto s1_d0,
                			3 : goto s1_d1 }
                	}
                	chain s1_d0 {
                		tcp flags & (syn | ack) == syn delete @s1_closing { ip saddr . th sport }
                		tcp flags & (fin | rst) != 0 update @s1_closing { ip saddr . th sport timeout 120s }
                		meta l4proto tcp ip saddr . th sport @s1_closing update @s1_d0_f { ip saddr . th sport timeout 120s }
                		meta l4proto tcp ip saddr . th sport != @s1_closing update @s1_d0_f { ip saddr . th sport timeout 900s }
                		tcp flags & (syn | ack) == syn counter name "s1_d0_conn"
                		counter name "s1_d0_in"
                		fwd ip to 192.0.2.21 device "eth0"
                	}
                """).contains("""
                	chain s1_pick {
                		meta l4proto tcp jhash ip saddr . th sport mod 4 seed 0x48616c6f vmap @s1_sched
                	}
                """).contains("""
                	set s1_d1_f {
                		type ipv4_addr . inet_service
                		flags dynamic,timeout
                		size 1048576
                	}
                """).contains("""
                	chain s1 {
                		meta l4proto tcp ip saddr . th sport @s1_d0_f goto s1_d0
                		meta l4proto tcp ip saddr . th sport @s1_d1_f goto s1_d1
                		jump s1_pick
                		reject with icmpx type port-unreachable
                	}
                	chain ingress_eth0 {
                		type filter hook ingress device "eth0" priority filter; policy accept;
                		meta pkttype host ip daddr 192.0.2.100 tcp dport 80 goto s1
                	}
                }
                """).contains("""
                	set s1_closing {
                		type ipv4_addr . inet_service
                		flags dynamic,timeout
                		size 1048576
                	}
                """).doesNotContain("_out").doesNotContain("numgen inc mod 4");
    }

    @Test
    void drFlowsOfUdpFwmarkAndIpv6ServicesAreKeyedAndTimedAsIpvsDoesAndTheTimeoutsCanBeSet() {
        NftRuleset ruleset = new NftRuleset(a -> "eth0");
        NftRuleset.PlacedService udp = service(1, new ServiceKey.Inet(Samples.ip("192.0.2.100"), 53,
                halo.lvs.Protocol.UDP), SchedulingMethod.RR, Set.of(), null, ForwardingMethod.DR, 1);
        NftRuleset.PlacedService mark = service(2, new ServiceKey.Fwmark(7, false), SchedulingMethod.RR, Set.of(),
                null, ForwardingMethod.DR, 1);
        NftRuleset.PlacedService v6 = service(3, tcp("2001:db8::100", 80), SchedulingMethod.RR, Set.of(), null,
                ForwardingMethod.DR, 1);
        ruleset.timeouts(new IpvsTimeouts(60, 10, 20));
        String text = NftLayout.render(ruleset.layout(List.of(udp, mark, v6)).tables().getFirst());
        assertThat(text).contains("""
                	chain s1_d0 {
                		meta l4proto udp update @s1_d0_f { ip saddr . th sport timeout 20s }
                		counter name "s1_d0_in"
                """).doesNotContain("s1_closing").contains("""
                	set s2_d0_f {
                		type ipv4_addr . inet_service . ipv4_addr . inet_service
                """).contains("""
                	chain s2_d0 {
                		tcp flags & (syn | ack) == syn delete @s2_closing { ip saddr . th sport . ip daddr . th dport }
                		tcp flags & (fin | rst) != 0 update @s2_closing { ip saddr . th sport . ip daddr . th dport timeout 10s }
                		meta l4proto tcp ip saddr . th sport . ip daddr . th dport @s2_closing update @s2_d0_f { ip saddr . th sport . ip daddr . th dport timeout 10s }
                		meta l4proto tcp ip saddr . th sport . ip daddr . th dport != @s2_closing update @s2_d0_f { ip saddr . th sport . ip daddr . th dport timeout 60s }
                		meta l4proto udp update @s2_d0_f { ip saddr . th sport . ip daddr . th dport timeout 20s }
                		meta l4proto sctp update @s2_d0_f { ip saddr . th sport . ip daddr . th dport timeout 60s }
                """).contains("""
                	chain s2 {
                		meta l4proto { tcp, udp, sctp } ip saddr . th sport . ip daddr . th dport @s2_d0_f goto s2_d0
                """).contains("""
                	set s3_d0_f {
                		type ipv6_addr . inet_service
                """).contains("""
                	chain s3 {
                		meta l4proto tcp ip6 saddr . th sport @s3_d0_f goto s3_d0
                """);
    }

    @Test
    void tunMarksEveryPacketOfAFlowForPolicyRoutingIntoATunnelPerRealServer() {
        List<NftRuleset.PlacedService> services = List.of(service(3, SchedulingMethod.RR, ForwardingMethod.TUN, 1, 1));
        String text = NftLayout.render(RULESET.layout(services).tables().getFirst());
        // the director sees only the client's side of a connection: no conntrack, flow sets as DR's
        assertThat(text).contains("""
                	chain s3_d1 {
                		tcp flags & (syn | ack) == syn delete @s3_closing { ip saddr . th sport }
                		tcp flags & (fin | rst) != 0 update @s3_closing { ip saddr . th sport timeout 120s }
                		meta l4proto tcp ip saddr . th sport @s3_closing update @s3_d1_f { ip saddr . th sport timeout 120s }
                		meta l4proto tcp ip saddr . th sport != @s3_closing update @s3_d1_f { ip saddr . th sport timeout 900s }
                		tcp flags & (syn | ack) == syn counter name "s3_d1_conn"
                		counter name "s3_d1_in"
                		meta mark set 0x48003001 accept
                	}
                """).contains("""
                	chain s3_pick {
                		meta l4proto tcp jhash ip saddr . th sport mod 2 seed 0x48616c6f vmap @s3_sched
                	}
                	chain s3 {
                		meta l4proto tcp ip saddr . th sport @s3_d0_f goto s3_d0
                		meta l4proto tcp ip saddr . th sport @s3_d1_f goto s3_d1
                		jump s3_pick
                		reject with icmpx type port-unreachable
                	}
                """).contains("""
                	chain tun_prerouting {
                		type filter hook prerouting priority raw; policy accept;
                		ip daddr 192.0.2.100 tcp dport 80 notrack goto s3
                	}
                """).doesNotContain("nat_prerouting").doesNotContain("nat_output").doesNotContain("ct mark");
        assertThat(RULESET.tunnelRoutes(services)).containsExactly(
                new NftRuleset.TunnelRoute(0x48003000, 0x48003000, Samples.ip("192.0.2.21"), "halot003000"),
                new NftRuleset.TunnelRoute(0x48003001, 0x48003001, Samples.ip("192.0.2.22"), "halot003001"));
    }

    @Test
    void fwmarkServicesMatchTheMarkAndNatKeepsTheRealServersPort() {
        NftRuleset.PlacedService s = service(4, new ServiceKey.Fwmark(7, false), SchedulingMethod.RR, Set.of(), null,
                ForwardingMethod.NAT, 1);
        assertThat(chain("nat_prerouting", s)).containsExactly("meta mark 0x00000007 meta nfproto ipv4 goto s4");
        // the director's own clients: the same jump in the output hook
        assertThat(chain("nat_output", s)).containsExactly("meta mark 0x00000007 meta nfproto ipv4 goto s4");
        assertThat(chain("count_forward", s)).containsExactly("meta mark 0x00000007 ct status dnat jump s4_count");
        assertThat(chain("s4_d0", s)).last().isEqualTo("meta l4proto { tcp, udp, sctp } dnat ip to 192.0.2.21:80");
        NftRuleset.PlacedService dr = service(5, new ServiceKey.Fwmark(7, true), SchedulingMethod.SH, Set.of(), null,
                ForwardingMethod.DR, 1);
        assertThat(chain("ingress_eth0", dr)).containsExactly(
                "meta pkttype host meta mark 0x00000007 meta protocol ip6 goto s5");
    }

    @Test
    void aServiceMixingForwardingMethodsIsRefused() {
        NftRuleset.PlacedService s = service(1, SchedulingMethod.RR, ForwardingMethod.NAT, 1);
        IpvsDestination dr = IpvsDestination.of(new DestinationKey(Samples.ip("192.0.2.30"), 80), ForwardingMethod.DR, 1);
        NftRuleset.PlacedService mixed = new NftRuleset.PlacedService(1, s.service().withDestinations(
                List.of(s.service().destinations().getFirst(), dr)),
                List.of(s.destinations().getFirst(), new NftRuleset.PlacedDestination(1, dr, 1)));
        assertThatThrownBy(() -> RULESET.layout(List.of(mixed))).hasMessage("real servers with different forwarding"
                + " methods (NAT, DR) in one service are not supported by the nftables data plane");
    }

    @Test
    void aWeightChangeRewritesOnlyTheSchedulerAndARemovedServerGoesLastKeepingTheOthersSets() {
        Persistence p = Persistence.of(60, false);
        NftLayout before = RULESET.layout(List.of(service(1, tcp("192.0.2.100", 80), SchedulingMethod.WRR, Set.of(),
                p, ForwardingMethod.NAT, 3, 1, 1)));
        NftLayout weight = RULESET.layout(List.of(service(1, tcp("192.0.2.100", 80), SchedulingMethod.WRR, Set.of(),
                p, ForwardingMethod.NAT, 3, 1, 2)));
        assertThat(weight.changesFrom(before)).isEqualTo("""
                flush map inet halo_lvs s1_sched
                add element inet halo_lvs s1_sched { 0-1 : goto s1_d0, 2 : goto s1_d2, 3 : goto s1_d0, 4 : goto s1_d1, 5 : goto s1_d2 }
                flush chain inet halo_lvs s1_pick
                add rule inet halo_lvs s1_pick numgen inc mod 6 vmap @s1_sched
                """);
        NftRuleset.PlacedService three = service(1, tcp("192.0.2.100", 80), SchedulingMethod.WRR, Set.of(), p,
                ForwardingMethod.NAT, 3, 1, 1);
        NftRuleset.PlacedService withoutSecond = new NftRuleset.PlacedService(1, three.service(),
                List.of(three.destinations().get(0), three.destinations().get(2)));
        String removal = RULESET.layout(List.of(withoutSecond)).changesFrom(before);
        assertThat(removal).startsWith("flush chain inet halo_lvs s1_d1\n")
                .endsWith("""
                        delete chain inet halo_lvs s1_d1
                        delete set inet halo_lvs s1_d1_p
                        delete counter inet halo_lvs s1_d1_conn
                        delete counter inet halo_lvs s1_d1_in
                        delete counter inet halo_lvs s1_d1_out
                        """)
                .doesNotContain("set inet halo_lvs s1_d0_p").doesNotContain("set inet halo_lvs s1_d2_p")
                .doesNotContain("flush set")
                .doesNotContain("delete set inet halo_lvs s1_d0_p").doesNotContain("delete table");
        assertThat(before.changesFrom(before)).isEmpty();
    }

    @Test
    void aParkedServerKeepsItsObjectsOutOfTheSchedulerSoThatItsRemovalAndReturnRewriteOnlyTheScheduler() {
        NftRuleset.PlacedService three = service(1, SchedulingMethod.WRR, ForwardingMethod.DR, 3, 1, 1);
        NftLayout before = RULESET.layout(List.of(three));
        NftRuleset.PlacedService parked = new NftRuleset.PlacedService(1, three.service().withDestinations(List.of(
                three.service().destinations().get(0), three.service().destinations().get(2))),
                List.of(three.destinations().get(0), three.destinations().get(2)),
                List.of(three.destinations().get(1)));
        NftLayout removed = RULESET.layout(List.of(parked));
        assertThat(removed.changesFrom(before)).isEqualTo("""
                flush map netdev halo_lvs s1_sched
                add element netdev halo_lvs s1_sched { 0-2 : goto s1_d0, 3 : goto s1_d2 }
                flush chain netdev halo_lvs s1_pick
                add rule netdev halo_lvs s1_pick meta l4proto tcp jhash ip saddr . th sport mod 4 seed 0x48616c6f \
                vmap @s1_sched
                """);
        // its chain, flow set and counters stay, and so does the rule that sends its known flows to it (the plane
        // empties its flow set at the removal)
        assertThat(chain("s1_d1", parked)).last().isEqualTo("fwd ip to 192.0.2.22 device \"eth0\"");
        assertThat(chain("s1", parked)).contains("meta l4proto tcp ip saddr . th sport @s1_d1_f goto s1_d1");
        // back at the end of the list, as IPVS puts a returning server: the same objects, a new sequence
        NftRuleset.PlacedService back = new NftRuleset.PlacedService(1, three.service().withDestinations(List.of(
                three.service().destinations().get(0), three.service().destinations().get(2),
                three.service().destinations().get(1))), List.of(three.destinations().get(0),
                three.destinations().get(2), three.destinations().get(1)));
        assertThat(RULESET.layout(List.of(back)).changesFrom(removed)).isEqualTo("""
                flush map netdev halo_lvs s1_sched
                add element netdev halo_lvs s1_sched { 0-2 : goto s1_d0, 3 : goto s1_d2, 4 : goto s1_d1 }
                flush chain netdev halo_lvs s1_pick
                add rule netdev halo_lvs s1_pick meta l4proto tcp jhash ip saddr . th sport mod 5 seed 0x48616c6f \
                vmap @s1_sched
                """);
    }

    @Test
    void aResyncReplacesHalosTablesInEveryFamilyAndNothingElse() {
        String text = RULESET.layout(List.of(service(1, SchedulingMethod.RR, ForwardingMethod.DR, 1))).replaceAll();
        assertThat(text).startsWith("""
                add table inet halo_lvs
                delete table inet halo_lvs
                add table netdev halo_lvs
                delete table netdev halo_lvs
                table netdev halo_lvs {
                """);
        assertThat(text.lines().filter(l -> l.startsWith("table ") || l.contains(" table "))).allMatch(
                l -> l.contains(" halo_lvs"));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static List<String> chain(String name, NftRuleset.PlacedService s) {
        for (NftLayout.Table t : RULESET.layout(List.of(s)).tables()) {
            for (NftLayout.NftObject o : t.objects()) {
                if (o instanceof NftLayout.Chain c && c.name().equals(name)) return c.rules();
            }
        }
        throw new AssertionError("no chain " + name);
    }

    private static List<String> elements(String name, NftRuleset.PlacedService s) {
        for (NftLayout.Table t : RULESET.layout(List.of(s)).tables()) {
            for (NftLayout.NftObject o : t.objects()) {
                if (o instanceof NftLayout.Collection c && c.name().equals(name)) return c.elements();
            }
        }
        throw new AssertionError("no map " + name);
    }

    private static List<Destination> destinations(int... weights) {
        List<Destination> out = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            out.add(new Destination(Samples.ip("192.0.2." + (21 + i)), 80, weights[i]));
        }
        return out;
    }

    private static int[] kernelSh(int... weights) {
        SourceHashing sh = new SourceHashing(0);
        sh.update(destinations(weights));
        return sh.lookupTable();
    }

    /** A lookup table as map elements: runs of one server as ranges, empty entries left out. */
    private static List<String> expand(int[] table, String service) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < table.length) {
            int d = table[i];
            int j = i;
            while (j + 1 < table.length && table[j + 1] == d) j++;
            if (d >= 0) out.add((i == j ? "" + i : i + "-" + j) + " : goto " + service + "_d" + d);
            i = j + 1;
        }
        return out;
    }
}
