package halo.vrrp;

import static halo.vrrp.Clock.ms;
import static halo.vrrp.Clock.us;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** vrrp_sync_group: all members master together, one to BACKUP or FAULT pulls the rest. */
class SyncGroupTest {
    static final long T0 = 7_000_000_000L;
    final Recorder rec = new Recorder();
    final Clock clock = new Clock(T0);

    static InstanceSpec.Builder member(String name, int vrid, TrackerSpec... trackers) {
        InstanceSpec.Builder b = InstanceSpec.builder(name, vrid).interfaceName("eth0").sourceAddress("192.0.2.2")
                .virtualIpAddress("192.0.2." + vrid);
        for (TrackerSpec t : trackers) {
            b.tracker(t);
        }
        return b;
    }

    InstanceMachine a;
    InstanceMachine b;
    SyncGroup group;

    void group(InstanceSpec.Builder sa, InstanceSpec.Builder sb, boolean trackingWeight) {
        a = new InstanceMachine(sa.build(), rec);
        b = new InstanceMachine(sb.build(), rec);
        group = new SyncGroup("VG_1", List.of(a, b), trackingWeight,
                new NotifyCommands("/bin/g-master.sh", null, null, null, "/bin/g-notify.sh", null), rec);
    }

    @Test
    void startsTogetherInBackupWithAGroupNotification() {
        group(member("VI_1", 51), member("VI_2", 52), false);
        a.start(T0);
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(rec.events).containsExactly(
                "script /bin/g-notify.sh GROUP VG_1 BACKUP 0",
                "fifo GROUP \"VG_1\" BACKUP 0",
                "log (VI_1) Entering BACKUP STATE (init)",
                "fifo INSTANCE \"VI_1\" BACKUP 100",
                "log (VI_2) Entering BACKUP STATE (init)",
                "fifo INSTANCE \"VI_2\" BACKUP 100");
    }

