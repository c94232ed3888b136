package halo.config.source;

import static halo.config.source.Chars.firstNonBlank;
import static halo.config.source.Chars.indexOf;
import static halo.config.source.Chars.isAlnum;
import static halo.config.source.Chars.isAlpha;
import static halo.config.source.Chars.isBlank;
import static halo.config.source.Chars.isDigit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * keepalived's parameters: {@code $NAME=value} definitions (multi-line ones ending in {@code \}), their uses
 * {@code $NAME} and {@code ${NAME}} replaced recursively at use time (a multi-line parameter only at the end of a line,
 * its other lines following), and the predefined {@code ${_PWD} ${_INSTANCE} ${_RANDOM} ${_ENV VAR} ${_HASH} ${_BANG}}.
 */
final class Parameters {
    /** Parameter substitutions in one line: a parameter defined through itself would never end. */
    static final int MAX_SUBSTITUTIONS = 100;
    /** A multi-line definition's value stops growing here. */
    static final int MAX_DEFINITION = 4 * LineReader.MAX_LINE;

    /** ${_HASH} and ${_BANG} expand to these until the line is final, so that decomment() leaves them alone. */
    static final char HASH = '\uFDD0';
    static final char BANG = '\uFDD1';

    /** What a predefined parameter computes (NONE: a plain definition). */
    private enum Builtin { NONE, PWD, INSTANCE, RANDOM, ENV }

    private static final class Definition {
        final String name;
        String value;
        boolean multiline;
        Builtin builtin = Builtin.NONE;
        int maxParams;

        Definition(String name, String value) {
            this.name = name;
            this.value = value;
        }
    }

    /** The unread part of a multi-line parameter's value. */
    private record UnreadValue(String text, int pos) {}

    /** A multi-line value whose reading waits for another one used in its lines, and the generators then running. */
    private record SuspendedValue(UnreadValue unread, int generatorDepth) {}

    private final Diagnostics diagnostics;
    private final IncludedFiles files;
    private final ReadingLimits limits;
    private final String configId;
    private final Map<String, String> environment;
    private final Random random;
    private final HashMap<String, Definition> defs = new HashMap<>();
    private final ArrayList<SuspendedValue> suspended = new ArrayList<>();
    /** The generators running when the multi-line value being read was used: they wait for its lines. */
    private int generatorDepth;
    private UnreadValue unread;
    /** The multi-line definition whose lines are being read, when {@code defining}. */
    private Definition multilineDef;
    private boolean defining;
    private int substitutions;
    private boolean substitutionStopped;

    Parameters(Diagnostics diagnostics, IncludedFiles files, ReadingLimits limits, String configId,
               Map<String, String> environment, long randomSeed) {
        this.diagnostics = diagnostics;
        this.files = files;
        this.limits = limits;
        this.configId = configId;
        this.environment = environment;
        this.random = new Random(randomSeed);
        addStandard("_PWD", Builtin.PWD, 0);
        addStandard("_INSTANCE", Builtin.INSTANCE, 0);
        addStandard("_RANDOM", Builtin.RANDOM, 2);
        addStandard("_ENV", Builtin.ENV, 1);
        defs.put("_HASH", new Definition("_HASH", String.valueOf(HASH)));
        defs.put("_BANG", new Definition("_BANG", String.valueOf(BANG)));
    }

    private void addStandard(String name, Builtin fn, int maxParams) {
        Definition def = new Definition(name, "");
        def.builtin = fn;
        def.maxParams = maxParams;
        defs.put(name, def);
    }

    /** The generators running when the multi-line value being read was used (they wait for its lines). */
    int generatorDepth() {
        return generatorDepth;
    }

    /** Whether the lines read now are the next lines of a multi-line definition. */
    boolean defining() {
        return defining;
    }

    /** A new logical line is read: a multi-line definition's lines were all read with the previous one. */
    void stopDefining() {
        defining = false;
    }

