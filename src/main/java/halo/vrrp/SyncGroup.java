package halo.vrrp;

import java.util.List;

/**
 * A vrrp_sync_group (keepalived's vrrp_sync.c): its members go MASTER only when every member may be master, one
 * member going BACKUP pulls the others to BACKUP, one going FAULT pulls them all to FAULT. Group notify scripts and
 * FIFO lines ({@code GROUP "VG_1" MASTER 0}) go out on group state changes.
 */
public final class SyncGroup {
    private final String name;
    private final List<InstanceMachine> members;
    private final boolean trackingWeight;
    private final NotifyCommands notifyScripts;
    private final VrrpActions actions;
    private VrrpState state;
    private boolean started;

    /**
     * @param name                      vrrp_sync_group NAME
     * @param members                   the group's instances (each in at most one group), not yet started
     * @param syncGroupTrackingWeight   keepalived's sync_group_tracking_weight: keep the members' tracker weights
     *                                  (otherwise every tracked object of a member counts as weight 0: a failure is a
     *                                  FAULT of the whole group)
     * @param notifyScripts             the group's notify scripts (priority argument 0)
     */
    public SyncGroup(String name, List<InstanceMachine> members, boolean syncGroupTrackingWeight, NotifyCommands notifyScripts,
                     VrrpActions actions) {
        this.name = name;
        this.members = List.copyOf(members);
        this.trackingWeight = syncGroupTrackingWeight;
        this.notifyScripts = notifyScripts == null ? NotifyCommands.NONE : notifyScripts;
        this.actions = actions;
        VrrpState initial = VrrpState.MASTER;
        for (InstanceMachine m : this.members) {
            if (m.sync != null) {
                throw new IllegalArgumentException("Virtual router " + m.name() + " cannot exist in more than one sync group");
            }
            m.sync = this;
            // "Unless all members are master and address owner, then we must be backup"
            if (!(m.wantState == VrrpState.MASTER && m.basePriority() == InstanceSpec.PRIORITY_OWNER)) {
                initial = VrrpState.BACKUP;
            }
        }
        this.state = initial;
    }

    public String name() { return name; }
    public VrrpState state() { return state; }
    public List<InstanceMachine> members() { return members; }
    boolean trackingWeight() { return trackingWeight; }

    int membersFaulted() {
        int n = 0;
        for (InstanceMachine m : members) {
            if (m.numFaults > 0) {
                n++;
            }
        }
        return n;
    }

    int membersInInit() {
        int n = 0;
        for (InstanceMachine m : members) {
            if (m.numInit > 0) {
                n++;
            }
        }
        return n;
    }

    /** Starts every member (keepalived's initialise_tracking_priorities and vrrp_init_state for a group). */
    public void start(long now) {
        if (started) {
            return;
        }
        started = true;
        for (InstanceMachine m : members) {
            m.initTracking(now);
            judgeTracking(m);
        }
        startStates(now);
    }

    /** start's second half, for members whose tracking is already initialised. */
    private void startTracked(long now) {
        for (InstanceMachine m : members) {
            judgeTracking(m);
        }
        startStates(now);
    }

    private void judgeTracking(InstanceMachine m) {
        if (m.numFaults > 0 && state != VrrpState.FAULT) {
            actions.log("VRRP_Group(" + name + "): Syncing " + m.name() + " to FAULT state");
            setState(VrrpState.FAULT);
        }
        if (m.numInit > 0 && state != VrrpState.FAULT) {
            setState(VrrpState.INIT);
        }
    }

    private void startStates(long now) {
        if (state == VrrpState.FAULT || state == VrrpState.BACKUP) {
            sendGroupNotifies();
        }
        for (InstanceMachine m : members) {
            m.initState(now);
        }
    }

    /**
     * A reload (keepalived's restore_vrrp_state, which keeps the state of every instance that stays, sync group members
     * included): when each member replaces an instance that was in the group's state, MASTER or BACKUP, and that
     * group had that state, the group keeps it and so does each member, with no election and no notification (a MASTER
     * keeps its addresses). Otherwise (a new member, members that were apart, a member now faulted, a tracker unknown)
     * the group starts as at startup.
     *
     * @param previousOf the instance each member replaces (absent: a new member)
     * @param was        the state of the group of the same name before the reload, or {@code null}
     */
    public void resume(long now, java.util.Map<InstanceMachine, InstanceMachine> previousOf, VrrpState was) {
        if (started) {
            return;
        }
        boolean keep = was == VrrpState.MASTER || was == VrrpState.BACKUP;
        for (InstanceMachine m : members) {
            InstanceMachine previous = previousOf.get(m);
            if (previous != null) {
                m.carryOver(previous);
            }
            keep &= previous != null && previous.state() == was;
        }
        if (!keep) {
            start(now);
            return;
        }
        started = true;
        for (InstanceMachine m : members) {
            m.initTracking(now);
        }
        if (!members.stream().allMatch(m -> m.canKeepState(now))) {
            startTracked(now);
            return;
        }
        state = was; // kept: no group notification
        for (InstanceMachine m : members) {
            m.keepState(now, was);
        }
    }