    @Test
    void masterOnlyWhenEveryMemberMayBeMaster() {
        group(member("VI_1", 51), member("VI_2", 52), false);
        a.start(T0);
        // VI_2 keeps hearing a master; VI_1 does not
        for (int s = 1; s <= 20; s++) {
            clock.runUntil(T0 + ms(1_000L * s), a, b);
            b.onAdvert(clock.now, 150, 1, IpAddress.parse("192.0.2.9"));
        }
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        rec.clear();
        // VI_2's master goes away: when its down timer fires, both go master together
        long due = b.nextDeadline();
        clock.runUntil(due, a, b);
        assertThat(a.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        assertThat(group.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.lastTransitionNanos()).isEqualTo(due);
        assertThat(a.lastReason()).isEqualTo(TransitionReason.SYNC_GROUP);
        assertThat(a.lastReasonDetail()).isEqualTo("sync group VG_1 (VI_2)");
        assertThat(rec.logs).containsSubsequence(
                "(VI_2) Entering MASTER STATE",
                "VRRP_Group(VG_1) Syncing instances to MASTER state",
                "(VI_1) Entering MASTER STATE");
        assertThat(rec.events).containsSubsequence("script /bin/g-master.sh", "script /bin/g-notify.sh GROUP VG_1 MASTER 0",
                "fifo GROUP \"VG_1\" MASTER 0");
    }

    @Test
    void oneMemberToBackupPullsTheOthers() {
        group(member("VI_1", 51), member("VI_2", 52), false);
        a.start(T0);
        clock.runUntil(T0 + ms(4_000), a, b);
        assertThat(a.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        rec.clear();
        a.onAdvert(clock.now + ms(10), 200, 1, IpAddress.parse("192.0.2.9"));
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(group.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(rec.events).containsSubsequence(
                "log (VI_1) Entering BACKUP STATE", "VI_1 remove VIPs", "fifo INSTANCE \"VI_1\" BACKUP 100",
                "log VRRP_Group(VG_1) Syncing instances to BACKUP state",
                "log (VI_2) Entering BACKUP STATE", "VI_2 remove VIPs", "fifo INSTANCE \"VI_2\" BACKUP 100",
                "fifo GROUP \"VG_1\" BACKUP 0");
        // VI_1 keeps hearing its new master; VI_2 hears nothing and wants master, but the group holds it in BACKUP
        long from = clock.now;
        for (int s = 1; s <= 30; s++) {
            clock.runUntil(from + ms(1_000L * s), a, b);
            a.onAdvert(clock.now, 200, 1, IpAddress.parse("192.0.2.9"));
        }
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(rec.logs).doesNotContain("(VI_2) Entering MASTER STATE");
    }

    @Test
    void oneMemberToFaultPullsAllAndRecoveryBringsThemBack() {
        group(member("VI_1", 51, TrackerSpec.iface("eth1", 0)), member("VI_2", 52), false);
        a.start(T0);
        clock.runUntil(T0 + ms(4_000), a, b);
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        rec.clear();
        long t = clock.now + ms(5);
        a.onTrackerStatus(t, TrackerKind.INTERFACE, "eth1", false);
        assertThat(a.state()).isEqualTo(VrrpState.FAULT);
        assertThat(b.state()).isEqualTo(VrrpState.FAULT);
        assertThat(group.state()).isEqualTo(VrrpState.FAULT);
        assertThat(rec.events).containsExactly(
                "log (VI_1) Entering FAULT STATE", "VI_1 advert 0", "VI_1 remove VIPs", "fifo INSTANCE \"VI_1\" FAULT 100",
                "log VRRP_Group(VG_1) Syncing instances to FAULT state",
                "log (VI_2) Entering FAULT STATE", "VI_2 advert 0", "VI_2 remove VIPs", "fifo INSTANCE \"VI_2\" FAULT 100",
                "script /bin/g-notify.sh GROUP VG_1 FAULT 0", "fifo GROUP \"VG_1\" FAULT 0");
        rec.clear();
        a.onTrackerStatus(t + ms(100), TrackerKind.INTERFACE, "eth1", true);
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(group.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(rec.logs).containsExactly("(VI_1) Entering BACKUP STATE",
                "VRRP_Group(VG_1) Syncing instances to BACKUP state", "(VI_2) Entering BACKUP STATE");
        assertThat(b.nextDeadline()).isEqualTo(t + ms(100) + us(3_609_375));
    }

    @Test
    void weightedTrackersOfMembersCountAsWeightZeroUnlessSyncGroupTrackingWeight() {
        group(member("VI_1", 51, TrackerSpec.script("chk", -10).withInitial(TrackerSpec.Status.UP)), member("VI_2", 52), false);
        a.start(T0);
        a.onTrackerStatus(T0 + ms(10), TrackerKind.SCRIPT, "chk", false);
        assertThat(a.effectivePriority()).isEqualTo(100);
        assertThat(a.state()).isEqualTo(VrrpState.FAULT);
        assertThat(b.state()).isEqualTo(VrrpState.FAULT);

        rec.clear();
        group(member("VI_1", 51, TrackerSpec.script("chk", -10).withInitial(TrackerSpec.Status.UP)), member("VI_2", 52), true);
        a.start(T0);
        a.onTrackerStatus(T0 + ms(10), TrackerKind.SCRIPT, "chk", false);
        assertThat(a.effectivePriority()).isEqualTo(90);
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void aMemberFaultedAtStartPutsTheGroupInFault() {
        group(member("VI_1", 51, TrackerSpec.iface("eth1", 0).withInitial(TrackerSpec.Status.DOWN)), member("VI_2", 52), false);
        a.start(T0);
        assertThat(group.state()).isEqualTo(VrrpState.FAULT);
        assertThat(a.state()).isEqualTo(VrrpState.FAULT);
        assertThat(b.state()).isEqualTo(VrrpState.FAULT);
        assertThat(rec.logs).containsExactly(
                "(VI_1): entering FAULT state (interface eth1 down)",
                "VRRP_Group(VG_1): Syncing VI_1 to FAULT state",
                "(VI_2) Entering FAULT STATE (init)");
        assertThat(rec.fifo).containsExactly("GROUP \"VG_1\" FAULT 0");
        a.onTrackerStatus(T0 + ms(50), TrackerKind.INTERFACE, "eth1", true);
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void aLowerPriorityAdvertToOneMemberMakesEveryMemberWithGarpLowerPrioRepeatSendGarps() {
        group(member("VI_1", 51).garpLowerPrioRepeat(2), member("VI_2", 52).garpLowerPrioRepeat(3), false);
        a.start(T0);
        clock.runUntil(T0 + ms(4_000), a, b);
        assertThat(group.state()).isEqualTo(VrrpState.MASTER);
        rec.clear();
        a.onAdvert(clock.now + ms(10), 50, 1, IpAddress.parse("192.0.2.9"));
        assertThat(rec.events).containsSubsequence("VI_1 advert 100", "VI_1 garp 2", "VI_2 garp 3",
                "fifo INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 100");
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void shutdownSendsGroupStop() {
        group(member("VI_1", 51), member("VI_2", 52), false);
        a.start(T0);
        rec.clear();
        a.shutdown(T0 + ms(1));
        b.shutdown(T0 + ms(1));
        group.shutdown(T0 + ms(1));
        assertThat(rec.fifo).containsExactly("INSTANCE \"VI_1\" STOP 100", "INSTANCE \"VI_2\" STOP 100",
                "GROUP \"VG_1\" STOP 0");
    }
}