    /** The multi-line definition's last line was read (or an empty line ended it). */
    void endDefinition() {
        defining = false;
        if (multilineDef.value.isEmpty()) multilineDef.multiline = false;
    }

    /**
     * {@code $NAME=VALUE} in {@code buf[from, n)} defines or redefines NAME (a value ending in a backslash goes on
     * on the next lines); false when the text is no definition.
     */
    boolean define(String buf, int from, int n) {
        Definition def = checkDefinition(buf, from, n);
        if (def == null) return false;
        if (def.multiline) {
            defining = true;
            multilineDef = def;
        }
        return true;
    }

    /** Substitution of a new line starts: its bounds are counted afresh. */
    void startLine() {
        substitutions = 0;
        substitutionStopped = false;
    }

    /** Substitution stopped on the current line (a bound): the line is left as it is. */
    boolean substitutionStopped() {
        return substitutionStopped;
    }

    /** The next line of a multi-line parameter's value; null when the bound on generated text was hit. */
    String nextUnreadLine() {
        String buf;
        if (!limits.countExpanded(Math.max(0, unread.text.indexOf('\n', unread.pos) - unread.pos))) return null;
        String text = unread.text;
        int end = text.indexOf('\n', unread.pos);
        if (end < 0) {
            buf = text.substring(unread.pos);
            if (!suspended.isEmpty()) {
                SuspendedValue e = suspended.removeLast();
                unread = e.unread;
                generatorDepth = e.generatorDepth;
            } else {
                unread = null;
                generatorDepth = 0;
            }
        } else {
            buf = text.substring(unread.pos, end);
            unread = new UnreadValue(text, end + 1);
        }
        return buf;
    }

    /** Whether lines of a multi-line parameter's value are still to be read. */
    boolean hasUnreadLines() {
        return unread != null;
    }

    /** One more line of a multi-line definition ("text \" goes on, anything else is the last line). */
    void addDefinitionLine(String buf) {
        int len = buf.length();
        String add;
        if (len > 0 && buf.charAt(len - 1) == '\\') {
            len--;
            while (len >= 1 && isBlank(buf.charAt(len - 1))) len--;
            add = buf.substring(0, len) + "\n";
        } else {
            endDefinition();
            add = buf;
        }
        // keepalived does not add blank lines
        if (add.length() >= 2 || (!add.isEmpty() && !defining)) {
            if (multilineDef.value.length() + add.length() > MAX_DEFINITION) {
                diagnostics.warning(files.location(), "$" + multilineDef.name, "definition of $" + multilineDef.name
                        + " is longer than " + MAX_DEFINITION + " characters - the rest is ignored");
            } else {
                multilineDef.value = multilineDef.value + add;
            }
        }
    }

    private Definition checkDefinition(String buf, int from, int n) {
        if (n - from < 2 || !(isAlpha(buf.charAt(from + 1)) || buf.charAt(from + 1) == '_')) return null;
        int p = from + 2;
        for (; p < n; p++) {
            char c = buf.charAt(p);
            if (c == '=') break;
            if (!isAlnum(c) && c != '_') return null;
        }
        if (p >= n) return null;
        String name = buf.substring(from + 1, p);
        int v = p + 1;
        while (v < n && isBlank(buf.charAt(v))) v++;
        int valueLen = n - v;
        String value;
        boolean multiline;
        if (valueLen > 0 && buf.charAt(n - 1) == '\\') {
            while (valueLen >= 2 && isBlank(buf.charAt(v + valueLen - 2))) valueLen--;
            value = valueLen < 2 ? "" : buf.substring(v, v + valueLen - 1) + "\n";
            multiline = true;
        } else {
            value = buf.substring(v, n);
            multiline = false;
        }
        return put(name, value, multiline);
    }

    /** Sets NAME to a single-line value (a generator's variable). */
    void set(String name, String value) {
        put(name, value, false);
    }

