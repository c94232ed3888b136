package halo.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A random fault schedule for the property tests: crashes, restores, graceful stops, partitions and loss bursts in
 * [0, faultsEnd), then everything healed at {@code faultsEnd} (loss back to 0, partitions healed). Crashed nodes may
 * stay down at the end: the rules must hold for whoever is alive.
 */
record FaultSchedule(List<ScriptedEvent> events, long lastHeal) {

    static FaultSchedule random(Rng rng, List<String> nodes, long faultsEnd, long minGap) {
        return random(rng, nodes, faultsEnd, minGap, null);
    }

    /**
     * With {@code script} non-null, also fails and recovers that vrrp_script on random nodes; a failed script stays
     * failed after the heal (it is the service that is down, not the LAN).
     */
    static FaultSchedule random(Rng rng, List<String> nodes, long faultsEnd, long minGap, String script) {
        List<ScriptedEvent> out = new ArrayList<>();
        Set<String> down = new HashSet<>();
        int n = 1 + rng.nextInt(6);
        long t = 0;
        for (int i = 0; i < n; i++) {
            t += minGap + rng.nextLong(Math.max(1, (faultsEnd - t) / (n - i + 1)));
            if (t >= faultsEnd) break;
            String node = nodes.get(rng.nextInt(nodes.size()));
            int what = rng.nextInt(script == null ? 6 : 8);
            ScriptedEvent e = switch (what) {
                case 0 -> down.contains(node) ? event(t, ScriptedEvent.Kind.RESTORE, node)
                        : event(t, ScriptedEvent.Kind.CRASH, node);
                case 1 -> down.contains(node) ? event(t, ScriptedEvent.Kind.RESTORE, node)
                        : event(t, ScriptedEvent.Kind.STOP, node);
                case 2, 3 -> {
                    List<String> side = new ArrayList<>();
                    for (String m : nodes) if (rng.chance(0.4)) side.add(m);
                    if (side.isEmpty()) side.add(node);
                    yield new ScriptedEvent(t, ScriptedEvent.Kind.PARTITION, side);
                }
                case 6 -> new ScriptedEvent(t, ScriptedEvent.Kind.FAIL_SCRIPT, List.of(node, script));
                case 7 -> new ScriptedEvent(t, ScriptedEvent.Kind.RECOVER_SCRIPT, List.of(node, script));
                case 4 -> new ScriptedEvent(t, ScriptedEvent.Kind.LOSS, List.of(String.valueOf(
                        Math.round(rng.nextDouble() * 60) / 100.0)));
                default -> new ScriptedEvent(t, ScriptedEvent.Kind.HEAL, List.of());
            };
            if (e.kind() == ScriptedEvent.Kind.CRASH || e.kind() == ScriptedEvent.Kind.STOP) down.add(node);
            if (e.kind() == ScriptedEvent.Kind.RESTORE) down.remove(node);
            out.add(e);
        }
        // Half the time every node comes back before the end, so "the rules say" is checked with the full cast.
        if (rng.chance(0.5)) {
            for (String node : nodes) {
                if (down.contains(node)) out.add(event(faultsEnd, ScriptedEvent.Kind.RESTORE, node));
            }
        }
        out.add(new ScriptedEvent(faultsEnd, ScriptedEvent.Kind.LOSS, List.of("0")));
        out.add(new ScriptedEvent(faultsEnd, ScriptedEvent.Kind.HEAL, List.of()));
        out.sort(Comparator.comparingLong(ScriptedEvent::atNanos));
        return new FaultSchedule(List.copyOf(out), faultsEnd);
    }

    private static ScriptedEvent event(long t, ScriptedEvent.Kind kind, String node) {
        return new ScriptedEvent(t, kind, List.of(node));
    }

    @Override
    public String toString() {
        return String.join(", ", events.stream().map(ScriptedEvent::toString).toList());
    }
}
