package halo.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Expected timelines written as tables, one transition per line, so a reader sees the story:
 *
 * <pre>
 *   t_ms       node   instance  from    to      reason
 *   3414.0625  node1  VI_1      BACKUP  MASTER  no advertisement within Master_Down_Interval
 * </pre>
 *
 * Columns are separated by runs of spaces; the reason is the rest of the line. Lines starting with '#' and the header
 * line are ignored. Comparison is on the normalized text, so a failure shows a readable diff.
 */
final class TimelineTable {
    private TimelineTable() {
    }

    static String normalize(String table) {
        List<String> out = new ArrayList<>();
        for (String raw : table.strip().split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("t_ms")) continue;
            String[] w = line.split("\\s+", 6);
            if (w.length < 6) throw new IllegalArgumentException("bad timeline row: " + raw);
            out.add(row(Transition.formatMillis(Durations.parseNanos(w[0] + "ms")), w[1], w[2], w[3], w[4], w[5]));
        }
        return String.join("\n", out);
    }

    static String of(List<Transition> transitions) {
        List<String> out = new ArrayList<>();
        for (Transition t : transitions)
            out.add(row(Transition.formatMillis(t.nanos()), t.node(), t.instance(), t.from(), t.to(), t.reason()));
        return String.join("\n", out);
    }

    private static String row(String t, String node, String instance, String from, String to, String reason) {
        return String.format(Locale.ROOT, "%-12s %-7s %-6s %-7s %-7s %s", t, node, instance, from, to, reason);
    }
}
