package halo.sim;

import java.util.Locale;

/**
 * One state change of one VRRP instance on one node, as the timeline shows it.
 *
 * @param nanos    virtual time of the change
 * @param node     node name (the config file's name without extension in {@code halo simulate})
 * @param instance vrrp_instance name, or a vrrp_sync_group name for a group's change
 * @param from     state before (INIT, BACKUP, MASTER, FAULT, STOP)
 * @param to       state after
 * @param reason   why, in the state machine's words
 */
public record Transition(long nanos, String node, String instance, String from, String to, String reason) {

    /** Time in milliseconds, fractions kept (v2's skew is 1/256 s). */
    public double millis() {
        return nanos / 1e6;
    }

    /** Milliseconds as text: whole numbers without a fraction, else up to six decimals. */
    public static String formatMillis(long nanos) {
        if (nanos % 1_000_000 == 0) return Long.toString(nanos / 1_000_000);
        String s = String.format(Locale.ROOT, "%.6f", nanos / 1e6);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** One JSON object: {"t_ms":..., "node":..., "instance":..., "from":..., "to":..., "reason":...}. */
    public String toJson() {
        return "{\"t_ms\":" + formatMillis(nanos) + ",\"node\":" + Json.quote(node) + ",\"instance\":"
                + Json.quote(instance) + ",\"from\":" + Json.quote(from) + ",\"to\":" + Json.quote(to)
                + ",\"reason\":" + Json.quote(reason) + "}";
    }

    /** One aligned line of the human timeline. */
    public String toLine() {
        return String.format(Locale.ROOT, "%10s ms  %-10s %-12s %-7s -> %-7s %s", formatMillis(nanos), node, instance,
                from, to, reason);
    }
}