    /** vrrp_sync_can_goto_master: "Only sync to master if everyone wants to, i.e. prefer backup state to avoid thrashing". */
    boolean canGoToMaster(InstanceMachine vrrp, long now) {
        if (state == VrrpState.MASTER) {
            return true;
        }
        for (InstanceMachine m : members) {
            if (m != vrrp && m.wantState != VrrpState.MASTER) {
                vrrp.holdForGroup(now);
                return false;
            }
        }
        return true;
    }

    void syncMaster(InstanceMachine vrrp, long now) {
        if (state == VrrpState.MASTER || !canGoToMaster(vrrp, now)) {
            return;
        }
        actions.log("VRRP_Group(" + name + ") Syncing instances to MASTER state");
        for (InstanceMachine m : members) {
            if (m != vrrp && m.state() != VrrpState.MASTER) {
                m.wantState = VrrpState.MASTER;
                m.groupTrigger(vrrp);
                m.stateGoToMaster(now, TransitionReason.SYNC_GROUP);
            }
        }
        setState(VrrpState.MASTER);
        sendGroupNotifies();
    }

    void syncBackup(InstanceMachine vrrp, long now) {
        if (state == VrrpState.BACKUP) {
            return;
        }
        actions.log("VRRP_Group(" + name + ") Syncing instances to BACKUP state");
        for (InstanceMachine m : members) {
            if (m == vrrp || m.state() == VrrpState.BACKUP || m.state() == VrrpState.STOP) {
                continue;
            }
            m.wantState = VrrpState.BACKUP;
            m.groupTrigger(vrrp);
            if (m.state() == VrrpState.FAULT || m.state() == VrrpState.INIT) {
                m.stateLeaveFault(now, TransitionReason.SYNC_GROUP);
            } else {
                m.stateLeaveMaster(now, false, TransitionReason.SYNC_GROUP);
            }
        }
        setState(VrrpState.BACKUP);
        sendGroupNotifies();
    }

    void syncFault(InstanceMachine vrrp, long now) {
        if (state == VrrpState.FAULT) {
            return;
        }
        actions.log("VRRP_Group(" + name + ") Syncing instances to FAULT state");
        for (InstanceMachine m : members) {
            if (m == vrrp || m.state() == VrrpState.FAULT || m.state() == VrrpState.STOP) {
                continue;
            }
            m.wantState = VrrpState.FAULT;
            m.groupTrigger(vrrp);
            if (m.state() == VrrpState.MASTER) {
                m.stateLeaveMaster(now, false, TransitionReason.SYNC_GROUP);
            } else {
                m.forceFaultQuietly(now, TransitionReason.SYNC_GROUP);
                m.stateLeaveFault(now, TransitionReason.SYNC_GROUP);
            }
        }
        setState(VrrpState.FAULT);
        sendGroupNotifies();
    }

    /** A member master saw a lower priority advert: the other members with garp_lower_prio_repeat send GARPs too. */
    void lowerPriorityGarps(InstanceMachine vrrp, long now) {
        for (InstanceMachine m : members) {
            if (m != vrrp && m.spec().garpLowerPrioRepeat() > 0) {
                m.sendLinkUpdate(m.spec().garpLowerPrioRepeat());
            }
        }
    }

    /** The group's STOP notifications; call after its members' {@link InstanceMachine#shutdown}. */
    public void shutdown(long now) {
        if (state == VrrpState.STOP) {
            return;
        }
        setState(VrrpState.STOP);
        sendGroupNotifies();
    }

    private void setState(VrrpState to) {
        VrrpState from = state;
        state = to;
        if (from != to) {
            actions.groupStateChanged(this, from, to);
        }
    }

    /** keepalived's send_group_notifies. */
    private void sendGroupNotifies() {
        boolean stop = state == VrrpState.STOP;
        String script = notifyScripts.forState(state);
        if (script != null) {
            actions.runScript(script, List.of(), stop);
        }
        if (notifyScripts.notifyScript() != null) {
            actions.runScript(notifyScripts.notifyScript(), List.of("GROUP", name, state.name(), "0"), stop);
        }
        actions.writeFifo("GROUP \"" + name + "\" " + state.name() + " 0");
    }

    @Override
    public String toString() {
        return "SyncGroup[" + name + " " + state + " " + members.size() + " members]";
    }
}
