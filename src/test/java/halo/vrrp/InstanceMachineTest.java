package halo.vrrp;

import static halo.vrrp.Clock.ms;
import static halo.vrrp.Clock.us;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One instance on a virtual clock: RFC timers and keepalived's behaviour, with exact times and outputs. */
class InstanceMachineTest {
    static final long T0 = 1_000_000_000_000L;
    static final IpAddress PEER_LOW = IpAddress.parse("192.0.2.1");
    static final IpAddress ME = IpAddress.parse("192.0.2.2");
    static final IpAddress PEER_HIGH = IpAddress.parse("192.0.2.3");

    final Recorder rec = new Recorder();
    final Clock clock = new Clock(T0);

    static InstanceSpec.Builder v2() {
        return InstanceSpec.builder("VI_1", 51).interfaceName("eth0").sourceAddress(ME).virtualIpAddress("192.0.2.100");
    }

    static InstanceSpec.Builder v3() {
        return v2().version(3).advertInterval(Duration.ofMillis(10));
    }

    InstanceMachine start(InstanceSpec spec) {
        InstanceMachine vrrp = new InstanceMachine(spec, rec);
        vrrp.start(clock.now);
        return vrrp;
    }

    @Test
    void v2TimersMatchTheRfcFormulasInKeepalivedsMicroseconds() {
        InstanceMachine vrrp = new InstanceMachine(v2().build(), rec);
        // Skew_Time = (256 - 100) / 256 s = 0.609375 s; Master_Down_Interval = 3 x 1 s + Skew_Time
        assertThat(vrrp.skewTimeMicros()).isEqualTo(609_375);
        assertThat(vrrp.masterDownIntervalMicros()).isEqualTo(3_609_375);
        InstanceMachine p200 = new InstanceMachine(v2().priority(200).build(), rec);
        assertThat(p200.skewTimeMicros()).isEqualTo(218_750);
    }

    @Test
    void v3TimersAreInCentisecondsOfTheMasterAdvertInterval() {
        InstanceMachine vrrp = new InstanceMachine(v3().build(), rec);
        // (256 - 100) x 1 cs / 256 = 0.609 cs; keepalived: 156 x 1 x 625 / 16 = 6093 us
        assertThat(vrrp.skewTimeMicros()).isEqualTo(6_093);
        assertThat(vrrp.masterDownIntervalMicros()).isEqualTo(36_093);
    }

    @Test
    void startsInBackupAndBecomesMasterAfterMasterDownInterval() {
        InstanceMachine vrrp = start(v2().build());
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(rec.logs).containsExactly("(VI_1) Entering BACKUP STATE (init)");
        assertThat(rec.fifo).containsExactly("INSTANCE \"VI_1\" BACKUP 100");
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + us(3_609_375));
        rec.clear();

