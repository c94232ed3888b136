package halo.vrrp;

import static halo.vrrp.Clock.ms;
import static halo.vrrp.Clock.us;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Effective priority and FAULT from tracked objects, as keepalived's vrrp_track.c. */
class TrackerTest {
    static final long T0 = 5_000_000_000L;
    final Recorder rec = new Recorder();
    final Clock clock = new Clock(T0);

    InstanceMachine start(InstanceSpec.Builder b) {
        InstanceMachine vrrp = new InstanceMachine(b.build(), rec);
        vrrp.start(clock.now);
        return vrrp;
    }

    static InstanceSpec.Builder spec(int priority, TrackerSpec... trackers) {
        InstanceSpec.Builder b = InstanceSpec.builder("VI_1", 51).interfaceName("eth0").priority(priority)
                .sourceAddress("192.0.2.2").virtualIpAddress("192.0.2.100");
        for (TrackerSpec t : trackers) {
            b.tracker(t);
        }
        return b;
    }

    InstanceMachine master(InstanceSpec.Builder b) {
        InstanceMachine vrrp = start(b);
        clock.runUntil(vrrp.nextDeadline(), vrrp);
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
        rec.clear();
        return vrrp;
    }

    @Test
    void negativeWeightIsSubtractedWhileDownAndTheMasterAdvertisesAtOnce() {
        InstanceMachine vrrp = master(spec(100, TrackerSpec.script("chk_nginx", -5)));
        vrrp.onTrackerStatus(clock.now + ms(100), TrackerKind.SCRIPT, "chk_nginx", true);
        assertThat(vrrp.effectivePriority()).isEqualTo(100);
        assertThat(rec.events).isEmpty();
        long t = clock.now + ms(200);
        vrrp.onTrackerStatus(t, TrackerKind.SCRIPT, "chk_nginx", false);
        assertThat(vrrp.effectivePriority()).isEqualTo(95);
        assertThat(rec.events).containsExactly(
                "log (VI_1) Changing effective priority from 100 to 95", "VI_1 advert 95");
        assertThat(vrrp.nextDeadline()).isEqualTo(t + ms(1_000));
        rec.clear();
        vrrp.onTrackerStatus(t + ms(1), TrackerKind.SCRIPT, "chk_nginx", true);
        assertThat(vrrp.effectivePriority()).isEqualTo(100);
        assertThat(rec.events).containsExactly(
                "log (VI_1) Changing effective priority from 95 to 100", "VI_1 advert 100");
    }

    @Test
    void positiveWeightIsAddedWhileUpButNotBeforeTheFirstResult() {
        InstanceMachine vrrp = start(spec(100, TrackerSpec.script("chk", 10)));
        assertThat(vrrp.effectivePriority()).isEqualTo(100);
        vrrp.onTrackerStatus(T0 + ms(1), TrackerKind.SCRIPT, "chk", true);
        assertThat(vrrp.effectivePriority()).isEqualTo(110);
        vrrp.onTrackerStatus(T0 + ms(2), TrackerKind.SCRIPT, "chk", false);
        assertThat(vrrp.effectivePriority()).isEqualTo(100);
    }

    @Test
    void reverseFlipsTheSense() {
        InstanceMachine plus = start(spec(100, TrackerSpec.script("chk", 10).reversed()));
        plus.onTrackerStatus(T0, TrackerKind.SCRIPT, "chk", true);
        assertThat(plus.effectivePriority()).isEqualTo(90);
        plus.onTrackerStatus(T0, TrackerKind.SCRIPT, "chk", false);
        assertThat(plus.effectivePriority()).isEqualTo(100);
        InstanceMachine minus = start(spec(100, TrackerSpec.script("chk", -10).reversed()));
        minus.onTrackerStatus(T0, TrackerKind.SCRIPT, "chk", false);
        assertThat(minus.effectivePriority()).isEqualTo(110);
        minus.onTrackerStatus(T0, TrackerKind.SCRIPT, "chk", true);
        assertThat(minus.effectivePriority()).isEqualTo(100);
    }

