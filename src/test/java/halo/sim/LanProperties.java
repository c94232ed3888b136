package halo.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The safety and liveness rules of one virtual router, checked over a finished run's timeline and its fault schedule.
 * "Whole" means no partition and no loss: only then does the protocol promise anything.
 */
final class LanProperties {

    /**
     * One router's member on one node.
     *
     * @param scriptWeight    weight of its track_script (negative: subtracted while the script fails), 0 for none
     * @param masterDownNanos its Master_Down_Interval at its lowest effective priority (the longest)
     */
    record Member(String node, String instance, int priority, long address, boolean nopreempt, int scriptWeight,
                  long masterDownNanos) {
        Member(String node, String instance, int priority, long address, boolean nopreempt, long masterDownNanos) {
            this(node, instance, priority, address, nopreempt, 0, masterDownNanos);
        }

        /** keepalived: base priority plus weights, clamped to 1..254 (the owner's 255 never moves). */
        int effectivePriority(boolean scriptFailing) {
            if (priority == 255 || !scriptFailing) return priority;
            return Math.max(1, Math.min(254, priority + scriptWeight));
        }
    }

    private final List<Member> members;
    private final long advertNanos;
    private final long slackNanos;

    /**
     * @param slackNanos what the network and clocks add to protocol times: max link delay and jitter, timer jitter,
     *                   clock drift over one Master_Down_Interval
     */
    private final long scriptNanos;

    LanProperties(List<Member> members, long advertNanos, long slackNanos) {
        this(members, advertNanos, slackNanos, 0);
    }

    /** @param scriptNanos the vrrp_script interval: a script's failure shows at its next run, up to this later */
    LanProperties(List<Member> members, long advertNanos, long slackNanos, long scriptNanos) {
        this.members = List.copyOf(members);
        this.advertNanos = advertNanos;
        this.slackNanos = slackNanos;
        this.scriptNanos = scriptNanos;
    }

    long maxMasterDown() {
        return members.stream().mapToLong(Member::masterDownNanos).max().orElseThrow();
    }

    /** Returns every rule broken, in words; empty when the run is good. */
    List<String> check(List<Transition> transitions, FaultSchedule schedule, long end) {
        List<String> bad = new ArrayList<>();
        Map<String, Member> byNode = new HashMap<>();
        for (Member m : members) byNode.put(m.node(), m);
        Map<String, String> state = new HashMap<>();
        Set<String> up = new HashSet<>();
        Map<String, Long> bootedAt = new HashMap<>();
        Set<String> failing = new HashSet<>();
        for (Member m : members) {
            bootedAt.put(m.node(), 0L);
            state.put(m.node(), "INIT");
            up.add(m.node());
        }
        // Change points: transitions of our instances and the schedule's events.
        TreeSet<Long> times = new TreeSet<>();
        times.add(0L);
        times.add(end);
        List<Transition> ours = transitions.stream()
                .filter(t -> byNode.containsKey(t.node()) && byNode.get(t.node()).instance().equals(t.instance()))
                .toList();
        for (Transition t : ours) times.add(t.nanos());
        for (ScriptedEvent e : schedule.events()) times.add(e.atNanos());

        boolean partitioned = false;
        double loss = 0;
        long dualSince = -1, zeroSince = -1;
        long dualBound = advertNanos + slackNanos;
        long zeroBound = maxMasterDown() + slackNanos;
        int ti = 0, ei = 0;
        Set<String> mastersAtHeal = null;
        for (long t : times) {
            // Before applying what happens at t: the condition held over the whole of [since, t).
            if (dualSince >= 0 && t - dualSince > dualBound)
                bad.add("two masters from " + ms(dualSince) + " to " + ms(t) + " ms while the LAN was whole (bound "
                        + ms(dualBound) + " ms)");
            if (zeroSince >= 0) {
                // Each node up all along would have timed out within Master_Down_Interval of the later of the
                // start of the silence and its own boot (a node that boots waits a full interval).
                long deadline = Long.MAX_VALUE;
                for (String n : up) deadline = Math.min(deadline, Math.max(zeroSince, bootedAt.get(n)) + zeroBound);
                if (t > deadline)
                    bad.add("no master from " + ms(zeroSince) + " to " + ms(t) + " ms while the LAN was whole and "
                            + up + " were up (bound " + ms(zeroBound) + " ms after the silence or a boot)");
            }
            if (t == end) break;
            for (; ei < schedule.events().size() && schedule.events().get(ei).atNanos() == t; ei++) {
                ScriptedEvent e = schedule.events().get(ei);
                switch (e.kind()) {
                    case CRASH, STOP -> up.remove(e.args().get(0));
                    case RESTORE -> {
                        if (up.add(e.args().get(0))) bootedAt.put(e.args().get(0), t);
                    }
                    case PARTITION -> partitioned = true;
                    case HEAL -> partitioned = false;
                    case LOSS -> loss = Double.parseDouble(e.args().get(0));
                    case FAIL_SCRIPT -> failing.add(e.args().get(0));
                    case RECOVER_SCRIPT -> failing.remove(e.args().get(0));
                    default -> { }
                }
            }
            for (; ti < ours.size() && ours.get(ti).nanos() == t; ti++) state.put(ours.get(ti).node(), ours.get(ti).to());
            if (t == schedule.lastHeal()) {
                mastersAtHeal = new HashSet<>();
                for (Member m : members) if (up.contains(m.node()) && "MASTER".equals(state.get(m.node()))) mastersAtHeal.add(m.node());
            }
            boolean whole = !partitioned && loss == 0;
            int masters = 0;
            for (Member m : members) if (up.contains(m.node()) && "MASTER".equals(state.get(m.node()))) masters++;
            boolean anyUp = members.stream().anyMatch(m -> up.contains(m.node()));
            if (whole && masters >= 2) {
                if (dualSince < 0) dualSince = t;
            } else {
                dualSince = -1;
            }
            if (whole && masters == 0 && anyUp) {
                if (zeroSince < 0) zeroSince = t;
            } else {
                zeroSince = -1;
            }
        }

        // Settled: from lastHeal + Master_Down_Interval + one advert interval to the end, one master, the right one.
        long settle = schedule.lastHeal() + scriptNanos + maxMasterDown() + advertNanos + slackNanos;
        Set<String> upAtEnd = up;
        if (upAtEnd.isEmpty()) return bad;
        Set<String> acceptable = acceptableMasters(upAtEnd, mastersAtHeal, ours, schedule.lastHeal(), failing);
        for (Transition tr : ours) {
            if (tr.nanos() > settle) bad.add("transition after settling (" + ms(settle) + " ms): " + tr.toLine().trim());
        }
        List<String> finalMasters = new ArrayList<>();
        for (Member m : members) if (upAtEnd.contains(m.node()) && "MASTER".equals(state.get(m.node()))) finalMasters.add(m.node());
        if (finalMasters.size() != 1 || !acceptable.contains(finalMasters.get(0)))
            bad.add("after settling the masters are " + finalMasters + ", the rules say one of " + new TreeSet<>(acceptable));
        return bad;
    }

