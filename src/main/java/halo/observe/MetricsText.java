package halo.observe;

import java.util.HashSet;
import java.util.Set;

/**
 * Prometheus's text exposition format 0.0.4: one {@code # HELP} and one {@code # TYPE} line a family, then its
 * samples, {@code name{label="value",...} number}. Names are checked against the format's rules as they are added,
 * so a bad name is a bug found by the first test that renders it, not a scrape Prometheus rejects.
 */
public final class MetricsText {

    /** The Content-Type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    public enum Type {
        COUNTER, GAUGE, SUMMARY, UNTYPED;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final StringBuilder out = new StringBuilder(4096);
    private final Set<String> families = new HashSet<>();
    private String family;
    private Type type;

    /**
     * Starts family NAME. A counter's name ends in {@code _total} (its samples use the name as given); a family may
     * be started once.
     */
    public MetricsText family(String name, Type type, String help) {
        if (!validMetricName(name)) throw new IllegalArgumentException("invalid metric name: " + name);
        if (type == Type.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        if (!families.add(name)) throw new IllegalArgumentException("metric family written twice: " + name);
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append("\n# TYPE ").append(name).append(' ').append(type.text()).append('\n');
        family = name;
        this.type = type;
        return this;
    }

    /** A sample of the current family; LABELS are name, value pairs. */
    public MetricsText sample(double value, String... labels) {
        return sample("", value, labels);
    }

    /** A sample of the current family; LABELS are name, value pairs. */
    public MetricsText sample(long value, String... labels) {
        writeName("", labels);
        out.append(value).append('\n');
        return this;
    }

    /**
     * A sample named after the family with SUFFIX ({@code _sum}, {@code _count} for a summary); LABELS are name,
     * value pairs.
     */
    public MetricsText sample(String suffix, double value, String... labels) {
        writeName(suffix, labels);
        out.append(number(value)).append('\n');
        return this;
    }

    private void writeName(String suffix, String[] labels) {
        if (family == null) throw new IllegalStateException("no metric family started");
        if (!suffix.isEmpty() && !(type == Type.SUMMARY && (suffix.equals("_sum") || suffix.equals("_count")))) {
            throw new IllegalArgumentException("suffix " + suffix + " on a " + type.text() + " " + family);
        }
        if (labels.length % 2 != 0) throw new IllegalArgumentException("labels come in name, value pairs");
        out.append(family).append(suffix);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (!validLabelName(labels[i])) throw new IllegalArgumentException("invalid label name: " + labels[i]);
                if (i > 0) out.append(',');
                out.append(labels[i]).append("=\"");
                escape(labels[i + 1] == null ? "" : labels[i + 1], true);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ');
    }

    /** The exposition so far. */
    public String text() {
        return out.toString();
    }

    /** {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
    public static boolean validMetricName(String name) {
        if (name.isEmpty()) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
            if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
        }
        return true;
    }

    /** {@code [a-zA-Z_][a-zA-Z0-9_]*}, not starting with {@code __} (reserved for Prometheus's own). */
    public static boolean validLabelName(String name) {
        if (name.isEmpty() || name.startsWith("__")) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
        }
        return true;
    }

    /** Go's float formatting as Prometheus reads it: integers without a fraction, NaN, +Inf, -Inf. */
    static String number(double value) {
        if (Double.isNaN(value)) return "NaN";
        if (Double.isInfinite(value)) return value > 0 ? "+Inf" : "-Inf";
        if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
        return Double.toString(value);
    }

    /** HELP text escapes backslash and newline; a label value also the double quote. */
    private void escape(String s, boolean labelValue) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(labelValue ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }
}