    @Test
    void effectivePriorityIsClampedTo1Through254() {
        InstanceMachine high = start(spec(250, TrackerSpec.script("a", 10), TrackerSpec.script("b", 10)));
        high.onTrackerStatus(T0, TrackerKind.SCRIPT, "a", true);
        high.onTrackerStatus(T0, TrackerKind.SCRIPT, "b", true);
        assertThat(high.effectivePriority()).isEqualTo(254);
        InstanceMachine low = start(spec(5, TrackerSpec.script("a", -10)));
        low.onTrackerStatus(T0, TrackerKind.SCRIPT, "a", false);
        assertThat(low.effectivePriority()).isEqualTo(1);
    }

    @Test
    void theOwnersPriorityNeverChanges() {
        InstanceMachine vrrp = start(spec(255, TrackerSpec.script("a", -50)));
        rec.clear();
        vrrp.onTrackerStatus(T0 + ms(5), TrackerKind.SCRIPT, "a", false);
        assertThat(vrrp.effectivePriority()).isEqualTo(255);
        assertThat(rec.events).isEmpty();
    }

    @Test
    void aBackupsDownTimerFollowsItsNewSkew() {
        InstanceMachine vrrp = start(spec(100, TrackerSpec.script("a", -50)));
        vrrp.onAdvert(T0 + ms(100), 150, 1, IpAddress.parse("192.0.2.1"));
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + ms(100) + us(3_609_375));
        vrrp.onTrackerStatus(T0 + ms(200), TrackerKind.SCRIPT, "a", false);
        // skew (256-50)/256 s = 804687 us instead of 609375 us
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + ms(100) + us(3_804_687));
    }

    @Test
    void weightZeroFailurePutsTheMasterInFaultAndRecoveryWaitsInBackup() {
        InstanceMachine vrrp = master(spec(100, TrackerSpec.script("chk", 0).withInitial(TrackerSpec.Status.UP))
                .notifyScripts(new NotifyCommands(null, null, "/bin/fault.sh", null, null, null)));
        long t = clock.now + ms(300);
        vrrp.onTrackerStatus(t, TrackerKind.SCRIPT, "chk", false);
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        assertThat(vrrp.lastReason()).isEqualTo(TransitionReason.TRACKER_FAULT);
        assertThat(vrrp.lastReasonDetail()).isEqualTo("script chk");
        assertThat(rec.events).containsExactly(
                "log (VI_1) Entering FAULT STATE",
                "VI_1 advert 0",
                "VI_1 remove VIPs",
                "script /bin/fault.sh",
                "fifo INSTANCE \"VI_1\" FAULT 100");
        assertThat(vrrp.nextDeadline()).isEqualTo(InstanceMachine.NEVER);
        // adverts are ignored in FAULT
        vrrp.onAdvert(t + ms(10), 50, 1, IpAddress.parse("192.0.2.1"));
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        rec.clear();
        vrrp.onTrackerStatus(t + ms(500), TrackerKind.SCRIPT, "chk", true);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(rec.events).containsExactly("log (VI_1) Entering BACKUP STATE", "fifo INSTANCE \"VI_1\" BACKUP 100");
        assertThat(vrrp.nextDeadline()).isEqualTo(t + ms(500) + us(3_609_375));
    }

    @Test
    void aWeightZeroScriptThatHasNotRunHoldsTheInstanceInFault() {
        InstanceMachine vrrp = start(spec(100, TrackerSpec.script("chk", 0)));
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        assertThat(rec.events).containsExactly("log (VI_1) Entering FAULT STATE (init)");
        rec.clear();
        vrrp.onTrackerStatus(T0 + ms(700), TrackerKind.SCRIPT, "chk", true);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(rec.events).containsExactly("log (VI_1) Entering BACKUP STATE", "fifo INSTANCE \"VI_1\" BACKUP 100");
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + ms(700) + us(3_609_375));
    }

    @Test
    void aWeightZeroScriptThatFailsFirstSendsTheFaultNotification() {
        InstanceMachine vrrp = start(spec(100, TrackerSpec.script("chk", 0)));
        rec.clear();
        vrrp.onTrackerStatus(T0 + ms(700), TrackerKind.SCRIPT, "chk", false);
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        assertThat(rec.events).containsExactly("fifo INSTANCE \"VI_1\" FAULT 100");
    }

    @Test
    void theOwnerRecoveringFromFaultWaitsInBackupAsKeepalivedDoes() {
        InstanceMachine vrrp = start(spec(255, TrackerSpec.iface("eth1", 0)));
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
        vrrp.onTrackerStatus(T0 + ms(10), TrackerKind.INTERFACE, "eth1", false);
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        vrrp.onTrackerStatus(T0 + ms(20), TrackerKind.INTERFACE, "eth1", true);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        // down timer at priority 255: 3 s + 1/256 s
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + ms(20) + us(3_003_906));
        clock.runUntil(vrrp.nextDeadline(), vrrp);
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void initFailStartsInFault() {
        InstanceMachine vrrp = start(spec(100, TrackerSpec.script("chk", 0).withInitial(TrackerSpec.Status.DOWN)));
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        assertThat(rec.logs).containsExactly("(VI_1): entering FAULT state due to script chk");
        assertThat(rec.transitions).containsExactly("VI_1 INIT->FAULT TRACKER_FAULT");
        assertThat(rec.fifo).isEmpty(); // keepalived sends no notification for a fault found at startup
    }

    @Test
    void interfaceDownIsAFaultUnlessDontTrackPrimary() {
        InstanceMachine vrrp = master(spec(100));
        vrrp.onInterfaceChange(clock.now + ms(1), false);
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        vrrp.onInterfaceChange(clock.now + ms(2), true);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);

        InstanceMachine ignoring = master(spec(100).dontTrackPrimary(true));
        ignoring.onInterfaceChange(clock.now + ms(1), false);
        assertThat(ignoring.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void trackedInterfaceWithWeight() {
        InstanceMachine vrrp = start(spec(100, TrackerSpec.iface("eth1", -20)));
        assertThat(vrrp.effectivePriority()).isEqualTo(100);
        vrrp.onTrackerStatus(T0 + ms(1), TrackerKind.INTERFACE, "eth1", false);
        assertThat(vrrp.effectivePriority()).isEqualTo(80);
        InstanceMachine down = start(spec(100, TrackerSpec.iface("eth2", 0).withInitial(TrackerSpec.Status.DOWN)));
        assertThat(down.state()).isEqualTo(VrrpState.FAULT);
        assertThat(rec.logs).contains("(VI_1): entering FAULT state (interface eth2 down)");
    }

    @Test
    void trackFileValueTimesWeight() {
        InstanceMachine vrrp = start(spec(100, TrackerSpec.file("prio", 2)));
        vrrp.onTrackFileValue(T0 + ms(1), "prio", 10);
        assertThat(vrrp.effectivePriority()).isEqualTo(120);
        vrrp.onTrackFileValue(T0 + ms(2), "prio", -30);
        assertThat(vrrp.effectivePriority()).isEqualTo(40);
        // value x weight <= -254 is a fault
        vrrp.onTrackFileValue(T0 + ms(3), "prio", -127);
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        vrrp.onTrackFileValue(T0 + ms(4), "prio", 0);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(vrrp.effectivePriority()).isEqualTo(100);
    }

    @Test
    void trackFileWithWeightZeroFaultsOnANonZeroValue() {
        InstanceMachine vrrp = start(spec(100, TrackerSpec.file("flag", 0)));
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        vrrp.onTrackFileValue(T0 + ms(1), "flag", 1);
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        vrrp.onTrackFileValue(T0 + ms(2), "flag", 0);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void aScriptAndAnInterfaceOfTheSameNameWeighSeparately() {
        InstanceMachine vrrp = start(spec(100, TrackerSpec.script("eth1", -10), TrackerSpec.iface("eth1", -20)));
        vrrp.onTrackerStatus(T0 + ms(1), TrackerKind.SCRIPT, "eth1", true);
        assertThat(vrrp.effectivePriority()).isEqualTo(100);
        vrrp.onTrackerStatus(T0 + ms(2), TrackerKind.INTERFACE, "eth1", false);
        assertThat(vrrp.effectivePriority()).isEqualTo(80);
        vrrp.onTrackerStatus(T0 + ms(3), TrackerKind.SCRIPT, "eth1", false);
        assertThat(vrrp.effectivePriority()).isEqualTo(70);
        vrrp.onTrackerStatus(T0 + ms(4), TrackerKind.INTERFACE, "eth1", true);
        assertThat(vrrp.effectivePriority()).isEqualTo(90);
        vrrp.onTrackerStatus(T0 + ms(5), TrackerKind.SCRIPT, "eth1", true);
        assertThat(vrrp.effectivePriority()).isEqualTo(100);
    }

    @Test
    void aScriptAndAnInterfaceOfTheSameNameFaultAndRecoverSeparately() {
        InstanceMachine vrrp = start(spec(100, TrackerSpec.script("eth1", 0).withInitial(TrackerSpec.Status.UP),
                TrackerSpec.iface("eth1", 0)));
        vrrp.onTrackerStatus(T0 + ms(1), TrackerKind.INTERFACE, "eth1", false);
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        vrrp.onTrackerStatus(T0 + ms(2), TrackerKind.SCRIPT, "eth1", false);
        vrrp.onTrackerStatus(T0 + ms(3), TrackerKind.INTERFACE, "eth1", true);
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        vrrp.onTrackerStatus(T0 + ms(4), TrackerKind.SCRIPT, "eth1", true);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        // a name the instance tracks under another kind changes nothing
        vrrp.onTrackerStatus(T0 + ms(5), TrackerKind.PROCESS, "eth1", false);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(vrrp.trackerIndex(TrackerKind.PROCESS, "eth1")).isEqualTo(-1);
    }

    @Test
    void twoFaultsNeedTwoRecoveries() {
        InstanceMachine vrrp = start(spec(100, TrackerSpec.iface("eth1", 0), TrackerSpec.process("nginx", 0)));
        vrrp.onTrackerStatus(T0 + ms(1), TrackerKind.INTERFACE, "eth1", false);
        vrrp.onTrackerStatus(T0 + ms(2), TrackerKind.PROCESS, "nginx", false);
        vrrp.onTrackerStatus(T0 + ms(3), TrackerKind.INTERFACE, "eth1", true);
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        vrrp.onTrackerStatus(T0 + ms(4), TrackerKind.PROCESS, "nginx", true);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void weightDemotionFailsOverToTheBackup() {
        // seed 002: master 150 / backup 100... here master 100 with weight -5 (fall 2), backup 98
        Lan lan = new Lan(T0, ms(1));
        Lan.Node a = lan.node("node1", "192.0.2.1");
        Lan.Node b = lan.node("node2", "192.0.2.2");
        InstanceMachine va = a.add(InstanceSpec.builder("VI_1", 51).priority(100).state(VrrpState.MASTER)
                .virtualIpAddress("192.0.2.100").tracker(TrackerSpec.script("chk_nginx", -5)));
        InstanceMachine vb = b.add(InstanceSpec.builder("VI_1", 51).priority(98).virtualIpAddress("192.0.2.100"));
        va.start(lan.now);
        vb.start(lan.now + ms(500));
        lan.runUntil(T0 + ms(10_000));
        assertThat(va.state()).isEqualTo(VrrpState.MASTER);
        assertThat(vb.state()).isEqualTo(VrrpState.BACKUP);
        ScriptTracker chk = new ScriptTracker("chk_nginx", 1, 2, false);
        assertThat(chk.onExit(0, a)).isEqualTo(ScriptTracker.Change.NOW_UP);
        va.onTrackerStatus(lan.now, TrackerKind.SCRIPT, "chk_nginx", true);
        assertThat(chk.onExit(1, a)).isEqualTo(ScriptTracker.Change.NONE); // fall 2: one failure is not enough
        lan.runUntil(lan.now + ms(2_000));
        assertThat(chk.onExit(1, a)).isEqualTo(ScriptTracker.Change.NOW_DOWN);
        assertThat(a.rec.logs).contains("VRRP_Script(chk_nginx) failed (exited with status 1)");
        long failed = lan.now;
        long backupDue = vb.nextDeadline(); // last accepted advert + MDI at priority 98
        va.onTrackerStatus(failed, TrackerKind.SCRIPT, "chk_nginx", false);
        assertThat(a.rec.logs).contains("(VI_1) Changing effective priority from 100 to 95");
        // the master advertises 95 at once; the backup (98) discards it and takes over after its down timer
        lan.runUntil(failed + ms(10_000));
        assertThat(va.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(vb.state()).isEqualTo(VrrpState.MASTER);
        // the backup takes over when the down timer started by the last priority-100 advert runs out
        assertThat(vb.lastTransitionNanos()).isEqualTo(backupDue);
        assertThat(vb.masterDownIntervalMicros()).isEqualTo(3_617_187);
        assertThat(backupDue - failed).isBetween(us(2_617_187), us(3_617_187));
        assertThat(b.rec.logs).contains("(VI_1) received lower priority (95) advert from 192.0.2.1 - discarding");
    }
}
