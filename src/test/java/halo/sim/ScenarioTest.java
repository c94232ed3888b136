package halo.sim;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.vrrp.HostSetup;
import halo.vrrp.InstanceSpec;
import halo.vrrp.TrackerSpec;
import halo.vrrp.VrrpState;
import halo.vrrp.wire.RxCounter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One behaviour per test, on the simulated LAN with the real state machine and codec. Each expected timeline is a
 * table whose times are derived, in the comment above it, from the RFC timer rules as keepalived computes them
 * (microseconds, truncated): v2 Skew_Time = (256 - prio) / 256 s, v3 Skew_Time = (256 - prio) x interval / 256,
 * Master_Down_Interval = 3 x interval + Skew_Time. The LAN has no delay, so the times are exactly the protocol's.
 *
 * <p>Two nodes unless said otherwise: node1 (192.0.2.1) and node2 (192.0.2.2), VRRPv2, advert_int 1 s.
 * node1 priority 150: Skew 414.062 ms, MDI 3414.062 ms. node2 priority 100: Skew 609.375 ms, MDI 3609.375 ms.
 */
class ScenarioTest {
    static final long MS = 1_000_000L;
    static final long S = 1_000 * MS;

    static InstanceSpec.Builder vi1(int priority) {
        return InstanceSpec.builder("VI_1", 50).interfaceName("eth0").priority(priority)
                .advertInterval(Duration.ofSeconds(1)).virtualIpAddress("192.0.2.100");
    }

    static SimulatedLan.Builder lan() {
        return SimulatedLan.builder(1).link(LinkModel.CLEAN.withDelay(0, 0));
    }

    static SimulatedLan twoNodes(InstanceSpec.Builder node1, InstanceSpec.Builder node2) {
        return lan().node("node1", HostSetup.of(node1.build())).node("node2", HostSetup.of(node2.build())).build();
    }

    static void assertTimeline(SimulatedLan lan, String expected) {
        assertThat(TimelineTable.of(lan.timeline().transitions())).isEqualTo(TimelineTable.normalize(expected));
    }

    static ScriptedEvent at(String text) {
        return ScriptedEvent.parse(text);
    }

    @Test
    void electionHigherPriorityBecomesMaster() {
        SimulatedLan lan = twoNodes(vi1(150), vi1(100));
        lan.runUntil(10 * S);
        // Both start BACKUP; node1's down timer runs out first (3414.062 ms); its advert resets node2's.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                3414.062   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                """);
        assertThat(lan.addressesHeld("node1")).containsExactly("VI_1");
        assertThat(lan.addressesHeld("node2")).isEmpty();
        // Adverts went through the codec both ways: node2 accepted node1's 7 adverts (3.4 s .. 9.4 s).
        assertThat(lan.advertsReceived("node2")).isEqualTo(7);
    }

