package halo.sim;

import static org.assertj.core.api.Assertions.assertThat;

import halo.vrrp.InstanceSpec;
import halo.vrrp.VrrpState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One behaviour per test, on the simulated LAN with the real state machine and codec. Each expected timeline is a
 * table derived from the RFC / keepalived timer rules, written out in the comment above it.
 */
class ScenarioTest {
    static final long MS = 1_000_000L;

    static InstanceSpec.Builder vi1(int priority) {
        return InstanceSpec.builder("VI_1", 50).interfaceName("eth0").priority(priority)
                .advertInterval(Duration.ofSeconds(1)).virtualIpAddress("192.0.2.100");
    }

    /** A LAN with no delay, so times are exactly the protocol's. */
    static SimulatedLan.Builder lan() {
        return SimulatedLan.builder(1).link(LinkModel.CLEAN.withDelay(0, 0));
    }

    static void assertTimeline(SimulatedLan lan, String expected) {
        assertThat(TimelineTable.of(lan.timeline().transitions())).isEqualTo(TimelineTable.normalize(expected));
    }

    @Test
    void electionHigherPriorityBecomesMaster() {
        SimulatedLan lan = lan()
                .node("node1", NodeSetup.of(vi1(150).build()))
                .node("node2", NodeSetup.of(vi1(100).build()))
                .build();
        lan.runUntil(10_000 * MS);
        // Both start BACKUP; v2 Master_Down_Interval = 3 x 1 s + (256 - prio)/256 s:
        // node1 (150): 3414.0625 ms, node2 (100): 3609.375 ms. node1's advert at 3414.0625 resets node2's timer.
        assertTimeline(lan, """
                t_ms       node   instance from    to      reason
                0          node1  VI_1     INIT    BACKUP  startup
                0          node2  VI_1     INIT    BACKUP  startup
                3414.0625  node1  VI_1     BACKUP  MASTER  no advertisement within Master_Down_Interval
                """);
        assertThat(lan.addressesHeld("node1")).containsExactly("VI_1");
        assertThat(lan.addressesHeld("node2")).isEmpty();
    }
}