    /**
     * Who may be master once the LAN is whole again. With preemption: any node of the highest priority alive (a
     * backup of equal priority accepts the incumbent's adverts, so ties do not move the master). With nopreempt on
     * every node: the incumbent, i.e. the best (priority, then address) of those who were master at the heal or
     * claimed mastership within a Master_Down_Interval after it (masters compare priority and address).
     */
    private Set<String> acceptableMasters(Set<String> up, Set<String> mastersAtHeal, List<Transition> ours, long heal,
                                          Set<String> failing) {
        java.util.function.ToIntFunction<Member> eff = m -> m.effectivePriority(failing.contains(m.node()));
        boolean nopreempt = members.stream().allMatch(Member::nopreempt);
        List<Member> candidates = members.stream().filter(m -> up.contains(m.node())).toList();
        if (!nopreempt) {
            int top = candidates.stream().mapToInt(eff).max().orElseThrow();
            Set<String> out = new HashSet<>();
            for (Member m : candidates) if (eff.applyAsInt(m) == top) out.add(m.node());
            return out;
        }
        // Backups whose down timers were already running before the heal (adverts lost or cut off) may still time
        // out during the first Master_Down_Interval after it; once adverts flow, a nopreempt backup accepts them.
        Set<String> contenders = new HashSet<>();
        if (mastersAtHeal != null) contenders.addAll(mastersAtHeal);
        for (Transition t : ours) {
            if (t.nanos() > heal && t.nanos() <= heal + scriptNanos + maxMasterDown() + slackNanos && t.to().equals("MASTER"))
                contenders.add(t.node());
        }
        contenders.retainAll(up);
        if (!contenders.isEmpty()) candidates = candidates.stream().filter(m -> contenders.contains(m.node())).toList();
        Member best = candidates.stream().max((a, b) -> eff.applyAsInt(a) != eff.applyAsInt(b)
                ? Integer.compare(eff.applyAsInt(a), eff.applyAsInt(b)) : Long.compareUnsigned(a.address(), b.address()))
                .orElseThrow();
        return Set.of(best.node());
    }

    static String ms(long nanos) {
        return Transition.formatMillis(nanos);
    }
}