    @Test
    void crashV2TakeoverAfterExactlyMasterDownIntervalFromLastAdvert() {
        SimulatedLan lan = twoNodes(vi1(150), vi1(100));
        lan.schedule(at("10s crash node1"));
        lan.runUntil(20 * S);
        // node1 adverts at 3414.062 + k s; the last one before the crash is at 9414.062.
        // node2 takes over at 9414.062 + 3609.375 = 13023.437 ms, within MDI (3609.375 ms) of the crash.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                3414.062   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                10000      node1  VI_1     MASTER  DOWN    node crashed
                13023.437  node2  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                """);
    }

    @Test
    void crashV3OverIpv6TakeoverAfterExactlyMasterDownInterval() {
        // VRRPv3 over IPv6, advert_int 0.5 s (50 cs). keepalived: Skew = (256 - prio) x 50 x 625 / 16 us.
        // node1 150: Skew 207.031 ms, MDI 1707.031 ms. node2 100: Skew 304.687 ms, MDI 1804.687 ms.
        InstanceSpec.Builder v3 = InstanceSpec.builder("VI_6", 60).ipv6(true).interfaceName("eth0")
                .advertInterval(Duration.ofMillis(500)).virtualIpAddress("2001:db8::100");
        SimulatedLan lan = twoNodes(v3.priority(150), InstanceSpec.builder("VI_6", 60).ipv6(true)
                .interfaceName("eth0").advertInterval(Duration.ofMillis(500)).virtualIpAddress("2001:db8::100")
                .priority(100));
        lan.schedule(at("5s crash node1"));
        lan.runUntil(10 * S);
        // node1 adverts at 1707.031 + k x 500 ms; last before 5 s: 4707.031. node2: 4707.031 + 1804.687 = 6511.718.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_6     INIT    BACKUP  startup
                0          node2  VI_6     INIT    BACKUP  startup
                1707.031   node1  VI_6     BACKUP  MASTER  no advertisement within Master_Down_Interval
                5000       node1  VI_6     MASTER  DOWN    node crashed
                6511.718   node2  VI_6     BACKUP  MASTER  no advertisement within Master_Down_Interval
                """);
    }

    @Test
    void gracefulStopSendsPriorityZeroAndBackupTakesOverAfterSkewTime() {
        SimulatedLan lan = twoNodes(vi1(150), vi1(100));
        lan.schedule(at("10s stop node1"));
        lan.runUntil(20 * S);
        // RFC: a backup receiving priority 0 sets its down timer to Skew_Time: 10000 + 609.375 ms.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                3414.062   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                10000      node1  VI_1     MASTER  STOP    shutdown
                10609.375  node2  VI_1     BACKUP  MASTER  master sent priority 0, Skew_Time elapsed (priority 0 from 192.0.2.1)
                """);
    }

    @Test
    void restoredHigherPriorityNodePreemptsBack() {
        SimulatedLan lan = twoNodes(vi1(150), vi1(100));
        lan.schedule(List.of(at("10s crash node1"), at("20s restore node1")));
        lan.runUntil(30 * S);
        // node1 boots at 20 s in BACKUP, discards node2's lower-priority adverts, and its down timer runs out at
        // 20000 + 3414.062; node2 hears the higher priority and steps down at once.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                3414.062   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                10000      node1  VI_1     MASTER  DOWN    node crashed
                13023.437  node2  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                20000      node1  VI_1     INIT    BACKUP  startup
                23414.062  node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                23414.062  node2  VI_1     MASTER  BACKUP  advert with higher priority (advert from 192.0.2.1 priority 150)
                """);
    }

    @Test
    void nopreemptRestoredNodeStaysBackup() {
        SimulatedLan lan = twoNodes(vi1(150).nopreempt(true), vi1(100).nopreempt(true));
        lan.schedule(List.of(at("10s crash node1"), at("20s restore node1")));
        lan.runUntil(40 * S);
        // With nopreempt node1 accepts node2's lower-priority adverts: node2 keeps the address.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                3414.062   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                10000      node1  VI_1     MASTER  DOWN    node crashed
                13023.437  node2  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                20000      node1  VI_1     INIT    BACKUP  startup
                """);
        assertThat(lan.addressesHeld("node2")).containsExactly("VI_1");
    }

    @Test
    void preemptDelayHoldsTheBackupThenPreempts() {
        SimulatedLan lan = twoNodes(vi1(150).preemptDelay(Duration.ofSeconds(5)), vi1(100));
        lan.schedule(List.of(at("10s crash node1"), at("20s restore node1")));
        lan.runUntil(40 * S);
        // node2 adverts at 13023.437 + k s. keepalived starts the preempt delay at the first lower-priority advert
        // (20023.437) and accepts lower adverts until 25023.437; that one and later are discarded, so node1's
        // timer, last reset at 24023.437, runs out at 24023.437 + 3414.062 = 27437.499 ms.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                3414.062   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                10000      node1  VI_1     MASTER  DOWN    node crashed
                13023.437  node2  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                20000      node1  VI_1     INIT    BACKUP  startup
                27437.499  node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                27437.499  node2  VI_1     MASTER  BACKUP  advert with higher priority (advert from 192.0.2.1 priority 150)
                """);
    }

    @Test
    void equalPrioritiesTheHigherAddressWins() {
        SimulatedLan lan = lan()
                .node("node1", "192.0.2.1", HostSetup.of(vi1(100).build()))
                .node("node2", "192.0.2.2", HostSetup.of(vi1(100).build()))
                .build();
        lan.runUntil(10 * S);
        // Equal MDIs: both time out at 3609.375 ms and both advertise; node1 hears an equal priority from a higher
        // address and yields; node2 hears one from a lower address and stays MASTER.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                3609.375   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                3609.375   node2  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                3609.375   node1  VI_1     MASTER  BACKUP  advert with equal priority from a higher address (advert from 192.0.2.2 priority 100)
                """);
    }

    @Test
    void addressOwnerIsMasterAtOnceAndTakesBackOnRestore() {
        SimulatedLan lan = twoNodes(vi1(255), vi1(100));
        lan.schedule(List.of(at("5s crash node1"), at("15s restore node1")));
        lan.runUntil(20 * S);
        // The owner (255) does not wait (keepalived puts it in BACKUP with a 1 us down timer, so the line reads
        // BACKUP -> MASTER); node2 (MDI 3609.375) takes over 3609.375 ms after the owner's last advert
        // (4000 ms), and steps down when the restored owner advertises at 15 s.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     BACKUP  MASTER  address owner (priority 255)
                0          node2  VI_1     INIT    BACKUP  startup
                5000       node1  VI_1     MASTER  DOWN    node crashed
                7609.375   node2  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                15000      node1  VI_1     BACKUP  MASTER  address owner (priority 255)
                15000      node2  VI_1     MASTER  BACKUP  advert with higher priority (advert from 192.0.2.1 priority 255)
                """);
    }

    @Test
    void v2IntervalMismatchIsDroppedSoBothBecomeMaster() {
        SimulatedLan lan = twoNodes(vi1(150), vi1(100).advertInterval(Duration.ofSeconds(2)));
        lan.runUntil(20 * S);
        // RFC 3768 7.1: an advert whose interval differs from ours is discarded. Neither hears the other:
        // node1 at 3414.062, node2 at 3 x 2 s + 609.375 = 6609.375 ms. Split brain, as keepalived does.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                3414.062   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                6609.375   node2  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                """);
        assertThat(lan.rxStatistics("node1").get(RxCounter.ADV_INTERVAL_ERRORS)).isPositive();
        assertThat(lan.rxStatistics("node2").get(RxCounter.ADV_INTERVAL_ERRORS)).isPositive();
        assertThat(lan.machine("node1", "VI_1").advertiseIntervalErrors()).isPositive();
        assertThat(lan.machine("node2", "VI_1").advertiseIntervalErrors()).isPositive();
    }

    @Test
    void v3IntervalMismatchTheBackupAdoptsTheMastersInterval() {
        InstanceSpec.Builder node1 = vi1(150).version(3);
        InstanceSpec.Builder node2 = vi1(100).version(3).advertInterval(Duration.ofSeconds(2));
        SimulatedLan lan = twoNodes(node1, node2);
        lan.schedule(at("10s crash node1"));
        lan.runUntil(20 * S);
        // RFC 5798 6.4.2: a backup sets Master_Adver_Interval from the advert. node2 (own interval 2 s) adopts 1 s:
        // after the crash it takes over at 9414.062 + 3 x 1 s + 609.375 = 13023.437 ms, not after 3 x 2 s + 1218.75.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                3414.062   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                10000      node1  VI_1     MASTER  DOWN    node crashed
                13023.437  node2  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                """);
    }

    @Test
    void seed004DualMasterEachNodeMasterOfOneInstance() throws Exception {
        SimulatedLan lan = fromResources("seed004", "node1", "node2");
        lan.runUntil(10 * S);
        // `state MASTER` is only a preference: keepalived (vrrp_init_state) still starts every non-owner instance in
        // BACKUP with a full Master_Down_Interval (3 x 1 s + 156/256 s = 3609.375 ms for priority 100); the shorter
        // advert_int + Skew_min applies only to sync group members held in BACKUP by their group. The instances use
        // vrrp_mcast_group4 224.0.100.100 and PASS authentication. VI_1's backup (98) and VI_2's (98) hear the
        // masters' first adverts at 3609.375 ms, before their own timers (3617.187 ms) run out.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node1  VI_2     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                0          node2  VI_2     INIT    BACKUP  startup
                3609.375   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                3609.375   node2  VI_2     BACKUP  MASTER  no advertisement within Master_Down_Interval
                """);
        assertThat(lan.addressesHeld("node1")).containsExactly("VI_1");
        assertThat(lan.addressesHeld("node2")).containsExactly("VI_2");
        assertThat(lan.advertsReceived("node1")).isPositive();
        assertThat(lan.rxStatistics("node1").get(RxCounter.AUTH_FAILURES)).isZero();
    }

    @Test
    void seed004DualMasterCrashOfOneNodeMovesBothAddresses() throws Exception {
        SimulatedLan lan = fromResources("seed004", "node1", "node2");
        lan.schedule(List.of(at("10s crash node1"), at("20s restore node1")));
        lan.runUntil(30 * S);
        // node1's VI_1 adverts at 3609.375 + k s, last 9609.375; node2's VI_1 (98, Skew 617.187) takes over at
        // 9609.375 + 3617.187 = 13226.562. Restored node1 waits its MDI (3609.375 ms), then takes VI_1 back.
        List<Transition> after = lan.timeline().transitions().stream().filter(t -> t.nanos() >= 10 * S).toList();
        assertThat(TimelineTable.of(after)).isEqualTo(TimelineTable.normalize("""
                t_ms       node   instance from    to      reason
                10000      node1  VI_1     MASTER  DOWN    node crashed
                10000      node1  VI_2     BACKUP  DOWN    node crashed
                13226.562  node2  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                20000      node1  VI_1     INIT    BACKUP  startup
                20000      node1  VI_2     INIT    BACKUP  startup
                23609.375  node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                23609.375  node2  VI_1     MASTER  BACKUP  advert with higher priority (advert from 192.0.2.1 priority 100)
                """));
    }

    @Test
    void syncGroupOneMemberFaultPullsTheOtherAndThePeerTakesBoth() {
        // Both nodes: VI_1 (VRID 50) and VI_2 (VRID 51) in sync group G1; VI_2 tracks eth1 (weight 0: down = FAULT).
        HostSetup n1 = groupNode(150);
        HostSetup n2 = groupNode(100);
        SimulatedLan lan = lan().node("node1", n1).node("node2", n2).build();
        lan.schedule(List.of(at("10s link-down node1 eth1"), at("20s link-up node1 eth1")));
        lan.runUntil(30 * S);
        // At 10 s node1's VI_2 faults and the group pulls VI_1 to FAULT; a master leaving sends priority 0, so node2's
        // members both time out after Skew_Time (609.375 ms). Equal deadlines run in the order they were set (as
        // keepalived's timer tree): VI_2, whose priority-0 advert came first, fires first and waits for the group
        // (vrrp_sync_can_goto_master); VI_1 fires next, finds VI_2 wanting MASTER, and takes the group over.
        // At 20 s node1 comes back as BACKUP and preempts after MDI.
        List<Transition> t = lan.timeline().transitions();
        assertThat(state(lan, "node1", "VI_1", 15 * S)).isEqualTo("FAULT");
        assertThat(state(lan, "node1", "VI_2", 15 * S)).isEqualTo("FAULT");
        assertThat(state(lan, "node2", "VI_1", 15 * S)).isEqualTo("MASTER");
        assertThat(state(lan, "node2", "VI_2", 15 * S)).isEqualTo("MASTER");
        assertThat(TimelineTable.of(t.stream().filter(x -> x.nanos() >= 10 * S && x.nanos() < 20 * S).toList()))
                .isEqualTo(TimelineTable.normalize("""
                t_ms       node   instance from    to      reason
                10000      node1  VI_2     MASTER  FAULT   tracked object failed (interface eth1)
                10000      node1  VI_1     MASTER  FAULT   sync group G1 (VI_2)
                10000      node1  G1       MASTER  FAULT   sync group
                10609.375  node2  VI_1     BACKUP  MASTER  master sent priority 0, Skew_Time elapsed (priority 0 from 192.0.2.1)
                10609.375  node2  VI_2     BACKUP  MASTER  sync group G1 (VI_1)
                10609.375  node2  G1       BACKUP  MASTER  sync group
                """));
        assertThat(lan.state("node1", "VI_1")).isEqualTo("MASTER");
        assertThat(lan.state("node1", "VI_2")).isEqualTo("MASTER");
        assertThat(lan.state("node2", "VI_1")).isEqualTo("BACKUP");
        assertThat(lan.state("node2", "VI_2")).isEqualTo("BACKUP");
    }

    static HostSetup groupNode(int priority) {
        InstanceSpec a = vi1(priority).build();
        InstanceSpec b = InstanceSpec.builder("VI_2", 51).interfaceName("eth0").priority(priority)
                .advertInterval(Duration.ofSeconds(1)).virtualIpAddress("192.0.2.101")
                .tracker(TrackerSpec.iface("eth1", 0)).build();
        return HostSetup.of(a, b).withGroup("G1", false, "VI_1", "VI_2");
    }

    @Test
    void seed002TrackScriptWeightMinus5DoesNotFailOver() throws Exception {
        // Seed 002: vrrp_script check { interval 10; weight -5; fall 2; rise 1 } on node1 (priority 150, state MASTER);
        // node2 priority 100. The script fails from 25 s: runs at 30 s (1st failure) and 40 s (2nd: fall 2 reached).
        SimulatedLan lan = fromResources("seed002", "node1", "node2");
        lan.schedule(at("25s fail-script node1 check"));
        lan.runUntil(35 * S);
        assertThat(lan.machine("node1", "VI_1").effectivePriority()).isEqualTo(150);
        lan.runUntil(60 * S);
        // 150 - 5 = 145 still beats 100: no failover. node1 advertised 145 at once; node2 heard it.
        assertThat(lan.machine("node1", "VI_1").effectivePriority()).isEqualTo(145);
        assertThat(lan.machine("node2", "VI_1").masterPriority()).isEqualTo(145);
        assertThat(lan.state("node1", "VI_1")).isEqualTo("MASTER");
        assertThat(lan.state("node2", "VI_1")).isEqualTo("BACKUP");
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                3414.062   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                """);
    }

    @Test
    void trackScriptWeightLargeEnoughCausesFailover() {
        // As seed 002 but weight -60: 150 - 60 = 90 < 100. node1 advertises 90 at once at 40 s (2nd failure); node2
        // discards lower-priority adverts (preempt), so its timer, last reset by node1's advert at 39414.062, runs
        // out at 39414.062 + 3609.375 = 43023.437; node1 then hears 100 > 90 and steps down.
        InstanceSpec node1 = vi1(150).state(VrrpState.MASTER).tracker(TrackerSpec.script("check", -60)).build();
        SimulatedLan lan = lan()
                .node("node1", HostSetup.of(node1).withScript("check", Duration.ofSeconds(10), 1, 2))
                .node("node2", HostSetup.of(vi1(100).build()))
                .build();
        lan.schedule(at("25s fail-script node1 check"));
        lan.runUntil(60 * S);
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                3414.062   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                43023.437  node2  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                43023.437  node1  VI_1     MASTER  BACKUP  advert with higher priority (advert from 192.0.2.2 priority 100)
                """);
        assertThat(lan.machine("node1", "VI_1").effectivePriority()).isEqualTo(90);
    }

    @Test
    void unicastPeersElectWithoutMulticast() throws Exception {
        // unicast_src_ip / unicast_peer: adverts go to the peer's address only; node3 on the same LAN, configured for
        // multicast, hears nothing and elects itself.
        java.net.InetAddress a1 = java.net.InetAddress.ofLiteral("192.0.2.11");
        java.net.InetAddress a2 = java.net.InetAddress.ofLiteral("192.0.2.12");
        SimulatedLan lan = lan()
                .node("node1", HostSetup.of().withInstances(HostSetup.Instance.of(vi1(150).build()).withUnicast(a1, List.of(a2))))
                .node("node2", HostSetup.of().withInstances(HostSetup.Instance.of(vi1(100).build()).withUnicast(a2, List.of(a1))))
                .node("node3", HostSetup.of(vi1(50).build()))
                .build();
        lan.runUntil(10 * S);
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                0          node3  VI_1     INIT    BACKUP  startup
                3414.062   node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                3804.687   node3  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                """);
        assertThat(lan.advertsReceived("node2")).isPositive();
        assertThat(lan.advertsReceived("node3")).isZero();
    }

    @Test
    void wrongPasswordIsDroppedByReceiveValidationSoBothBecomeMaster() {
        SimulatedLan lan = lan()
                .node("node1", HostSetup.of().withInstances(HostSetup.Instance.of(vi1(150).build()).withPassword("1111")))
                .node("node2", HostSetup.of().withInstances(HostSetup.Instance.of(vi1(100).build()).withPassword("2222")))
                .build();
        lan.runUntil(10 * S);
        // v2 PASS authentication: each drops the other's adverts (counted as authentication failures).
        assertThat(lan.state("node1", "VI_1")).isEqualTo("MASTER");
        assertThat(lan.state("node2", "VI_1")).isEqualTo("MASTER");
        assertThat(lan.rxStatistics("node2").get(RxCounter.AUTH_FAILURES)).isPositive();
        assertThat(lan.advertsReceived("node2")).isZero();
    }

    // --- helpers ---

    static String state(SimulatedLan lan, String node, String instance, long at) {
        String s = "INIT";
        for (Transition t : lan.timeline().transitions()) {
            if (t.nanos() > at) break;
            if (t.node().equals(node) && t.instance().equals(instance)) s = t.to();
        }
        return s;
    }

    static SimulatedLan fromResources(String dir, String... nodes) throws URISyntaxException {
        Map<String, KeepalivedConfig> configs = new LinkedHashMap<>();
        for (String n : nodes) {
            Path p = Path.of(ScenarioTest.class.getResource("/halo/sim/" + dir + "/" + n + ".conf").toURI());
            LoadResult r = ConfigLoader.load(p, new LoadOptions(n, false));
            assertThat(r.config()).as("%s: %s", p, r.diagnostics()).isNotNull();
            configs.put(n, r.config());
        }
        return SimulatedLan.fromConfigs(1, LinkModel.CLEAN.withDelay(0, 0), configs);
    }
}
