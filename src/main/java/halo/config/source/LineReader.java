package halo.config.source;

import static halo.config.source.Chars.isBlank;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * keepalived's {@code read_line()} (lib/parser.c, 2.2): hands out the configuration one logical line at a time.
 *
 * <p>Per physical line: the line end ({@code \n}, any {@code \r} before it) is dropped, then {@code decomment()}
 * removes leading blanks, the comment ({@code !} or {@code #} outside double quotes; {@code \!} {@code \#} are
 * literal) and trailing blanks. Then, in this order: a line being part of a multi-line {@code $NAME= \} definition
 * is added to it; {@code @ID} / {@code @^ID} keep or drop the line; {@code $NAME=value} defines a parameter;
 * {@code ~SEQ(...)} / {@code ~LST(...)} start a generator over the rest of the line; {@code $NAME} and
 * {@code ${NAME}} are replaced (recursively, at use time; a multi-line parameter only at the end of a line, its
 * other lines following); {@code include} opens files. Last, the line is cut before each {@code {} and {@code }}
 * (outside double quotes), the rest being the next line.
 *
 * <p>Lines come, in priority: the rest of a cut line, the innermost running generator, the next line of a multi-line
 * parameter, the next line of the innermost open file.
 *
 * <p>Where keepalived 2.2.7 has plain bugs, Halo does what keepalived documents: {@code ${_HASH}} and
 * {@code ${_BANG}} give a literal {@code #} / {@code !} (2.2.7 decomments the substituted line again, so they start a
 * comment there); {@code \#} is decommented once (2.2.7's child processes decomment their copy again). Loops that hang
 * keepalived (a parameter defined through itself, an include of itself) are cut and reported.
 */
final class LineReader {

    /**
     * Longest line, as read and after parameter substitution (keepalived: 1023 characters, its fixed buffer, and a
     * longer line is split). Keeps the work per line bounded.
     */
    static final int MAX_LINE = 4_096;

    /** keepalived's MAXBUF (lib/parser.h): read_line's fgets takes at most 1023 bytes of a line at once. */
    static final int READ_BUFFER = 1024;

    /** The end of the longest piece of content[start, end) that is at most maxBytes bytes in UTF-8. */
    static int byteLimit(String content, int start, int end, boolean ascii, int maxBytes) {
        if (ascii || end - start <= maxBytes / 3) {
            return ascii ? Math.min(end, start + maxBytes) : end;
        }
        int bytes = 0;
        for (int i = start; i < end; i++) {
            char c = content.charAt(i);
            int n = c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 4 : Character.isLowSurrogate(c) ? 0 : 3;
            if (bytes + n > maxBytes) {
                return i;
            }
            bytes += n;
        }
        return end;
    }

    private final Diagnostics diagnostics;
    private final String configId;
    private final IncludedFiles files;
    private final ReadingLimits limits;
    private final LineScanner scanner;
    private final Parameters parameters;
    private final Generators generators;
    final Words.Table wordTable;
    /** Tests turn the fast path off to check that it cuts lines exactly as the full path does. */
    boolean fastPath = true;

    LineReader(Diagnostics diagnostics, String configId, Map<String, String> environment, long randomSeed,
               long maxExpandedLines) {
        this.diagnostics = diagnostics;
        this.configId = configId;
        this.files = new IncludedFiles(diagnostics);
        this.limits = new ReadingLimits(diagnostics, files, maxExpandedLines);
        this.scanner = new LineScanner(diagnostics, files);
        this.parameters = new Parameters(diagnostics, files, limits, configId, environment, randomSeed);
        this.generators = new Generators(diagnostics, files, limits, parameters);
        this.wordTable = scanner.wordTable;
    }

    /** Opens the main configuration file; false (with a FATAL diagnostic) when there is nothing to read. */
    boolean openMain(Path file) {
        return files.openMain(file);
    }

    /** Reads the main configuration from a string, as if it were the file {@code name}. */
    void openText(Path name, String text) {
        files.openText(name, text);
    }

    /** include_check [OPTIONS] in global_defs (keepalived's include_check_set). */
    void includeCheckSet(List<String> words, SourceLocation at) {
        files.includeCheckSet(words, at);
    }

    /** Where the line being handed out comes from: the innermost file's current line. */
    SourceLocation location() {
        return files.location();
    }

    SourceLocation lastLocation() {
        return files.lastLocation();
    }

    /** Where decomment() last found an unterminated quote (the same line need not be reported twice). */
    SourceLocation unterminatedQuoteAt() {
        return scanner.unterminatedQuoteAt();
    }

    /** The words of the line that next() just returned when it cut them itself, else null (cut the text). */
    List<String> words() {
        return scanner.fastWords;
    }

    /** The next logical line (never empty, no unquoted brace except a lone "{" or "}"), or null at the end. */
    String next() {
        parameters.stopDefining();
        scanner.fastWords = null;
        String buf;
        while (true) {
            if (limits.stopped()) return null;
            if (scanner.residueBase != null) {
                String base = scanner.residueBase;
                int start = scanner.residueStart;
                int end = scanner.residueEnd;
                scanner.residueBase = null;
                if (fastPath && end - start == 1 && base.charAt(start) == '{') {
                    scanner.fastWords = LineScanner.OPEN;
                    return LineScanner.OPEN_TEXT;
                }
                String line = fromResidue(base, start, end);
                if (line == null) continue;
                limits.outputChars += line.length();
                return line;
            } else if (!generators.isEmpty() && generators.size() > parameters.generatorDepth()) {
                buf = generators.next();
                if (buf == null) return null;
            } else if (parameters.hasUnreadLines()) {
                buf = parameters.nextUnreadLine();
                if (buf == null) return null;
            } else {
                buf = readPhysical();
                if (buf == null) return null;
                if (scanner.fastWords != null) { // a plain line: nothing more to do
                    limits.outputChars += buf.length();
                    return buf;
                }
            }

            if (parameters.defining()) {
                parameters.addDefinitionLine(buf);
                continue;
            }
            if (buf.isEmpty()) continue;

            buf = process(buf);
            if (buf.isEmpty()) continue;
            if (files.include(buf)) continue;
            break;
        }
        String line = scanner.cutAtBrace(buf);
        limits.outputChars += line.length();
        return line;
    }

    /** The next physical line that is not empty once decommented, or null at the end of all files. */
    private String readPhysical() {
        while (true) {
            IncludedFiles.IncludeFrame f = files.current();
            if (f == null || limits.stopped()) return null;
            String content = f.content;
            if (content == null || f.pos >= content.length()) {
                files.endFile(f);
                continue;
            }
            int start = f.pos;
            int nl = content.indexOf('\n', start);
            int end = nl < 0 ? content.length() : nl;
            f.pos = nl < 0 ? content.length() : nl + 1;
            if (!f.midLine) f.lineNo++;
            f.midLine = false;
            // keepalived reads with fgets into a 1024-byte buffer: 1023 bytes at a time, the rest of a longer line
            // being read as the next line (with the same line number); so does Halo, and says so
            int cut = byteLimit(content, start, end, f.ascii != null, READ_BUFFER - 1);
            if (cut < end) {
                diagnostics.info(files.location(), null, "line longer than " + (READ_BUFFER - 1) + " bytes:"
                        + " keepalived reads the rest of it as a new line, and so does Halo");
                end = cut;
                f.pos = cut;
                f.midLine = true;
            }
            while (end > start && (content.charAt(end - 1) == '\r' || content.charAt(end - 1) == '\n')) end--;
            if (f.hasNul) {
                int nul = content.indexOf('\0', start);
                if (nul >= 0 && nul < end) end = nul; // C strings end there
            }
            if (fastPath && !parameters.defining() && end > start) {
                String fast = f.ascii != null ? scanner.fastLine(f.ascii, content, start, end)
                        : scanner.fastLine(content, start, end);
                if (fast != null) {
                    if (fast.isEmpty()) continue;
                    return fast;
                }
            }
            if (end == start) {
                // an empty line ends a multi-line definition
                if (parameters.defining()) parameters.endDefinition();
                continue;
            }
            String line = scanner.decomment(content, start, end);
            if (!line.isEmpty()) return line;
        }
    }

    /** Conditionals, definitions, generators and substitution, until the line no longer changes. */
    private String process(String buf) {
        parameters.startLine();
        boolean recheck;
        do {
            recheck = false;
            if (buf.isEmpty()) return buf;
            if (buf.charAt(0) == '@') {
                buf = conditional(buf);
                if (buf.isEmpty()) return buf;
            }
            if (buf.charAt(0) == '$' && parameters.define(buf, 0, buf.length())) return "";
            if (buf.startsWith("~SEQ") || buf.startsWith("~LST")) {
                generators.add(buf);
                return "";
            }
            if (buf.charAt(0) == '~') return buf;
            if (buf.indexOf('$') >= 0) {
                String replaced = parameters.replace(buf, generators.size());
                if (replaced == null) return buf;
                limits.substitutionWork += replaced.length(); // the work of checking it again
                buf = scanner.decomment(replaced, 0, replaced.length());
                if (parameters.substitutionStopped()) return buf;
                if (buf.startsWith("@") || buf.indexOf('$') >= 0) recheck = true;
            }
        } while (recheck);
        return buf;
    }

    /** {@code @ID rest} keeps "rest" when ID is the config id, {@code @^ID rest} when it is not. */
    private String conditional(String buf) {
        int rest = conditionalAt(buf, 0, buf.length());
        return rest < 0 ? "" : buf.substring(rest);
    }

    /** Where the kept rest starts, or -1 when the line is dropped. */
    private int conditionalAt(String s, int start, int end) {
        boolean negated = start + 1 < end && s.charAt(start + 1) == '^';
        int ofs = start + (negated ? 2 : 1);
        int space = -1;
        for (int i = ofs; i < end; i++) {
            if (isBlank(s.charAt(i))) {
                space = i;
                break;
            }
        }
        if (space < 0) return -1; // nothing after the id
        boolean matches = configId != null && space - ofs == configId.length() && s.startsWith(configId, ofs);
        if (matches == negated) return -1;
        int rest = space;
        while (rest < end && isBlank(s.charAt(rest))) rest++;
        return rest;
    }

    /**
     * The rest of a cut line, as keepalived's read_line treats it: a conditional, a definition, a generator or an
     * include at its start applies. Parameters were already substituted in the whole line, so they are not looked
     * for again: a line with thousands of braces is cut in linear time.
     */
    private String fromResidue(String base, int start, int end) {
        while (start < end && base.charAt(start) == '@') {
            start = conditionalAt(base, start, end);
            if (start < 0) return null;
        }
        if (start >= end) return null;
        char c = base.charAt(start);
        if (c == '$') {
            if (parameters.define(base, start, end)) return null;
        } else if (c == '~' && (base.startsWith("~SEQ", start) || base.startsWith("~LST", start))) {
            process(base.substring(start, end));
            return null;
        } else if (c == 'i' && base.startsWith("include", start)) {
            if (files.include(base.substring(start, end))) return null;
        }
        return scanner.cutAt(base, start, end);
    }
}
