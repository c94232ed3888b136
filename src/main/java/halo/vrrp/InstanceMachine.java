package halo.vrrp;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One VRRP instance: keepalived's state machine (vrrp.c, vrrp_scheduler.c, vrrp_track.c) over RFC 3768 / 5798 / 9568,
 * pure and single-threaded. Time is injected: every entry point takes {@code now} in nanoseconds on the caller's
 * monotonic clock, {@link #nextDeadline()} says when {@link #onTimer} must be called next. Effects come out through
 * {@link VrrpActions}.
 *
 * <p>Timers are computed in microseconds with keepalived's integer arithmetic (TIMER_HZ), so the deadlines are the
 * ones keepalived would compute, to the microsecond.
 *
 * <p>Not thread-safe: drive each instance (and its sync group) from one thread.
 */
public final class InstanceMachine {

    /** A deadline that never comes. */
    public static final long NEVER = Long.MAX_VALUE;

    private static final long US = 1_000L;           // nanoseconds per microsecond
    private static final long TIMER_HZ = 1_000_000L; // keepalived's timer unit: microseconds

    private final InstanceSpec spec;
    private final VrrpActions actions;
    private final String name;
    private final String prefix; // "(VI_1) "
    private final IpAddress sourceAddress;
    SyncGroup sync;

    // state (keepalived's vrrp->state and vrrp->wantstate)
    private VrrpState state = VrrpState.INIT;
    VrrpState wantState;
    private TransitionReason lastReason = TransitionReason.STARTUP;
    private String lastReasonDetail;
    // what the next transition's detail will name (set cheaply, turned into text only on a transition)
    private int pendingTracker = -1;
    private IpAddress pendingSource;
    private int pendingPriority;
    private InstanceMachine pendingGroupTrigger;
    private long lastTransitionNanos;
    private boolean started;
    private boolean faultedAtInit;
    private boolean notifiesSent;
    private boolean vipSet;

    // priorities
    private int basePriority;
    private int effectivePriority;
    private int totalPriority;

    // timers, keepalived units (microseconds) for durations, nanoseconds for deadlines
    private final long adverIntUs;
    private final int advertIntervalOnWire;
    private long masterAdverIntUs;
    private long msDownTimerUs;
    private boolean downTimerIsSkew; // set by a priority-0 advert: the reason for the next takeover
    private long sands = NEVER;      // BACKUP: master down; MASTER: next advert
    private long garpDelayAt = NEVER;
    private long garpLowerPrioAt = NEVER;
    private long garpRefreshAt = NEVER;
    private long preemptTime;
    private boolean preemptTimeSet;
    private long delayedStartTime = Long.MIN_VALUE;

    // what we know of the master
    private IpAddress masterAddress;
    private int masterPriority;

    // trackers: the spec's plus, unless dont_track_primary, the instance's own interface (weight 0)
    private final TrackerSpec[] trackers;
    private final TrackerSpec.Status[] trackerStatus;
    private final long[] trackerValue;
    // by kind, then name: a track_script and a track_interface of the same name are different trackers
    private final Map<TrackerKind, Map<String, Integer>> trackerIndex = new EnumMap<>(TrackerKind.class);
    private final int ownInterfaceIndex;
    int numFaults;
    int numInit;

    // counters (RFC 6527 names where they exist)
    private long advertisementsReceived;
    private long advertisementsSent;
    private long becomeMaster;
    private long releaseMaster;
    private long priorityZeroPktsRcvd;
    private long priorityZeroPktsSent;
    private long addressListErrors;
    private long advertiseIntervalErrors;

    public InstanceMachine(InstanceSpec spec, VrrpActions actions) {
        this.spec = spec;
        this.actions = actions;
        this.name = spec.name();
        this.prefix = "(" + name + ") ";
        this.sourceAddress = spec.sourceAddress();
        this.adverIntUs = spec.advertInterval().toNanos() / US;
        this.masterAdverIntUs = adverIntUs;
        this.advertIntervalOnWire = spec.advertIntervalOnWire();
        this.basePriority = spec.priority();
        this.effectivePriority = basePriority;
        this.totalPriority = basePriority;
        // keepalived: the owner acts as though state MASTER had been given (nopreempt is cleared for it)
        this.wantState = spec.isAddressOwner() ? VrrpState.MASTER : spec.state();
        List<TrackerSpec> list = spec.trackers();
        boolean ownIf = !spec.dontTrackPrimary();
        int n = list.size() + (ownIf ? 1 : 0);
        trackers = new TrackerSpec[n];
        trackerStatus = new TrackerSpec.Status[n];
        trackerValue = new long[n];
        for (int i = 0; i < list.size(); i++) {
            trackers[i] = list.get(i);
            trackerIndex.computeIfAbsent(list.get(i).kind(), k -> new HashMap<>()).putIfAbsent(list.get(i).name(), i);
        }
        ownInterfaceIndex = ownIf ? n - 1 : -1;
        if (ownIf) {
            trackers[n - 1] = TrackerSpec.iface(spec.interfaceName(), 0);
        }
        for (int i = 0; i < n; i++) {
            trackerStatus[i] = trackers[i].initial();
            trackerValue[i] = trackers[i].initialValue();
        }
        this.msDownTimerUs = masterDownIntervalUs();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Accessors

    public InstanceSpec spec() { return spec; }
    public String name() { return name; }
    public VrrpState state() { return state; }
    public TransitionReason lastReason() { return lastReason; }
    /**
     * What caused the last transition, for timelines: the tracked object ("script chk_nginx"), the advert ("advert
     * from 192.0.2.2 priority 150"), the sync group member ("sync group VG_1 (VI_2)"), or {@code null}.
     */
    public String lastReasonDetail() { return lastReasonDetail; }
    public long lastTransitionNanos() { return lastTransitionNanos; }
    public int effectivePriority() { return effectivePriority; }
    public int basePriority() { return basePriority; }
    public SyncGroup syncGroup() { return sync; }
    public IpAddress sourceAddress() { return sourceAddress; }
    public IpAddress masterAddress() { return masterAddress; }
    public int masterPriority() { return masterPriority; }
    /** Master_Adver_Interval in microseconds (v3: learnt from the master while backup). */
    public long masterAdvertIntervalMicros() { return masterAdverIntUs; }
    public boolean virtualAddressesSet() { return vipSet; }
    /** Our advert interval as it goes on the wire: seconds (v2) or centiseconds (v3). */
    public int advertIntervalOnWire() { return advertIntervalOnWire; }
    /**
     * Accept mode in force. RFC 5798 6.1, Accept_Mode: "Controls whether a virtual router in Master state will accept
     * packets addressed to the address owner's IPvX address as its own if it is not the IPvX address owner." The owner
     * always accepts; keepalived adds its drop rule only for a non-owner without accept.
     */
    public boolean acceptMode() { return spec.accept() || basePriority == InstanceSpec.PRIORITY_OWNER; }
    public long advertisementsReceived() { return advertisementsReceived; }
    public long advertisementsSent() { return advertisementsSent; }
    public long becomeMaster() { return becomeMaster; }
    public long releaseMaster() { return releaseMaster; }
    public long priorityZeroPktsRcvd() { return priorityZeroPktsRcvd; }
    public long priorityZeroPktsSent() { return priorityZeroPktsSent; }
    public long addressListErrors() { return addressListErrors; }
    public long advertiseIntervalErrors() { return advertiseIntervalErrors; }

    /**
     * The receive validator dropped (or, from the owner, let through) an advert of this VRID whose address list is
     * not ours: counted with this instance's other statistics, as keepalived's {@code vrrp->stats->addr_list_err}.
     */
    public void countAddressListError() { addressListErrors++; }

    /** The receive validator dropped an advert of this VRID for its advertisement interval. */
    public void countAdvertIntervalError() { advertiseIntervalErrors++; }

    /**
     * Zeroes the counters above: keepalived's SIGRTMAX-1 (STATS_CLEAR) memsets {@code vrrp->stats} after writing
     * keepalived.stats. The state, priorities and timers are untouched.
     */
    public void clearStatistics() {
        advertisementsReceived = 0;
        advertisementsSent = 0;
        becomeMaster = 0;
        releaseMaster = 0;
        priorityZeroPktsRcvd = 0;
        priorityZeroPktsSent = 0;
        addressListErrors = 0;
        advertiseIntervalErrors = 0;
    }

    /** When {@link #onTimer} must next be called; {@link #NEVER} when nothing is scheduled. */
    public long nextDeadline() {
        return Math.min(sands, Math.min(garpDelayAt, garpLowerPrioAt));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Timers (RFC 3768 6.1 / RFC 5798 6.1), keepalived's VRRP_TIMER_SKEW and VRRP_MS_DOWN_TIMER

    /**
     * Skew_Time in microseconds. RFC 3768: (256 - Priority) / 256 seconds. RFC 5798: ((256 - Priority) *
     * Master_Adver_Interval) / 256 centiseconds; keepalived computes it as (256 - prio) * cs * 625 / 16 microseconds.
     */
    public long skewTimeMicros() {
        return skewCalc(256 - effectivePriority);
    }

    private long skewCalc(long priVal) {
        if (spec.version() == 3) {
            return priVal * (masterAdverIntUs / 10_000) * 625 / 16;
        }
        return priVal * TIMER_HZ / 256;
    }

    /** Master_Down_Interval = down_timer_adverts (3) x Master_Adver_Interval + Skew_Time, microseconds. */
    public long masterDownIntervalMicros() {
        return masterDownIntervalUs();
    }

    private long masterDownIntervalUs() {
        return spec.downTimerAdverts() * masterAdverIntUs + skewCalc(256 - effectivePriority);
    }

    /** keepalived's vrrp_init_instance_sands, including vrrp_startup_delay for backups. */
    private void initSands(long now) {
        switch (state) {
            case MASTER -> sands = now + adverIntUs * US;
            case BACKUP -> sands = (delayedStartTime > now ? delayedStartTime : now) + msDownTimerUs * US;
            default -> sands = NEVER;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Start

    /**
     * Starts the instance (keepalived's vrrp_init_state): every instance starts in BACKUP and a non-owner waits a full
     * Master_Down_Interval even with {@code state MASTER}; the owner (priority 255) becomes MASTER at once (RFC 5798
     * 6.4.1: "If the Priority = 255 ... transition to the Master state"). A member of a sync group starts the whole
     * group.
     */
    public void start(long now) {
        if (started) {
            return;
        }
        if (sync != null) {
            sync.start(now);
            return;
        }
        initTracking(now);
        initState(now);
    }

    /**
     * Starts this instance in place of {@code previous}, the running instance it replaces on a reload (SIGHUP; same
     * VRID, family, interface and unicast source or group), as keepalived's reload does: a MASTER stays MASTER with no
     * election and no notification (its addresses are set again, so new ones appear, and gratuitous ARPs go out for
     * them), a BACKUP stays BACKUP with a fresh Master_Down_Timer, and tracker states carry over by name
     * ({@link #carryOver}). A FAULT, or an instance whose trackers are now down or unknown, starts as at startup. A sync
     * group member is resumed by its group ({@link SyncGroup#resume}); it gets here only when the group starts afresh.
     */
    public void resume(long now, InstanceMachine previous) {
        if (started) {
            return;
        }
        carryOver(previous);
        VrrpState was = previous.state;
        if (sync != null || (was != VrrpState.MASTER && was != VrrpState.BACKUP)) {
            // a sync group member gets here only when its group could not keep its state (SyncGroup#resume)
            start(now);
            return;
        }
        initTracking(now);
        if (numFaults > 0 || numInit > 0 || delayedStartTime > now) {
            initState(now);
            return;
        }
        keepState(now, was);
    }

    /**
     * What a reload carries over from the instance this one replaces: vrrp_script and interface tracker states, the
     * master it knew, and its counters (keepalived's restore_vrrp_state copies {@code vrrp->stats}). track_file values
     * and vrrp_track_process quorums are not carried: keepalived reads the files and scans the processes again at a
     * reload, so they come fresh with this instance's configuration (a track_file now naming another file has that
     * file's value).
     */
    void carryOver(InstanceMachine previous) {
        for (int i = 0; i < trackers.length; i++) {
            if (trackers[i].kind() == TrackerKind.FILE || trackers[i].kind() == TrackerKind.PROCESS) {
                continue;
            }
            int j = previous.trackerIndex(trackers[i].kind(), trackers[i].name());
            if (j >= 0) {
                trackerStatus[i] = previous.trackerStatus[j];
                trackerValue[i] = previous.trackerValue[j];
            }
        }
        masterAddress = previous.masterAddress;
        masterPriority = previous.masterPriority;
        advertisementsReceived = previous.advertisementsReceived;
        advertisementsSent = previous.advertisementsSent;
        becomeMaster = previous.becomeMaster;
        releaseMaster = previous.releaseMaster;
        priorityZeroPktsRcvd = previous.priorityZeroPktsRcvd;
        priorityZeroPktsSent = previous.priorityZeroPktsSent;
        addressListErrors = previous.addressListErrors;
        advertiseIntervalErrors = previous.advertiseIntervalErrors;
    }

    /** Whether tracking (after {@link #initTracking}) lets this instance keep its state: no fault, none unknown, no delay. */
    boolean canKeepState(long now) {
        return numFaults == 0 && numInit == 0 && delayedStartTime <= now;
    }

    /**
     * keepalived's restore_vrrp_state: the state before the reload, kept with no election and no notification. A MASTER
     * advertises at once and sets its addresses again (new ones appear, with gratuitous ARPs); a BACKUP gets a fresh
     * Master_Down_Timer. Call after {@link #initTracking}.
     */
    void keepState(long now, VrrpState was) {
        notifiesSent = true; // the state did not change: nothing to notify
        if (was == VrrpState.MASTER) {
            masterAdverIntUs = adverIntUs;
            transition(now, VrrpState.MASTER, TransitionReason.RELOAD, null);
            sendAdvert(effectivePriority);
            sands = now + adverIntUs * US;
            setVirtualAddresses(now);
        } else {
            transition(now, VrrpState.BACKUP, TransitionReason.RELOAD, null);
            msDownTimerUs = masterDownIntervalUs();
            initSands(now);
        }
    }

    /** keepalived's initialise_tracking_priorities for this instance. */
    void initTracking(long now) {
        started = true;
        if (!spec.startupDelay().isZero()) {
            delayedStartTime = now + spec.startupDelay().toNanos();
        }
        numFaults = 0;
        numInit = 0;
        for (int i = 0; i < trackers.length; i++) {
            if (isInit(i)) {
                numInit++;
            } else if (isFault(i)) {
                numFaults++;
                log(faultAtInitLine(i));
                if (!faultedAtInit) {
                    pendingTracker = i;
                }
                faultedAtInit = true; // keepalived sets the state to FAULT here, before vrrp_init_state
            }
        }
        totalPriority = basePriority + weightedSum();
        setEffectivePriority(now, false);
    }

    private String faultAtInitLine(int i) {
        TrackerSpec t = trackers[i];
        return switch (t.kind()) {
            case SCRIPT, BFD -> "(" + name + "): entering FAULT state due to script " + t.name();
            case INTERFACE -> "(" + name + "): entering FAULT state (interface " + t.name() + " down)";
            case FILE -> "(" + name + "): entering FAULT state (tracked file " + t.name() + " has status "
                    + fileStatus(i) + ")";
            case PROCESS -> prefix + "entering FAULT state (tracked process " + t.name() + " quorum not achieved)";
        };
    }

    /** keepalived's vrrp_init_state for this instance. */
    void initState(long now) {
        VrrpState begin = faultedAtInit ? VrrpState.FAULT : state;
        if (begin == VrrpState.FAULT) {
            wantState = VrrpState.FAULT;
        }
        VrrpState newState = sync != null ? sync.state() : wantState;
        boolean up = numFaults == 0;
        boolean initHeld = numInit > 0 || (sync != null && sync.membersInInit() > 0);
        if (up && newState == VrrpState.MASTER && !initHeld && basePriority == InstanceSpec.PRIORITY_OWNER
                && wantState == VrrpState.MASTER) {
            // keepalived goes BACKUP with a 1 us down timer; we take the transition at once
            state = VrrpState.BACKUP;
            stateGoToMaster(now, TransitionReason.PRIORITY_OWNER);
            return;
        }
        if (newState == VrrpState.BACKUP && wantState == VrrpState.MASTER) {
            msDownTimerUs = masterAdverIntUs + skewCalc(1);
        } else {
            msDownTimerUs = masterDownIntervalUs();
        }
        restoreInterface(false); // (after a reload: a master that may no longer be one drops its addresses)
        if (up && newState != VrrpState.FAULT && !initHeld) {
            if (state != VrrpState.BACKUP) {
                transition(now, VrrpState.BACKUP, TransitionReason.STARTUP, prefix + "Entering BACKUP STATE (init)");
            }
        } else {
            if (begin != VrrpState.FAULT) {
                transition(now, VrrpState.FAULT, TransitionReason.STARTUP, prefix + "Entering FAULT STATE (init)");
            } else {
                transition(now, VrrpState.FAULT, TransitionReason.TRACKER_FAULT, null);
            }
        }
        if (begin != state && (state != VrrpState.FAULT || numFaults > 0)) {
            // (an instance faulted by its trackers at init sends no notification, as keepalived)
            sendInstanceNotifies();
        }
        initSands(now);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Timer

    /** Runs whatever is due at {@code now}: master down timer, advert timer, delayed GARP batches. */
    public void onTimer(long now) {
        if (garpDelayAt <= now) {
            garpDelayAt = NEVER;
            if (state == VrrpState.MASTER && vipSet) {
                sendLinkUpdate(spec.garpMasterRepeat());
            }
        }
        if (garpLowerPrioAt <= now) {
            garpLowerPrioAt = NEVER;
            if (state == VrrpState.MASTER && vipSet) {
                sendLinkUpdate(spec.garpLowerPrioRepeat());
            }
        }
        if (sands > now) {
            return;
        }
        VrrpState prev = state;
        switch (state) {
            case BACKUP -> onTimerBackup(now);
            case MASTER -> onTimerMaster(now);
            default -> sands = NEVER;
        }
        tsmHandle(prev, now);
        initSands(now);
    }

    /** RFC 5798 6.4.2: "If the Master_Down_Timer fires, then: Send an ADVERTISEMENT ... Transition to the Master state". */
    private void onTimerBackup(long now) {
        if (spec.logDetail()) {
            log(prefix + "Receive advertisement timeout");
        }
        wantState = VrrpState.MASTER;
        stateGoToMaster(now, downTimerIsSkew ? TransitionReason.MASTER_LEFT : TransitionReason.MASTER_DOWN_TIMER);
    }

    /** RFC 5798 6.4.3: "If the Adver_Timer fires, then: Send an ADVERTISEMENT; Reset the Adver_Timer". */
    private void onTimerMaster(long now) {
        stateMasterTx(now);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Received advertisement

    /**
     * A valid advertisement for this VRID arrived: the receive validator ({@link halo.vrrp.wire.AdvertValidator}) has
     * run every check of RFC 3768 / RFC 5798 section 7.1 (TTL, version, type, length, checksum, authentication, the
     * v2 interval, the address list with keepalived's skip_check_adv_addr and owner exception) and dropped the
     * adverts that fail them.
     *
     * @param now               nanoseconds
     * @param priority          the advert's priority (0 = the master is leaving)
     * @param advertInterval    as on the wire: seconds (v2) or centiseconds (v3)
     * @param source            the sender's address (reuse one IpAddress per peer: receiving then allocates nothing)
     */
    public void onAdvert(long now, int priority, int advertInterval, IpAddress source) {
        if (state != VrrpState.BACKUP && state != VrrpState.MASTER) {
            // "We just ignore a message received when we are in fault state or not yet fully initialised"
            return;
        }
        advertisementsReceived++;
        if (priority == 0) {
            priorityZeroPktsRcvd++;
        }
        VrrpState prev = state;
        if (state == VrrpState.BACKUP) {
            stateBackup(now, priority, advertInterval, source);
        } else if (stateMasterRx(now, priority, advertInterval, source)) {
            stateLeaveMaster(now, false, priority > effectivePriority ? TransitionReason.HIGHER_PRIORITY_ADVERT
                    : TransitionReason.EQUAL_PRIORITY_HIGHER_ADDRESS);
        }
        tsmHandle(prev, now);
        // "If we have sent an advert, reset the timer"
        if (state == VrrpState.MASTER && !spec.lowerPrioNoAdvert()) {
            initSands(now);
        }
    }

    /** keepalived's vrrp_state_backup; RFC 5798 6.4.2 "If an ADVERTISEMENT is received". */
    private void stateBackup(long now, int priority, int advertInterval, IpAddress source) {
        if (priority == 0) {
            // "If the Priority in the ADVERTISEMENT is zero, then: Set the Master_Down_Timer to Skew_Time"
            if (spec.logDetail()) {
                log(prefix + "Backup received priority 0 advertisement");
            }
            msDownTimerUs = skewTimeMicros();
            downTimerIsSkew = true;
            initSands(now);
        } else if (spec.nopreempt() || priority >= effectivePriority
                || (!spec.preemptDelay().isZero() && (!preemptTimeSet || preemptTime > now))) {
            // "If Preempt_Mode is False, or if the Priority in the ADVERTISEMENT is greater than or equal to the local
            // Priority, then: Set Master_Adver_Interval to Adver Interval contained in the ADVERTISEMENT; Recompute
            // the Master_Down_Interval; Reset the Master_Down_Timer to Master_Down_Interval"
            if (spec.version() == 3) {
                long advertUs = advertInterval * 10_000L;
                if (masterAdverIntUs != advertUs) {
                    if (spec.logDetail()) {
                        log(prefix + "advertisement interval updated from " + masterAdverIntUs / 1000 + "ms to "
                                + advertUs / 1000 + "ms by master");
                    }
                    masterAdverIntUs = advertUs;
                }
            }
            msDownTimerUs = masterDownIntervalUs();
            downTimerIsSkew = false;
            masterAddress = source;
            masterPriority = priority;
            if (!spec.preemptDelay().isZero()) {
                if (priority >= effectivePriority) {
                    if (preemptTimeSet) {
                        if (spec.logDetail()) {
                            log(prefix + "stop preempt delay");
                        }
                        preemptTimeSet = false;
                    }
                } else if (!preemptTimeSet) {
                    long us = spec.preemptDelay().toNanos() / US;
                    if (spec.logDetail()) {
                        log(prefix + "start preempt delay (" + us / TIMER_HZ + "." + String.format("%06d", us % TIMER_HZ) + ")");
                    }
                    preemptTime = now + us * US;
                    preemptTimeSet = true;
                }
            }
            // held in backup by a sync group: now we have heard a master, we want BACKUP
            wantState = VrrpState.BACKUP;
            initSands(now);
        } else {
            // "Otherwise: Discard the ADVERTISEMENT" (the down timer keeps running: we will preempt)
            log(prefix + "received lower priority (" + priority + ") advert from " + source + " - discarding");
            masterAddress = source;
        }
    }

    /**
     * keepalived's vrrp_state_master_rx; RFC 5798 6.4.3 "If an ADVERTISEMENT is received". Returns true when we must
     * leave MASTER for BACKUP.
     */
    private boolean stateMasterRx(long now, int priority, int advertInterval, IpAddress source) {
        int addrCmp = compareWithOurs(source);
        // "If the Priority in the ADVERTISEMENT is zero, then: Send an ADVERTISEMENT; Reset the Adver_Timer"
        if (priority == 0 || (spec.higherPrioSendAdvert()
                && (priority > effectivePriority || (priority == effectivePriority && addrCmp > 0)))) {
            sendAdvert(effectivePriority);
            if (priority == 0) {
                if (spec.logDetail()) {
                    log(prefix + "Master received priority 0 message");
                }
                return false;
            }
        }
        if (priority == effectivePriority) {
            if (addrCmp == 0) {
                log(prefix + "WARNING - equal priority advert received from remote host with our IP address.");
            } else if (effectivePriority == InstanceSpec.PRIORITY_OWNER) {
                log(prefix + "CONFIGURATION ERROR: local instance and a remote instance are both configured as address"
                        + " owner, please fix - reducing local priority");
                effectivePriority = InstanceSpec.PRIORITY_OWNER - 1;
                basePriority = InstanceSpec.PRIORITY_OWNER - 1;
            }
        }
        if (priority < effectivePriority || (priority == effectivePriority && addrCmp < 0)) {
            // a lower priority router thinks it is master: answer at once so it backs off (forcing a new election)
            log(prefix + "Received advert from " + source + " with lower priority " + priority + ", ours "
                    + effectivePriority + (spec.lowerPrioNoAdvert() ? "" : ", forcing new election"));
            if (!spec.lowerPrioNoAdvert()) {
                sendAdvert(effectivePriority);
            }
            if (spec.garpLowerPrioRepeat() > 0) {
                sendLinkUpdate(spec.garpLowerPrioRepeat());
                if (!spec.garpLowerPrioDelay().isZero()) {
                    garpLowerPrioAt = now + spec.garpLowerPrioDelay().toNanos();
                }
            }
            if (sync != null) {
                sync.lowerPriorityGarps(this, now);
            }
            sendEventNotify("MASTER_RX_LOWER_PRI");
            return false;
        }
        if (priority > effectivePriority || (priority == effectivePriority && addrCmp > 0)) {
            // "If the Priority in the ADVERTISEMENT is greater than the local Priority or the Priority in the
            // ADVERTISEMENT is equal to the local Priority and the primary IPvX Address of the sender is greater than
            // the local primary IPvX Address, then: Cancel Adver_Timer; Set Master_Adver_Interval ...; Recompute the
            // Skew_Time; Recompute the Master_Down_Interval; Set Master_Down_Timer ...; Transition to the Backup state"
            if (priority > effectivePriority) {
                log(prefix + "Master received advert from " + source + " with higher priority " + priority + ", ours "
                        + effectivePriority);
            } else {
                log(prefix + "Master received advert from " + source + " with same priority " + priority
                        + " but higher IP address than ours");
            }
            if (spec.version() == 3) {
                masterAdverIntUs = advertInterval * 10_000L;
            }
            msDownTimerUs = masterDownIntervalUs();
            downTimerIsSkew = false;
            masterPriority = priority;
            masterAddress = source; // (keepalived only records it for SNMP on the next advert; status shows it now)
            pendingSource = source;
            pendingPriority = priority;
            wantState = VrrpState.BACKUP;
            return true;
        }
        return false;
    }

    private void sendEventNotify(String event) {
        String script = spec.notifyScripts().notifyMasterRxLowerPri();
        if (script != null) {
            actions.runScript(script, List.of(), false);
        }
        actions.writeFifo("INSTANCE \"" + name + "\" " + event + " " + effectivePriority);
    }

    /** RFC 5798 6.4.3 tie-break: compare the sender's primary address with ours (keepalived's vrrp_saddr_cmp). */
    private int compareWithOurs(IpAddress source) {
        if (sourceAddress == null || source == null || sourceAddress.isV6() != source.isV6()) {
            return 0;
        }
        return Integer.signum(source.compareTo(sourceAddress));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Transitions (keepalived's vrrp_state_goto_master, vrrp_state_leave_master, vrrp_state_leave_fault)

    /** Every state change goes through here: records the reason, logs keepalived's line, tells the sink. */
    private void transition(long now, VrrpState to, TransitionReason reason, String logLine) {
        VrrpState from = state;
        if (from == to) {
            // keepalived re-enters the same state on some paths (notifications only): keep the recorded cause
            if (logLine != null) {
                log(logLine);
            }
            return;
        }
        state = to;
        lastReason = reason;
        lastReasonDetail = detail(reason);
        pendingTracker = -1;
        pendingSource = null;
        pendingGroupTrigger = null;
        lastTransitionNanos = now;
        if (logLine != null) {
            log(logLine);
        }
        actions.stateChanged(this, from, to, reason);
    }

    private String detail(TransitionReason reason) {
        return switch (reason) {
            case TRACKER_FAULT, TRACKER_RECOVERED -> pendingTracker < 0 ? null
                    : trackers[pendingTracker].kind().name().toLowerCase(java.util.Locale.ROOT) + " "
                    + trackers[pendingTracker].name();
            case HIGHER_PRIORITY_ADVERT, EQUAL_PRIORITY_HIGHER_ADDRESS -> pendingSource == null ? null
                    : "advert from " + pendingSource + " priority " + pendingPriority;
            case MASTER_LEFT -> masterAddress == null ? null : "priority 0 from " + masterAddress;
            case SYNC_GROUP -> sync == null ? null
                    : "sync group " + sync.name() + (pendingGroupTrigger == null ? "" : " (" + pendingGroupTrigger.name() + ")");
            default -> null;
        };
    }

    /** The sync group is about to move this member because of {@code trigger}. */
    void groupTrigger(InstanceMachine trigger) {
        pendingGroupTrigger = trigger;
    }

    void stateGoToMaster(long now, TransitionReason reason) {
        if (sync != null && !sync.canGoToMaster(this, now)) {
            wantState = VrrpState.MASTER;
            return;
        }
        // RFC 5798 6.4.1/6.4.2: "Send an ADVERTISEMENT; ... Set the Adver_Timer to Advertisement_Interval; ...
        // Transition to the Master state". The advert goes first so the old master drops the VIPs before our GARPs.
        masterAdverIntUs = adverIntUs;
        sands = now + adverIntUs * US;
        sendAdvert(effectivePriority);
        transition(now, VrrpState.MASTER, reason, prefix + "Entering MASTER STATE");
        becomeMasterActions(now);
    }

    /** keepalived's vrrp_state_become_master. */
    private void becomeMasterActions(long now) {
        becomeMaster++;
        setVirtualAddresses(now);
        sendInstanceNotifies();
        garpDelayAt = spec.garpMasterDelay().isZero() ? NEVER : now + spec.garpMasterDelay().toNanos();
    }

    /** Adds the VIPs, announces them and starts the GARP refresh timer. */
    private void setVirtualAddresses(long now) {
        if (spec.logDetail()) {
            log(prefix + "setting VIPs.");
        }
        actions.addVirtualAddresses(this);
        vipSet = true;
        // RFC 5798 6.4.1: "for each IPv4 address associated with the virtual router, broadcast a gratuitous ARP
        // request"; "for each IPv6 address ..., send an Unsolicited Neighbor Advertisement with the Router Flag (R)
        // set"
        sendLinkUpdate(spec.garpMasterRepeat());
        garpRefreshAt = spec.garpMasterRefresh().isZero() ? NEVER : now + spec.garpMasterRefresh().toNanos();
    }

    /** keepalived's vrrp_state_master_tx: the periodic advert, with the GARP refresh when due. */
    private void stateMasterTx(long now) {
        sendAdvert(effectivePriority);
        if (vipSet && garpRefreshAt != NEVER && now > garpRefreshAt) {
            sendLinkUpdate(spec.garpMasterRefreshRepeat());
            garpRefreshAt = now + spec.garpMasterRefresh().toNanos();
        }
    }

    /**
     * One of our virtual addresses was deleted behind our back (netlink RTM_DELADDR we did not cause). keepalived
     * 2.2.7, seen doing it: a MASTER leaves for BACKUP sending priority 0 (so a backup may take over at once), and
     * unless one does, takes mastership back after about one advert interval, adding its addresses again.
     */
    public void onVirtualAddressDeleted(long now) {
        if (state != VrrpState.MASTER) {
            return;
        }
        VrrpState wanted = wantState;
        wantState = VrrpState.BACKUP;
        stateLeaveMaster(now, true, TransitionReason.TRACKER_FAULT);
        wantState = wanted;
        msDownTimerUs = masterAdverIntUs + skewCalc(256 - effectivePriority);
        initSands(now);
    }

    void stateLeaveMaster(long now, boolean advF, TransitionReason reason) {
        VrrpState to = wantState;
        String line;
        if (to == VrrpState.BACKUP) {
            line = prefix + "Entering BACKUP STATE";
            preemptTimeSet = false;
        } else if (to == VrrpState.FAULT) {
            line = prefix + "Entering FAULT STATE";
        } else {
            log(prefix + "vrrp_state_leave_master called with invalid wantstate " + to);
            return;
        }
        transition(now, to, reason, line);
        // RFC 5798 6.4.3 (shutdown / leaving): "Send an ADVERTISEMENT with Priority = 0" so backups wait only Skew_Time.
        // keepalived sends it for FAULT here and again in vrrp_restore_interface; one is enough.
        restoreInterface(advF || to == VrrpState.FAULT);
        sendInstanceNotifies();
        msDownTimerUs = masterDownIntervalUs();
        downTimerIsSkew = false;
        initSands(now);
        releaseMaster++;
    }

    void stateLeaveFault(long now, TransitionReason reason) {
        if (wantState == VrrpState.MASTER) {
            stateGoToMaster(now, reason);
        } else {
            String line = state != wantState
                    ? prefix + "Entering " + (wantState == VrrpState.BACKUP ? "BACKUP" : "FAULT") + " STATE" : null;
            if (wantState == VrrpState.FAULT && state == VrrpState.MASTER) {
                restoreInterface(true);
            }
            transition(now, wantState, reason, line);
            sendInstanceNotifies();
            if (state == VrrpState.BACKUP) {
                preemptTimeSet = false;
            }
        }
        masterAdverIntUs = adverIntUs;
        msDownTimerUs = masterDownIntervalUs();
        downTimerIsSkew = false;
        initSands(now);
    }

    /** Quietly put in FAULT by the sync group before {@link #stateLeaveFault} (keepalived's "bit of a bodge"). */
    void forceFaultQuietly(long now, TransitionReason reason) {
        transition(now, VrrpState.FAULT, reason, null);
    }

    /** keepalived's vrrp_restore_interface: priority-0 advert when asked, then remove the VIPs. */
    private void restoreInterface(boolean advF) {
        if (advF) {
            sendAdvert(0);
            priorityZeroPktsSent++;
            if (spec.logDetail()) {
                log(prefix + "sent 0 priority");
            }
        }
        garpDelayAt = NEVER;
        garpLowerPrioAt = NEVER;
        garpRefreshAt = NEVER;
        if (vipSet) {
            if (spec.logDetail()) {
                log(prefix + "removing VIPs.");
            }
            actions.removeVirtualAddresses(this);
            vipSet = false;
        }
    }

    /** After a sync group refused us MASTER: wait another Master_Down_Interval (vrrp_sync_can_goto_master). */
    void holdForGroup(long now) {
        msDownTimerUs = masterDownIntervalUs();
        initSands(now);
    }

    /** keepalived's VRRP_TSM_HANDLE: sync group handlers after an event changed (or kept) our state. */
    private void tsmHandle(VrrpState prev, long now) {
        if (sync == null) {
            return;
        }
        if (state == VrrpState.MASTER && prev != VrrpState.INIT) {
            sync.syncMaster(this, now);
        } else if (prev == VrrpState.MASTER && state == VrrpState.BACKUP) {
            sync.syncBackup(this, now);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Shutdown

    /**
     * Stops the instance: a master sends an advert with priority 0 and removes its addresses (RFC 5798 6.4.3: "If a
     * Shutdown event is received, then: Cancel the Adver_Timer; Send an ADVERTISEMENT with Priority = 0; Transition to
     * the Initialize state"); notify_stop runs. Call {@link SyncGroup#shutdown} after its members.
     */
    public void shutdown(long now) {
        if (state == VrrpState.STOP) {
            return;
        }
        if (state == VrrpState.MASTER) {
            restoreInterface(true);
        }
        sands = NEVER;
        garpDelayAt = NEVER;
        garpLowerPrioAt = NEVER;
        transition(now, VrrpState.STOP, TransitionReason.SHUTDOWN, null);
        sendInstanceNotifies();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Trackers (keepalived's vrrp_track.c)

    /** Index of the tracker of this kind and name, -1 if none. */
    public int trackerIndex(TrackerKind kind, String name) {
        Map<String, Integer> byName = trackerIndex.get(kind);
        Integer i = byName == null ? null : byName.get(name);
        return i == null ? -1 : i;
    }

    /** A tracked script/interface/process/BFD changed state. Objects this instance does not track are ignored. */
    public void onTrackerStatus(long now, TrackerKind kind, String name, boolean up) {
        int i = trackerIndex(kind, name);
        if (i >= 0) {
            onTrackerStatus(now, i, up);
        }
    }

    public void onTrackerStatus(long now, int index, boolean up) {
        TrackerSpec.Status s = up ? TrackerSpec.Status.UP : TrackerSpec.Status.DOWN;
        if (trackerStatus[index] == s) {
            return;
        }
        trackerStatus[index] = s;
        pendingTracker = index;
        trackersChanged(now);
    }

    /** A tracked file now holds {@code value}. */
    public void onTrackFileValue(long now, String trackFileName, long value) {
        int i = trackerIndex(TrackerKind.FILE, trackFileName);
        if (i >= 0 && trackerValue[i] != value) {
            trackerValue[i] = value;
            pendingTracker = i;
            trackersChanged(now);
        }
    }

    /** The instance's own interface went up or down (ignored with dont_track_primary). */
    public void onInterfaceChange(long now, boolean up) {
        if (ownInterfaceIndex >= 0) {
            onTrackerStatus(now, ownInterfaceIndex, up);
        }
    }

    public TrackerSpec.Status trackerStatus(int index) {
        return trackerStatus[index];
    }

    private int weight(int i) {
        // keepalived: weights of trackers of sync group members are ignored unless sync_group_tracking_weight
        if (sync != null && !sync.trackingWeight()) {
            return 0;
        }
        return trackers[i].weight();
    }

    private long fileStatus(int i) {
        TrackerSpec t = trackers[i];
        int w = weight(i);
        if (w == 0) {
            return ((trackerValue[i] != 0) == !t.reverse()) ? -254 : 0;
        }
        return trackerValue[i] * w * (t.reverse() ? -1 : 1);
    }

    /** A weight-0 script that has not reported yet holds the instance (keepalived's num_script_init). */
    private boolean isInit(int i) {
        return trackers[i].kind() != TrackerKind.FILE && weight(i) == 0
                && trackerStatus[i] == TrackerSpec.Status.UNKNOWN;
    }

    private boolean isFault(int i) {
        TrackerSpec t = trackers[i];
        if (t.kind() == TrackerKind.FILE) {
            return fileStatus(i) <= -254;
        }
        if (weight(i) != 0 || trackerStatus[i] == TrackerSpec.Status.UNKNOWN) {
            return false;
        }
        // weight 0: down means FAULT; reverse: up means FAULT
        return (trackerStatus[i] == TrackerSpec.Status.UP) == t.reverse();
    }

    /**
     * The sum of weighted contributions: a positive weight is added while up, a negative one subtracted while down,
     * {@code reverse} flips the sense; a file adds value x weight (at most 253). Before the first report, nothing.
     */
    private int weightedSum() {
        long sum = 0;
        for (int i = 0; i < trackers.length; i++) {
            int w = weight(i);
            if (w == 0) {
                continue;
            }
            int m = trackers[i].reverse() ? -1 : 1;
            if (trackers[i].kind() == TrackerKind.FILE) {
                long s = fileStatus(i);
                if (s > -254) {
                    sum += Math.min(s, 253);
                }
            } else if (trackerStatus[i] == TrackerSpec.Status.UP) {
                sum += w > 0 ? (long) w * m : 0;
            } else if (trackerStatus[i] == TrackerSpec.Status.DOWN) {
                sum += w < 0 ? (long) w * m : 0;
            }
        }
        return (int) Math.max(-100_000, Math.min(100_000, sum));
    }

    private void trackersChanged(long now) {
        if (!started || state == VrrpState.STOP) {
            recount();
            totalPriority = basePriority + weightedSum();
            return;
        }
        int oldFaults = numFaults;
        int oldInit = numInit;
        recount();
        totalPriority = basePriority + weightedSum();
        setEffectivePriority(now, true);
        if (numFaults > 0 && oldFaults == 0) {
            downInstance(now);
        } else if (numFaults == 0 && numInit == 0 && (oldFaults > 0 || oldInit > 0)) {
            tryUpInstance(now, oldFaults == 0);
        }
    }

    private void recount() {
        numFaults = 0;
        numInit = 0;
        for (int i = 0; i < trackers.length; i++) {
            if (isInit(i)) {
                numInit++;
            } else if (isFault(i)) {
                numFaults++;
            }
        }
    }

    /** keepalived's down_instance. */
    private void downInstance(long now) {
        wantState = VrrpState.FAULT;
        if (state == VrrpState.MASTER) {
            stateLeaveMaster(now, true, TransitionReason.TRACKER_FAULT);
        } else {
            stateLeaveFault(now, TransitionReason.TRACKER_FAULT);
        }
        if (sync != null && sync.membersFaulted() == 1) {
            sync.syncFault(this, now);
        }
    }

    /** keepalived's try_up_instance, once no tracker holds the instance down. */
    private void tryUpInstance(long now, boolean leavingInit) {
        if (!(wantState == VrrpState.MASTER && basePriority == InstanceSpec.PRIORITY_OWNER)) {
            wantState = VrrpState.BACKUP;
        }
        masterAdverIntUs = adverIntUs;
        if (wantState == VrrpState.MASTER && basePriority == InstanceSpec.PRIORITY_OWNER) {
            msDownTimerUs = masterAdverIntUs + skewTimeMicros();
        } else {
            msDownTimerUs = masterDownIntervalUs();
        }
        if (sync != null && (sync.membersFaulted() > 0 || sync.membersInInit() > 0)) {
            return; // the group stays down until its last member recovers
        }
        VrrpState want = wantState;
        if (sync != null && wantState == VrrpState.MASTER && !sync.canGoToMaster(this, now)) {
            wantState = VrrpState.BACKUP;
        }
        stateLeaveFault(now, TransitionReason.TRACKER_RECOVERED);
        wantState = want;
        if (sync != null) {
            if (state == VrrpState.MASTER) {
                sync.syncMaster(this, now);
            } else {
                sync.syncBackup(this, now);
            }
        }
    }

    /** keepalived's vrrp_set_effective_priority: clamp to 1..254, never for the owner. */
    private void setEffectivePriority(long now, boolean running) {
        if (basePriority == InstanceSpec.PRIORITY_OWNER) {
            return;
        }
        int np = totalPriority < 1 ? 1 : Math.min(totalPriority, InstanceSpec.PRIORITY_OWNER - 1);
        if (np == effectivePriority) {
            return;
        }
        log(prefix + "Changing effective priority from " + effectivePriority + " to " + np);
        effectivePriority = np;
        long old = msDownTimerUs;
        msDownTimerUs = masterDownIntervalUs();
        if (state == VrrpState.BACKUP && sands != NEVER) {
            sands += (msDownTimerUs - old) * US;
        }
        if (spec.notifyPriorityChanges()) {
            actions.writeFifo("INSTANCE \"" + name + "\" " + (state == VrrpState.MASTER ? "MASTER_PRIORITY" : "BACKUP_PRIORITY")
                    + " " + effectivePriority);
        }
        if (running && state == VrrpState.MASTER) {
            // Advertise the new priority at once (issue 3; OpenBSD carp) rather than at the next interval.
            sendAdvert(effectivePriority);
            initSands(now);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Outputs

    private void sendAdvert(int priority) {
        advertisementsSent++;
        actions.sendAdvert(this, priority);
    }

    /** keepalived's vrrp_send_link_update: only while the VIPs are set. */
    void sendLinkUpdate(int repeat) {
        if (!vipSet || repeat <= 0) {
            return;
        }
        if (spec.logDetail()) {
            String what = spec.ipv6() ? "Unsolicited Neighbour Adverts" : "gratuitous ARPs";
            for (IpAddress vip : spec.virtualIpAddresses()) {
                log(prefix + "Sending/queueing " + what + " on " + spec.interfaceName() + " for " + vip);
            }
        }
        actions.sendGratuitousArps(this, repeat);
    }

    /** keepalived's send_instance_notifies: notify_STATE, then notify with 4 arguments, then the FIFO line. */
    private void sendInstanceNotifies() {
        if (notifiesSent && sync != null && state == sync.state()) {
            return; // already in this state through the sync group
        }
        notifiesSent = true;
        boolean stop = state == VrrpState.STOP;
        String script = spec.notifyScripts().forState(state);
        if (script != null) {
            actions.runScript(script, List.of(), stop);
        }
        String generic = spec.notifyScripts().notifyScript();
        if (generic != null) {
            actions.runScript(generic, List.of("INSTANCE", name, state.name(), Integer.toString(effectivePriority)), stop);
        }
        actions.writeFifo("INSTANCE \"" + name + "\" " + state.name() + " " + effectivePriority);
    }

    private void log(String line) {
        actions.log(line);
    }

    @Override
    public String toString() {
        return "InstanceMachine[" + name + " vrid " + spec.virtualRouterId() + " " + state + " prio " + effectivePriority + "]";
    }
}