    /** Defines or redefines NAME; a standard definition can be overridden. */
    private Definition put(String name, String value, boolean multiline) {
        Definition def = defs.get(name);
        if (def == null) {
            def = new Definition(name, value);
            defs.put(name, def);
        }
        def.value = value;
        def.multiline = multiline;
        def.builtin = Builtin.NONE;
        return def;
    }

    /** A use of a definition found at '$' + 1. */
    private record Use(Definition def, int end, int paramStart, int paramEnd, String envName) {}

    private Use findUse(CharSequence b, int pos) {
        int n = b.length();
        boolean braces = b.charAt(pos) == '{';
        int nameStart = braces ? pos + 1 : pos;
        if (nameStart >= n) return null;
        char c = b.charAt(nameStart);
        if (!isAlpha(c) && c != '_') return null;
        int p = nameStart + 1;
        while (p < n && (isAlnum(b.charAt(p)) || b.charAt(p) == '_')) p++;
        int nameEnd = p;
        String name = b.subSequence(nameStart, nameEnd).toString();
        int paramStart = -1;
        int paramEnd = -1;
        String envName = null;
        Definition def = defs.get(name);
        if (braces) {
            if (def != null && def.builtin == Builtin.ENV) {
                // ${_ENV NAME}: the value of environment variable NAME ("" when unset)
                int q = p;
                while (q < n && b.charAt(q) == ' ') q++;
                int envStart = q;
                while (q < n && (isAlnum(b.charAt(q)) || b.charAt(q) == '_')) q++;
                if (q == envStart || envStart == p || q >= n || b.charAt(q) != '}') return null;
                envName = b.subSequence(envStart, q).toString();
                return new Use(def, q + 1, -1, -1, envName);
            }
            while (p < n && (b.charAt(p) == ' ' || isDigit(b.charAt(p)))) {
                if (b.charAt(p) != ' ') {
                    if (paramStart < 0) paramStart = p;
                    paramEnd = p;
                }
                p++;
            }
            if (paramStart >= 0 && paramEnd + 1 != p) return null; // must not end with a space
            if (p >= n || b.charAt(p) != '}') return null;
            p++;
        } else if (p < n) {
            char e = b.charAt(p);
            if (e != ' ' && e != '\t' && e != ',' && e != ')') return null;
        }
        boolean allowMultiline = braces ? nameEnd + 1 == n : nameEnd == n;
        if (def == null || (def.multiline && !allowMultiline)) return null;
        if (paramStart >= 0 && def.maxParams == 0) return null;
        if (def.builtin == Builtin.ENV) return null; // _ENV needs a variable name
        return new Use(def, p, paramStart, paramEnd, null);
    }