        clock.runUntil(T0 + us(3_609_374), vrrp);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        clock.runUntil(T0 + us(3_609_375), vrrp);
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
        assertThat(vrrp.lastReason()).isEqualTo(TransitionReason.MASTER_DOWN_TIMER);
        assertThat(vrrp.lastTransitionNanos()).isEqualTo(T0 + us(3_609_375));
        // the advert goes first so the old master removes the VIPs before our GARPs
        assertThat(rec.events).containsExactly(
                "VI_1 advert 100",
                "log (VI_1) Entering MASTER STATE",
                "VI_1 add VIPs",
                "VI_1 garp 5",
                "fifo INSTANCE \"VI_1\" MASTER 100");
        assertThat(rec.transitions).containsExactly("VI_1 BACKUP->MASTER MASTER_DOWN_TIMER");
        // next advert one interval later
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + us(4_609_375));
    }

    @Test
    void masterAdvertisesEveryIntervalAndRepeatsGarpsAfterGarpMasterDelay() {
        InstanceMachine vrrp = start(v2().build());
        long m = T0 + us(3_609_375);
        clock.runUntil(m, vrrp);
        rec.clear();
        clock.runUntil(m + ms(5_000), vrrp);
        assertThat(rec.adverts).containsExactly(100, 100, 100, 100, 100);
        assertThat(rec.events).containsExactly(
                "VI_1 advert 100", "VI_1 advert 100", "VI_1 advert 100", "VI_1 advert 100",
                "VI_1 garp 5", // garp_master_delay 5 s: the second batch, fired before the advert due at the same time
                "VI_1 advert 100");
        clock.runUntil(m + ms(60_000), vrrp);
        assertThat(rec.events).filteredOn(e -> e.contains("garp")).hasSize(1);
    }

    @Test
    void garpMasterRefreshSendsABatchAtTheFirstAdvertAfterTheRefreshInterval() {
        InstanceMachine vrrp = start(v2().garpMasterDelay(Duration.ZERO).garpMasterRefresh(Duration.ofMillis(2_500))
                .garpMasterRefreshRepeat(2).build());
        long m = T0 + us(3_609_375);
        clock.runUntil(m, vrrp);
        rec.clear();
        clock.runUntil(m + ms(6_000), vrrp);
        // adverts at m+1..m+6 s; refresh due after m+2.5 s -> at the advert of m+3 s, then after m+5.5 s -> at m+6 s
        assertThat(rec.events).containsExactly(
                "VI_1 advert 100", "VI_1 advert 100", "VI_1 advert 100", "VI_1 garp 2",
                "VI_1 advert 100", "VI_1 advert 100", "VI_1 advert 100", "VI_1 garp 2");
    }

    @Test
    void stateMasterIsOnlyAPreferenceForANonOwner() {
        InstanceMachine vrrp = start(v2().state(VrrpState.MASTER).build());
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + us(3_609_375));
    }

    @Test
    void theOwnerBecomesMasterAtOnce() {
        InstanceMachine vrrp = start(v2().priority(255).build());
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
        assertThat(vrrp.lastReason()).isEqualTo(TransitionReason.PRIORITY_OWNER);
        assertThat(rec.events).containsExactly(
                "VI_1 advert 255", "log (VI_1) Entering MASTER STATE", "VI_1 add VIPs", "VI_1 garp 5",
                "fifo INSTANCE \"VI_1\" MASTER 255");
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + ms(1_000));
    }

    @Test
    void backupHearingAHigherPriorityMasterStaysBackupAndRestartsItsDownTimer() {
        InstanceMachine vrrp = start(v2().build());
        for (int s = 1; s <= 10; s++) {
            clock.runUntil(T0 + ms(1_000L * s), vrrp);
            vrrp.onAdvert(clock.now, 150, 1, PEER_LOW);
            assertThat(vrrp.nextDeadline()).isEqualTo(clock.now + us(3_609_375));
        }
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(vrrp.masterAddress()).isEqualTo(PEER_LOW);
        assertThat(vrrp.masterPriority()).isEqualTo(150);
        // an equal priority is accepted too (no preemption on a tie while hearing the master)
        vrrp.onAdvert(clock.now, 100, 1, PEER_LOW);
        assertThat(vrrp.nextDeadline()).isEqualTo(clock.now + us(3_609_375));
        clock.runUntil(clock.now + us(3_609_374), vrrp);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        clock.runUntil(clock.now + 1_000, vrrp);
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void priorityZeroMakesTheBackupWaitOnlySkewTime() {
        InstanceMachine vrrp = start(v2().logDetail(true).build());
        vrrp.onAdvert(T0 + ms(500), 150, 1, PEER_LOW);
        vrrp.onAdvert(T0 + ms(1_000), 0, 1, PEER_LOW);
        assertThat(rec.logs).contains("(VI_1) Backup received priority 0 advertisement");
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + ms(1_000) + us(609_375));
        clock.runUntil(T0 + ms(1_000) + us(609_375), vrrp);
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
        assertThat(vrrp.lastReason()).isEqualTo(TransitionReason.MASTER_LEFT);
        assertThat(rec.logs).containsSubsequence("(VI_1) Receive advertisement timeout", "(VI_1) Entering MASTER STATE",
                "(VI_1) setting VIPs.", "(VI_1) Sending/queueing gratuitous ARPs on eth0 for 192.0.2.100");
    }

    @Test
    void backupDiscardsALowerPriorityMasterAndPreemptsIt() {
        InstanceMachine vrrp = start(v2().build());
        rec.clear();
        vrrp.onAdvert(T0 + ms(1_000), 90, 1, PEER_LOW);
        assertThat(rec.logs).containsExactly("(VI_1) received lower priority (90) advert from 192.0.2.1 - discarding");
        // the down timer was not reset
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + us(3_609_375));
        vrrp.onAdvert(T0 + ms(2_000), 90, 1, PEER_LOW);
        vrrp.onAdvert(T0 + ms(3_000), 90, 1, PEER_LOW);
        clock.runUntil(T0 + us(3_609_375), vrrp);
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void nopreemptAcceptsALowerPriorityMaster() {
        InstanceMachine vrrp = start(v2().nopreempt(true).priority(150).build());
        for (int s = 1; s <= 20; s++) {
            clock.runUntil(T0 + ms(1_000L * s), vrrp);
            vrrp.onAdvert(clock.now, 100, 1, PEER_LOW);
        }
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(rec.logs).noneMatch(l -> l.contains("discarding"));
    }

    @Test
    void preemptDelayAcceptsLowerPriorityAdvertsForTheDelayThenPreempts() {
        InstanceMachine vrrp = start(v2().priority(150).preemptDelay(Duration.ofSeconds(10)).logDetail(true).build());
        long lastAccepted = 0;
        for (int s = 1; s <= 30; s++) {
            clock.runUntil(T0 + ms(1_000L * s), vrrp);
            if (vrrp.state() != VrrpState.BACKUP) {
                break;
            }
            long before = vrrp.nextDeadline();
            vrrp.onAdvert(clock.now, 100, 1, PEER_LOW);
            if (vrrp.nextDeadline() != before) {
                lastAccepted = clock.now;
            }
        }
        // delay started at the first lower advert (T0+1 s): adverts before T0+11 s are accepted, from T0+11 s discarded
        assertThat(lastAccepted).isEqualTo(T0 + ms(10_000));
        assertThat(rec.logs).contains("(VI_1) start preempt delay (10.000000)",
                "(VI_1) received lower priority (100) advert from 192.0.2.1 - discarding");
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
        // priority 150: MDI = 3 s + 106/256 s
        assertThat(vrrp.lastTransitionNanos()).isEqualTo(T0 + ms(10_000) + us(3_000_000 + 414_062));
    }

    @Test
    void v3BackupAdoptsTheMastersAdvertInterval() {
        InstanceMachine vrrp = start(v3().build());
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + us(36_093));
        vrrp.onAdvert(T0 + ms(5), 150, 100, PEER_LOW); // master advertises 1 s (100 cs)
        assertThat(vrrp.masterAdvertIntervalMicros()).isEqualTo(1_000_000);
        // 3 x 1 s + 156 x 100 x 625 / 16 us
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + ms(5) + us(3_609_375));
    }

    @Test
    void v3MasterAdvertisesItsOwnIntervalAfterTakingOver() {
        InstanceMachine vrrp = start(v3().build());
        vrrp.onAdvert(T0 + ms(5), 150, 100, PEER_LOW);
        clock.runUntil(T0 + ms(5) + us(3_609_375), vrrp);
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
        assertThat(vrrp.masterAdvertIntervalMicros()).isEqualTo(10_000);
        assertThat(vrrp.nextDeadline()).isEqualTo(clock.now + ms(10));
    }

    InstanceMachine master(InstanceSpec spec) {
        InstanceMachine vrrp = start(spec);
        clock.runUntil(vrrp.nextDeadline(), vrrp);
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
        rec.clear();
        return vrrp;
    }

    @Test
    void masterHearingAHigherPriorityBecomesBackup() {
        InstanceMachine vrrp = master(v2().build());
        long t = clock.now + ms(300);
        vrrp.onAdvert(t, 150, 1, PEER_LOW);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(vrrp.lastReason()).isEqualTo(TransitionReason.HIGHER_PRIORITY_ADVERT);
        assertThat(vrrp.lastReasonDetail()).isEqualTo("advert from 192.0.2.1 priority 150");
        assertThat(vrrp.masterAddress()).isEqualTo(PEER_LOW);
        assertThat(vrrp.masterPriority()).isEqualTo(150);
        assertThat(rec.events).containsExactly(
                "log (VI_1) Master received advert from 192.0.2.1 with higher priority 150, ours 100",
                "log (VI_1) Entering BACKUP STATE",
                "VI_1 remove VIPs",
                "fifo INSTANCE \"VI_1\" BACKUP 100");
        assertThat(vrrp.nextDeadline()).isEqualTo(t + us(3_609_375));
    }

    @Test
    void higherPrioSendAdvertSendsOneAdvertBeforeGivingUp() {
        InstanceMachine vrrp = master(v2().higherPrioSendAdvert(true).build());
        vrrp.onAdvert(clock.now + ms(300), 150, 1, PEER_LOW);
        assertThat(rec.events.get(0)).isEqualTo("VI_1 advert 100");
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void equalPriorityTieBreakHigherAddressWins() {
        InstanceMachine vrrp = master(v2().build());
        vrrp.onAdvert(clock.now + ms(300), 100, 1, PEER_LOW);
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
        assertThat(rec.events).containsExactly(
                "log (VI_1) Received advert from 192.0.2.1 with lower priority 100, ours 100, forcing new election",
                "VI_1 advert 100",
                "VI_1 garp 5",
                "fifo INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 100");
        rec.clear();
        vrrp.onAdvert(clock.now + ms(400), 100, 1, PEER_HIGH);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(vrrp.lastReason()).isEqualTo(TransitionReason.EQUAL_PRIORITY_HIGHER_ADDRESS);
        assertThat(rec.logs.get(0)).isEqualTo(
                "(VI_1) Master received advert from 192.0.2.3 with same priority 100 but higher IP address than ours");
    }

    @Test
    void masterHearingALowerPriorityAnswersAtOnceAndResetsItsAdvertTimer() {
        InstanceMachine vrrp = master(v2().garpLowerPrioRepeat(3).garpLowerPrioDelay(Duration.ofSeconds(2)).build());
        long t = clock.now + ms(300);
        vrrp.onAdvert(t, 90, 1, PEER_LOW);
        assertThat(rec.adverts).containsExactly(100);
        assertThat(rec.events).contains("VI_1 garp 3");
        assertThat(vrrp.nextDeadline()).isEqualTo(t + ms(1_000));
        rec.clear();
        clock.runUntil(t + ms(2_000), vrrp);
        assertThat(rec.events).containsExactly("VI_1 advert 100", "VI_1 garp 3", "VI_1 advert 100");
    }

    @Test
    void lowerPrioNoAdvertStaysQuiet() {
        InstanceMachine vrrp = master(v2().lowerPrioNoAdvert(true).garpLowerPrioRepeat(0).build());
        long due = vrrp.nextDeadline();
        vrrp.onAdvert(clock.now + ms(300), 90, 1, PEER_LOW);
        assertThat(rec.adverts).isEmpty();
        assertThat(rec.logs).containsExactly("(VI_1) Received advert from 192.0.2.1 with lower priority 90, ours 100");
        assertThat(vrrp.nextDeadline()).isEqualTo(due);
    }

    @Test
    void masterAnswersPriorityZeroAtOnce() {
        InstanceMachine vrrp = master(v2().build());
        long t = clock.now + ms(300);
        vrrp.onAdvert(t, 0, 1, PEER_LOW);
        assertThat(rec.adverts).containsExactly(100);
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
        assertThat(vrrp.nextDeadline()).isEqualTo(t + ms(1_000));
    }

    @Test
    void twoOwnersReduceTheLocalPriority() {
        InstanceMachine vrrp = start(v2().priority(255).build());
        rec.clear();
        vrrp.onAdvert(T0 + ms(10), 255, 1, PEER_HIGH);
        assertThat(rec.logs.get(0)).isEqualTo("(VI_1) CONFIGURATION ERROR: local instance and a remote instance are both"
                + " configured as address owner, please fix - reducing local priority");
        assertThat(vrrp.effectivePriority()).isEqualTo(254);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void shutdownOfAMasterSendsPriorityZeroAndRunsNotifyStop() {
        InstanceMachine vrrp = master(v2().notifyScripts(new NotifyCommands(null, null, null, "/bin/stop.sh", "/bin/notify.sh",
                null)).build());
        vrrp.shutdown(clock.now + ms(10));
        assertThat(vrrp.state()).isEqualTo(VrrpState.STOP);
        assertThat(rec.events).containsExactly(
                "VI_1 advert 0",
                "VI_1 remove VIPs",
                "script /bin/stop.sh [stop]",
                "script /bin/notify.sh INSTANCE VI_1 STOP 100 [stop]",
                "fifo INSTANCE \"VI_1\" STOP 100");
        assertThat(vrrp.nextDeadline()).isEqualTo(InstanceMachine.NEVER);
        assertThat(vrrp.priorityZeroPktsSent()).isEqualTo(1);
    }

    @Test
    void shutdownOfABackupSendsNoAdvert() {
        InstanceMachine vrrp = start(v2().build());
        rec.clear();
        vrrp.shutdown(T0 + ms(10));
        assertThat(rec.events).containsExactly("fifo INSTANCE \"VI_1\" STOP 100");
    }

    @Test
    void notifyScriptsGetKeepalivedsArguments() {
        InstanceMachine vrrp = start(v2().notifyScripts(new NotifyCommands("/bin/master.sh arg", "/bin/backup.sh", null, null,
                "/bin/notify.sh", null)).build());
        assertThat(rec.scripts).containsExactly("/bin/backup.sh", "/bin/notify.sh INSTANCE VI_1 BACKUP 100");
        rec.clear();
        clock.runUntil(vrrp.nextDeadline(), vrrp);
        assertThat(rec.scripts).containsExactly("/bin/master.sh arg", "/bin/notify.sh INSTANCE VI_1 MASTER 100");
    }

    @Test
    void startupDelayPostponesTheBackupsDownTimer() {
        InstanceMachine vrrp = start(v2().startupDelay(Duration.ofSeconds(10)).build());
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + ms(10_000) + us(3_609_375));
        // an advert during the delay still counts from the end of the delay
        vrrp.onAdvert(T0 + ms(2_000), 150, 1, PEER_LOW);
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + ms(10_000) + us(3_609_375));
        // after it, from the advert
        vrrp.onAdvert(T0 + ms(11_000), 150, 1, PEER_LOW);
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + ms(11_000) + us(3_609_375));
    }

    @Test
    void downTimerAdvertsChangesTheMultiplier() {
        InstanceMachine vrrp = start(v2().downTimerAdverts(5).build());
        assertThat(vrrp.nextDeadline()).isEqualTo(T0 + us(5_609_375));
    }

    @Test
    void aReloadedMasterStaysMasterAndAdvertisesAtOnce() {
        InstanceMachine previous = master(v2().priority(150).build());
        long now = clock.now;
        InstanceMachine vrrp = new InstanceMachine(v2().priority(150).build(), rec);
        vrrp.resume(now, previous);
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
        assertThat(vrrp.virtualAddressesSet()).isTrue();
        // no election, no transition line, no notification: an advert at once, the addresses set again (new ones
        // appear) and GARPs for them
        assertThat(rec.events).startsWith("VI_1 advert 150").contains("VI_1 add VIPs")
                .noneMatch(e -> e.contains("Entering") || e.contains("notify"));
        assertThat(vrrp.nextDeadline()).isEqualTo(now + ms(1_000));
        // it still yields to a higher priority, removing its addresses
        vrrp.onAdvert(now + ms(10), 200, 1, PEER_LOW);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(rec.events).contains("VI_1 remove VIPs");
    }

    @Test
    void aReloadedBackupStaysBackupQuietly() {
        InstanceMachine previous = start(v2().build());
        rec.clear();
        long now = clock.now;
        InstanceMachine vrrp = new InstanceMachine(v2().build(), rec);
        vrrp.resume(now, previous);
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(rec.events).isEmpty();
        assertThat(vrrp.nextDeadline()).isEqualTo(now + us(3_609_375));
    }

    @Test
    void aReloadedMasterWhoseTrackerIsDownDropsItsAddresses() {
        InstanceMachine previous = master(v2().build());
        InstanceMachine vrrp = new InstanceMachine(v2().tracker(TrackerSpec.iface("eth1", 0).withInitial(TrackerSpec.Status.DOWN))
                .build(), rec);
        vrrp.resume(clock.now, previous);
        assertThat(vrrp.state()).isEqualTo(VrrpState.FAULT);
        assertThat(rec.events).contains("log (VI_1): entering FAULT state (interface eth1 down)");
        assertThat(vrrp.virtualAddressesSet()).isFalse();
    }

    @Test
    void acceptModeIsAlwaysOnForTheOwner() {
        assertThat(new InstanceMachine(v2().accept(false).build(), rec).acceptMode()).isFalse();
        assertThat(new InstanceMachine(v2().accept(true).build(), rec).acceptMode()).isTrue();
        // RFC 5798 6.1 Accept_Mode: "whether a virtual router in Master state will accept packets addressed to the
        // address owner's IPvX address as its own if it is not the IPvX address owner": the owner always does
        assertThat(new InstanceMachine(v2().accept(false).priority(255).build(), rec).acceptMode()).isTrue();
    }

    @Test
    void notifyMasterRxLowerPriRunsWithoutArguments() {
        InstanceMachine vrrp = master(v2().lowerPrioNoAdvert(true).garpLowerPrioRepeat(0)
                .notifyScripts(new NotifyCommands(null, null, null, null, null, "/bin/rx-lower.sh")).build());
        vrrp.onAdvert(clock.now + ms(5), 50, 1, PEER_LOW);
        assertThat(rec.scripts).containsExactly("/bin/rx-lower.sh");
        assertThat(rec.fifo).containsExactly("INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 100");
    }

    @Test
    void ipv6MasterSendsUnsolicitedNeighbourAdverts() {
        InstanceMachine vrrp = start(InstanceSpec.builder("VI_6", 61).ipv6(true).advertInterval(Duration.ofMillis(100))
                .interfaceName("eth0").sourceAddress("fe80::2").virtualIpAddress("2001:db8::100").logDetail(true).build());
        clock.runUntil(vrrp.nextDeadline(), vrrp);
        assertThat(vrrp.state()).isEqualTo(VrrpState.MASTER);
        assertThat(rec.logs).contains("(VI_6) Sending/queueing Unsolicited Neighbour Adverts on eth0 for 2001:db8::100");
        // tie-break on IPv6 link-local addresses
        vrrp.onAdvert(clock.now + ms(1), 100, 10, IpAddress.parse("fe80::3"));
        assertThat(vrrp.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void faultAndInitStatesIgnoreAdverts() {
        InstanceMachine vrrp = new InstanceMachine(v2().build(), rec);
        vrrp.onAdvert(T0, 150, 1, PEER_LOW);
        assertThat(vrrp.advertisementsReceived()).isZero();
        assertThat(vrrp.state()).isEqualTo(VrrpState.INIT);
        assertThat(vrrp.nextDeadline()).isEqualTo(InstanceMachine.NEVER);
    }
}
