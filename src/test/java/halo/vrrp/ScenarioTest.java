package halo.vrrp;

import static halo.vrrp.Clock.ms;
import static halo.vrrp.Clock.us;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Several machines on a lossless LAN (1 ms delivery): elections and takeovers with exact times. */
class ScenarioTest {
    static final long T0 = 9_000_000_000L;
    final Lan lan = new Lan(T0, ms(1));
    final Lan.Node node1 = lan.node("node1", "192.0.2.1");
    final Lan.Node node2 = lan.node("node2", "192.0.2.2");

    static InstanceSpec.Builder vi1(int priority) {
        return InstanceSpec.builder("VI_1", 51).interfaceName("eth0").priority(priority).virtualIpAddress("192.0.2.100");
    }

    @Test
    void higherPriorityWinsTheFirstElection() {
        InstanceMachine a = node1.add(vi1(150).state(VrrpState.MASTER));
        InstanceMachine b = node2.add(vi1(100));
        a.start(lan.now);
        b.start(lan.now);
        lan.runUntil(T0 + ms(20_000));
        assertThat(a.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        // MDI at 150: 3 s + 106 x 1e6 / 256 us
        assertThat(a.lastTransitionNanos()).isEqualTo(T0 + us(3_414_062));
        assertThat(lan.timeline).containsExactly(
                "0us node1 VI_1 INIT->BACKUP STARTUP",
                "0us node2 VI_1 INIT->BACKUP STARTUP",
                "3414062us node1 VI_1 BACKUP->MASTER MASTER_DOWN_TIMER");
    }

    @Test
    void crashedMasterIsReplacedOneMasterDownIntervalAfterItsLastAdvert() {
        InstanceMachine a = node1.add(vi1(150));
        InstanceMachine b = node2.add(vi1(100));
        a.start(lan.now);
        b.start(lan.now);
        lan.runUntil(T0 + ms(10_000));
        // adverts from node1 at 3.414062 + k s arrive 1 ms later; crash at 10 s: the last arrived at 9.415062 s
        node1.instances.clear();
        node1.partitioned = true;
        lan.runUntil(T0 + ms(20_000));
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.lastTransitionNanos()).isEqualTo(T0 + us(9_415_062 + 3_609_375));
    }

    @Test
    void gracefulStopHandsOverAfterSkewTime() {
        InstanceMachine a = node1.add(vi1(150));
        InstanceMachine b = node2.add(vi1(100));
        a.start(lan.now);
        b.start(lan.now);
        lan.runUntil(T0 + ms(10_000));
        a.shutdown(lan.now);
        node1.instances.clear();
        lan.runUntil(T0 + ms(20_000));
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.lastReason()).isEqualTo(TransitionReason.MASTER_LEFT);
        assertThat(b.lastTransitionNanos()).isEqualTo(T0 + ms(10_001) + us(609_375));
    }

    @Test
    void restartedHigherPriorityNodePreemptsBack() {
        InstanceMachine a = node1.add(vi1(150));
        InstanceMachine b = node2.add(vi1(100));
        a.start(lan.now);
        b.start(lan.now);
        lan.runUntil(T0 + ms(5_000));
        node1.instances.clear();
        node1.partitioned = true;
        lan.runUntil(T0 + ms(15_000));
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        node1.partitioned = false;
        InstanceMachine a2 = node1.add(vi1(150));
        long restart = lan.now;
        a2.start(restart);
        lan.runUntil(restart + ms(10_000));
        assertThat(a2.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        // a restarted node waits a full Master_Down_Interval, discarding the lower priority master's adverts
        assertThat(a2.lastTransitionNanos()).isEqualTo(restart + us(3_414_062));
        assertThat(node1.rec.logs).contains("(VI_1) received lower priority (100) advert from 192.0.2.2 - discarding");
        assertThat(b.lastTransitionNanos()).isEqualTo(restart + us(3_414_062) + ms(1));
    }

    @Test
    void nopreemptKeepsTheIncumbent() {
        InstanceMachine a = node1.add(vi1(150).nopreempt(true));
        InstanceMachine b = node2.add(vi1(100).nopreempt(true));
        a.start(lan.now);
        b.start(lan.now);
        lan.runUntil(T0 + ms(5_000));
        node1.instances.clear();
        node1.partitioned = true;
        lan.runUntil(T0 + ms(15_000));
        node1.partitioned = false;
        InstanceMachine a2 = node1.add(vi1(150).nopreempt(true));
        a2.start(lan.now);
        lan.runUntil(lan.now + ms(60_000));
        assertThat(a2.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void equalPrioritiesStartingTogetherResolveByAddress() {
        InstanceMachine a = node1.add(vi1(100));
        InstanceMachine b = node2.add(vi1(100));
        a.start(lan.now);
        b.start(lan.now);
        lan.runUntil(T0 + ms(10_000));
        // both time out at the same instant and go master; each hears the other 1 ms later: the higher address stays
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        assertThat(node1.rec.logs).contains(
                "(VI_1) Master received advert from 192.0.2.2 with same priority 100 but higher IP address than ours");
        assertThat(node2.rec.logs).contains(
                "(VI_1) Received advert from 192.0.2.1 with lower priority 100, ours 100, forcing new election");
        assertThat(a.lastTransitionNanos()).isEqualTo(T0 + us(3_609_375) + ms(1));
    }

    @Test
    void dualMasterLayoutOneMasterPerNode() {
        InstanceMachine a1 = node1.add(vi1(150));
        InstanceMachine a2 = node1.add(InstanceSpec.builder("VI_2", 52).priority(100).virtualIpAddress("192.0.2.101"));
        InstanceMachine b1 = node2.add(vi1(100));
        InstanceMachine b2 = node2.add(InstanceSpec.builder("VI_2", 52).priority(150).virtualIpAddress("192.0.2.101"));
        for (InstanceMachine i : new InstanceMachine[] {a1, a2, b1, b2}) {
            i.start(lan.now);
        }
        lan.runUntil(T0 + ms(20_000));
        assertThat(a1.state()).isEqualTo(VrrpState.MASTER);
        assertThat(a2.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b1.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b2.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void v3TenMillisecondTakeover() {
        InstanceMachine a = node1.add(vi1(150).version(3).advertInterval(Duration.ofMillis(10)));
        InstanceMachine b = node2.add(vi1(100).version(3).advertInterval(Duration.ofMillis(10)));
        a.start(lan.now);
        b.start(lan.now);
        lan.runUntil(T0 + ms(1_000));
        assertThat(a.state()).isEqualTo(VrrpState.MASTER);
        long crash = lan.now;
        long lastArrival = a.nextDeadline() - ms(10) + ms(1); // the advert before the next one, plus the LAN delay
        node1.instances.clear();
        node1.partitioned = true;
        lan.runUntil(crash + ms(100));
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        // 3 x 10 ms + 156 x 625 / 16 us
        assertThat(b.lastTransitionNanos()).isEqualTo(lastArrival + us(36_093));
    }

    @Test
    void v3BackupWithAnotherIntervalFollowsTheMaster() {
        InstanceMachine a = node1.add(vi1(150).version(3).advertInterval(Duration.ofMillis(100)));
        InstanceMachine b = node2.add(vi1(100).version(3).advertInterval(Duration.ofMillis(10)));
        a.start(lan.now);
        b.start(lan.now);
        lan.runUntil(T0 + ms(5_000));
        assertThat(a.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.masterAdvertIntervalMicros()).isEqualTo(100_000);
        assertThat(b.masterDownIntervalMicros()).isEqualTo(300_000 + 156 * 10 * 625 / 16);
    }
}