    /**
     * keepalived's {@code replace_param}: replaces every defined {@code $NAME} / {@code ${NAME}}, rescanning each
     * replacement (recursive). A multi-line parameter (only at the end of the line) gives its first line; the
     * others follow as lines. Null when nothing was replaced.
     */
    String replace(String in, int generators) {
        StringBuilder b = new StringBuilder(in);
        int cur = 0;
        boolean found = false;
        UnreadValue multilinePtr = unread;
        UnreadValue next = null;
        while ((cur = indexOf(b, '$', cur)) >= 0 && cur + 1 < b.length()) {
            Use use = findUse(b, cur + 1);
            limits.substitutionWork += 32; // a look-up costs about as much as copying 32 characters
            if (use == null) {
                cur++;
                continue;
            }
            if (++substitutions > MAX_SUBSTITUTIONS) {
                diagnostics.warning(files.location(), "$" + use.def.name, "Parameter substitution on line '" + in
                        + "' does not end (more than " + MAX_SUBSTITUTIONS + " substitutions: a parameter defined"
                        + " through itself?) - line left as it is");
                substitutionStopped = true;
                break;
            }
            found = true;
            Definition def = use.def;
            next = multilinePtr;
            if (def.multiline && multilinePtr != null) {
                suspended.add(new SuspendedValue(multilinePtr, generatorDepth));
            }
            if (def.multiline) generatorDepth = generators;
            String value = value(def, b, use);
            String replacing;
            if (def.multiline) {
                int nl = value.indexOf('\n');
                replacing = nl < 0 ? value : value.substring(0, nl);
                next = nl < 0 ? null : new UnreadValue(value, nl + 1);
                multilinePtr = next;
            } else {
                replacing = value;
            }
            limits.substitutionWork += b.length() + replacing.length();
            if (limits.substitutionWork > ReadingLimits.BASE_SUBSTITUTION_WORK + ReadingLimits.WORK_PER_OUTPUT * limits.outputChars) {
                diagnostics.fatal(files.location(), "$" + def.name, "parameter substitution does not end: "
                        + limits.substitutionWork + " characters substituted for " + limits.outputChars + " characters of"
                        + " configuration (a definition that feeds itself?) - reading stopped");
                substitutionStopped = true;
                limits.stop();
                break;
            }
            if (b.length() - (use.end - cur) + replacing.length() >= LineReader.MAX_LINE) {
                diagnostics.warning(files.location(), "$" + def.name,
                        "Parameter substitution on line '" + in + "' would exceed maximum line length");
                substitutionStopped = true;
                break;
            }
            int growth = replacing.length() - (use.end - cur);
            if (growth > 0) {
                limits.expandedChars += growth;
                if (limits.expandedChars > limits.maxExpandedLines * 32) {
                    diagnostics.fatal(files.location(), "$" + def.name, "the configuration expands to more than "
                            + limits.maxExpandedLines * 32 + " generated characters (~SEQ, ~LST, parameters) - reading stopped");
                    substitutionStopped = true;
                    limits.stop();
                    break;
                }
            }
            b.replace(cur, use.end, replacing);
            if (firstNonBlank(value) == '~') break; // a generator: handled when the line is checked again
        }
        if (!found) return null;
        unread = next;
        return b.toString();
    }

    private String value(Definition def, CharSequence b, Use use) {
        return switch (def.builtin) {
            case NONE -> def.value;
            case PWD -> files.pwd();
            case INSTANCE -> configId == null ? "" : configId;
            case ENV -> {
                String v = environment.get(use.envName);
                yield v == null ? "" : v;
            }
            case RANDOM -> random(b, use);
        };
    }

    /** ${_RANDOM [MIN [MAX]]}: a number in [MIN, MAX], defaults 0 and 32767. */
    private String random(CharSequence b, Use use) {
        long min = 0;
        long max = 32767;
        if (use.paramStart >= 0) {
            String params = b.subSequence(use.paramStart, use.paramEnd + 1).toString().trim();
            String[] numbers = params.split(" +");
            min = parseUnsigned(numbers[0]);
            if (numbers.length > 1) max = parseUnsigned(numbers[1]);
            if (numbers.length > 2) {
                diagnostics.info(files.location(), params, "Too many parameters or extra text for ${_RANDOM " + params + "}");
            }
        }
        if (max < min) return Long.toString(min);
        long span = max - min + 1;
        return Long.toString(min + (span <= 0 ? random.nextLong() & Long.MAX_VALUE : random.nextLong(span)));
    }

    private static long parseUnsigned(String digits) {
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            v = v * 10 + (digits.charAt(i) - '0');
            if (v > 1_000_000_000_000_000L) return Long.MAX_VALUE / 2;
        }
        return v;
    }

    /** Substitutes single-line parameters in a ~SEQ's numbers (no multi-line parameters, no side effects). */
    String substituteSimple(String s) {
        StringBuilder b = new StringBuilder(s);
        int cur = 0;
        int count = 0;
        while ((cur = indexOf(b, '$', cur)) >= 0 && cur + 1 < b.length()) {
            Use use = findUse(b, cur + 1);
            if (use == null || use.def.multiline || ++count > 100) {
                cur++;
                continue;
            }
            String value = value(use.def, b, use);
            if (b.length() + value.length() > 64) break;
            b.replace(cur, use.end, value);
        }
        return b.toString();
    }
}
