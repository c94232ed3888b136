package halo.config.source;

import static halo.config.source.Chars.at;
import static halo.config.source.Chars.isSpace;
import static halo.config.source.Chars.skipBlanks;

import java.util.ArrayList;
import java.util.List;

/**
 * keepalived's sequence generators: {@code ~SEQ(var, [start, [step,]] end) rest}, {@code ~SEQx(...)} and
 * {@code ~LST(var, v1, v2, ...) rest}, each giving the rest of its line once per value with its variables set.
 */
final class Generators {
    /** A running ~SEQ (var != null) or ~LST (params != null). */
    private static final class Generator {
        String var;
        long next;
        long last;
        long step;
        boolean hex;
        List<String> params;
        List<List<String>> valueSets;
        int nextSet;
        String text;
    }

    private final Diagnostics diagnostics;
    private final IncludedFiles files;
    private final ReadingLimits limits;
    private final Parameters parameters;
    private final ArrayList<Generator> running = new ArrayList<>();

    Generators(Diagnostics diagnostics, IncludedFiles files, ReadingLimits limits, Parameters parameters) {
        this.diagnostics = diagnostics;
        this.files = files;
        this.limits = limits;
        this.parameters = parameters;
    }

    boolean isEmpty() {
        return running.isEmpty();
    }

    int size() {
        return running.size();
    }

    /** A line starting with {@code ~SEQ} or {@code ~LST}: starts its generator, or reports it invalid. */
    void add(String buf) {
        if (buf.charAt(1) == 'S') {
            if (!addSeq(buf)) diagnostics.warning(files.location(), buf, "Invalid ~SEQ specification '" + buf + "'");
        } else {
            if (!addList(buf)) diagnostics.warning(files.location(), buf, "Invalid ~LST specification '" + buf + "'");
        }
    }

    /** The next line of the innermost generator (its variables set), or null when the expansion bound was hit. */
    String next() {
        Generator g = running.getLast();
        if (!limits.countExpanded(g.text.length())) return null;
        if (g.params == null) {
            parameters.set(g.var, g.hex ? Long.toHexString(g.next) : Long.toString(g.next));
            long following = g.next + g.step;
            boolean overflow = ((g.next ^ following) & (g.step ^ following)) < 0;
            if (overflow || (g.step > 0 && following > g.last) || (g.step < 0 && following < g.last)) {
                running.removeLast();
            } else {
                g.next = following;
            }
        } else {
            List<String> values = g.valueSets.get(g.nextSet);
            for (int i = 0; i < g.params.size(); i++) parameters.set(g.params.get(i), values.get(i));
            if (++g.nextSet >= g.valueSets.size()) running.removeLast();
        }
        return g.text;
    }

    /** Starts a generator, unless it would only produce empty lines (then its variables take their last values). */
    private void start(Generator g) {
        if (!g.text.isEmpty()) {
            running.add(g);
            return;
        }
        if (g.params == null) {
            long last = g.next + (g.last - g.next) / g.step * g.step;
            parameters.set(g.var, g.hex ? Long.toHexString(last) : Long.toString(last));
        } else {
            List<String> values = g.valueSets.getLast();
            for (int i = 0; i < g.params.size(); i++) parameters.set(g.params.get(i), values.get(i));
        }
    }

    /** {@code ~SEQ(var, [start, [step,]] end) rest} and {@code ~SEQx(...)} (keepalived's add_seq). */
    private boolean addSeq(String buf) {
        SourceLocation at = files.location();
        int n = buf.length();
        int p = 4;
        boolean hex = false;
        if (at(buf, p) == 'x') {
            p++;
            hex = true;
        }
        p = skipBlanks(buf, p);
        if (at(buf, p) != '(') return false;
        p = skipBlanks(buf, p + 1);
        int var = p;
        while (p < n && " \t,)".indexOf(buf.charAt(p)) < 0) p++;
        int varEnd = p;
        p = skipBlanks(buf, p);
        if (p >= n || buf.charAt(p) == ')' || varEnd == var) {
            diagnostics.warning(at, buf, "Invalid ~SEQ definition '" + buf + "'");
            return true;
        }
        p = skipBlanks(buf, p + 1);
        int endSeq = buf.indexOf(')', p);
        if (endSeq < 0) {
            diagnostics.warning(at, buf, "Invalid ~SEQ definition '" + buf + "'");
            return true;
        }
        if (endSeq + 1 - p + 1 > 64) {
            diagnostics.warning(at, buf, "~SEQ parameter strings too long '" + buf + "'");
            return true;
        }
        String seq = parameters.substituteSimple(buf.substring(p, endSeq + 1));
        long start;
        long step;
        long end;
        long[] r = strtol(seq, 0);
        int q = skipBlanks(seq, (int) r[1]);
        long one = r[0];
        if (at(seq, q) == ')') {
            end = one;
            step = end < 1 ? -1 : 1;
            start = end < 0 ? -1 : 1;
        } else {
            if (at(seq, q) != ',') {
                diagnostics.warning(at, buf, "Invalid ~SEQ definition '" + buf + "'");
                return true;
            }
            r = strtol(seq, q + 1);
            long two = r[0];
            q = skipBlanks(seq, (int) r[1]);
            if (at(seq, q) == ')') {
                start = one;
                end = two;
                step = start <= end ? 1 : -1;
            } else {
                if (at(seq, q) != ',') {
                    diagnostics.warning(at, buf, "Invalid ~SEQ definition '" + buf + "'");
                    return true;
                }
                r = strtol(seq, q + 1);
                long three = r[0];
                q = skipBlanks(seq, (int) r[1]);
                if (at(seq, q) != ')') {
                    diagnostics.warning(at, buf, "Invalid ~SEQ definition '" + buf + "'");
                    return true;
                }
                start = one;
                step = two;
                end = three;
                if (step == 0 || (start < end && step < 0) || (start > end && step > 0)) {
                    diagnostics.warning(at, buf, "Invalid ~SEQ values '" + buf + "'");
                    return true;
                }
            }
        }
        if (hex && (start < 0 || end < 0)) {
            diagnostics.warning(at, buf, "~SEQx is only valid for positive numbers '" + buf + "'");
            return true;
        }
        Generator g = new Generator();
        g.var = buf.substring(var, varEnd);
        g.next = start;
        g.step = step;
        g.last = end;
        g.hex = hex;
        g.text = buf.substring(skipBlanks(buf, endSeq + 1));
        start(g);
        return true;
    }

