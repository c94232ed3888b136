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

    /** One router's member on one node. */
    record Member(String node, String instance, int priority, long address, boolean nopreempt,
                  long masterDownNanos) {}

    private final List<Member> members;
    private final long advertNanos;
    private final long slackNanos;

    /**
     * @param slackNanos what the network and clocks add to protocol times: max link delay and jitter, timer jitter,
     *                   clock drift over one Master_Down_Interval
     */
    LanProperties(List<Member> members, long advertNanos, long slackNanos) {
        this.members = List.copyOf(members);
        this.advertNanos = advertNanos;
        this.slackNanos = slackNanos;
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
        for (Member m : members) {
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
            if (zeroSince >= 0 && t - zeroSince > zeroBound)
                bad.add("no master from " + ms(zeroSince) + " to " + ms(t) + " ms while the LAN was whole and "
                        + "a node was up (bound " + ms(zeroBound) + " ms)");
            if (t == end) break;
            for (; ei < schedule.events().size() && schedule.events().get(ei).atNanos() == t; ei++) {
                ScriptedEvent e = schedule.events().get(ei);
                switch (e.kind()) {
                    case CRASH, STOP -> up.remove(e.args().get(0));
                    case RESTORE -> up.add(e.args().get(0));
                    case PARTITION -> partitioned = true;
                    case HEAL -> partitioned = false;
                    case LOSS -> loss = Double.parseDouble(e.args().get(0));
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
        long settle = schedule.lastHeal() + maxMasterDown() + advertNanos + slackNanos;
        Set<String> upAtEnd = up;
        if (upAtEnd.isEmpty()) return bad;
        Member expected = expectedMaster(upAtEnd, mastersAtHeal, ours, schedule.lastHeal());
        for (Transition tr : ours) {
            if (tr.nanos() > settle) bad.add("transition after settling (" + ms(settle) + " ms): " + tr.toLine().trim());
        }
        List<String> finalMasters = new ArrayList<>();
        for (Member m : members) if (upAtEnd.contains(m.node()) && "MASTER".equals(state.get(m.node()))) finalMasters.add(m.node());
        if (!finalMasters.equals(List.of(expected.node())))
            bad.add("after settling the masters are " + finalMasters + ", the rules say " + expected.node());
        return bad;
    }

    private Member expectedMaster(Set<String> up, Set<String> mastersAtHeal, List<Transition> ours, long heal) {
        boolean nopreempt = members.stream().allMatch(Member::nopreempt);
        List<Member> candidates = members.stream().filter(m -> up.contains(m.node())).toList();
        if (nopreempt) {
            // The incumbent stays: the best of those who were master at the heal (split-brain masters compare
            // priorities), or, with none, the best of those who claimed mastership before hearing each other.
            Set<String> contenders = new HashSet<>();
            if (mastersAtHeal != null) contenders.addAll(mastersAtHeal);
            contenders.retainAll(up);
            if (contenders.isEmpty()) {
                long first = -1;
                for (Transition t : ours) {
                    if (t.nanos() < heal || !t.to().equals("MASTER") || !up.contains(t.node())) continue;
                    if (first < 0) first = t.nanos();
                    if (t.nanos() <= first + slackNanos) contenders.add(t.node());
                }
            }
            if (!contenders.isEmpty()) candidates = candidates.stream().filter(m -> contenders.contains(m.node())).toList();
        }
        return candidates.stream().max((a, b) -> a.priority() != b.priority()
                ? Integer.compare(a.priority(), b.priority()) : Long.compareUnsigned(a.address(), b.address())).orElseThrow();
    }

    static String ms(long nanos) {
        return Transition.formatMillis(nanos);
    }
}