    /** {@code ~LST(var, v1, v2, ...) rest} and {@code ~LST({a, b}, {1, 2}, ...) rest} (keepalived's add_lst). */
    private boolean addList(String buf) {
        int n = buf.length();
        int p = skipBlanks(buf, 4);
        if (at(buf, p) != '(') return false;
        p = skipBlanks(buf, p + 1);
        char endChar = ',';
        if (at(buf, p) == '{') {
            endChar = '}';
            p = skipBlanks(buf, p + 1);
        }
        List<String> params = new ArrayList<>();
        int numVars = 0;
        while (true) {
            int var = p;
            while (p < n && " \t,}".indexOf(buf.charAt(p)) < 0) p++;
            params.add(buf.substring(var, p));
            p = skipBlanks(buf, p);
            if (at(buf, p) == endChar) break;
            if (at(buf, p) != ',') return false;
            p = skipBlanks(buf, p + 1);
            numVars++;
        }
        if (at(buf, p) == '}') p = skipBlanks(buf, p + 1);
        if (at(buf, p) != ',') return false;
        p = skipBlanks(buf, p + 1);
        List<List<String>> valueSets = new ArrayList<>();
        while (true) {
            endChar = ',';
            if (at(buf, p) == '{') {
                endChar = '}';
                p = skipBlanks(buf, p + 1);
            }
            List<String> values = new ArrayList<>();
            int numValues = 0;
            while (true) {
                int v = p;
                while (p < n && " \t,})".indexOf(buf.charAt(p)) < 0) p++;
                values.add(buf.substring(v, p));
                p = skipBlanks(buf, p);
                if (at(buf, p) == endChar || (at(buf, p) == ')' && endChar == ',')) break;
                if (at(buf, p) != ',') return false;
                p = skipBlanks(buf, p + 1);
                if (++numValues > numVars) {
                    diagnostics.warning(files.location(), buf, "~LST specification has too many values '" + buf + "'");
                    return false;
                }
            }
            while (values.size() < params.size()) values.add(""); // missing values are blank
            valueSets.add(values);
            if (at(buf, p) == '}' && endChar == '}') p = skipBlanks(buf, p + 1);
            if (at(buf, p) == ')') break;
            if (at(buf, p) != ',') return false;
            p = skipBlanks(buf, p + 1);
        }
        Generator g = new Generator();
        g.params = params;
        g.valueSets = valueSets;
        g.text = buf.substring(skipBlanks(buf, p + 1));
        start(g);
        return true;
    }

    /** C's strtol(s + from, &end, 0): {value, end}; end == from when there is no number. */
    private static long[] strtol(String s, int from) {
        int i = from;
        int n = s.length();
        while (i < n && isSpace(s.charAt(i))) i++;
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int base = 10;
        if (i + 2 < n + 1 && at(s, i) == '0' && (at(s, i + 1) == 'x' || at(s, i + 1) == 'X')
                && Character.digit(at(s, i + 2), 16) >= 0 && at(s, i + 2) < 128) {
            base = 16;
            i += 2;
        } else if (at(s, i) == '0') {
            base = 8;
        }
        int digitsStart = i;
        long v = 0;
        boolean saturated = false;
        while (i < n) {
            char c = s.charAt(i);
            int d = c < 128 ? Character.digit(c, base) : -1;
            if (d < 0) break;
            if (v > (Long.MAX_VALUE - d) / base) saturated = true;
            else v = v * base + d;
            i++;
        }
        if (i == digitsStart) return new long[] {0, from};
        if (saturated) v = negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        else if (negative) v = -v;
        return new long[] {v, i};
    }
}
