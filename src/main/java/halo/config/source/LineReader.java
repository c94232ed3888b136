package halo.config.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;

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
    /** Parameter substitutions in one line: a parameter defined through itself would never end. */
    static final int MAX_SUBSTITUTIONS = 100;
    /**
     * Characters handled by substitution (each substitution and re-check costs the length of its line) may be this
     * plus {@link #WORK_PER_OUTPUT} times the characters of the lines handed out: a template does a few
     * substitutions per line, a definition that feeds itself hundreds on ever longer lines, and is stopped.
     */
    static final long BASE_SUBSTITUTION_WORK = 8L << 20;
    static final int WORK_PER_OUTPUT = 16;
    static final int MAX_INCLUDE_DEPTH = 64;
    /** Linux's PATH_MAX: a longer include name cannot name a file (glob(3) fails on it). */
    static final int PATH_MAX = 4096;
    static final int MAX_FILES = 10_000;
    /** A multi-line definition's value stops growing here. */
    static final int MAX_DEFINITION = 4 * MAX_LINE;

    // include types and include_check flags (keepalived's include_t)
    static final int INCLUDE_R = 0x01; // error if a match is a directory, not readable, not a regular file
    static final int INCLUDE_M = 0x02; // error if no file matches (unless wildcards)
    static final int INCLUDE_W = 0x04; // error if no file matches even with wildcards
    static final int INCLUDE_B = 0x08; // error if a brace alternative matches nothing

    /** ${_HASH} and ${_BANG} expand to these until the line is final, so that decomment() leaves them alone. */
    private static final char HASH = '\uFDD0';
    private static final char BANG = '\uFDD1';

    private enum Fn { NONE, PWD, INSTANCE, RANDOM, ENV }

    private static final class Def {
        final String name;
        String value;
        boolean multiline;
        Fn fn = Fn.NONE;
        int maxParams;

        Def(String name, String value) {
            this.name = name;
            this.value = value;
        }
    }

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

    /** The unread part of a multi-line parameter's value. */
    private record Pending(String text, int pos) {}

    private record StackEntry(Pending pending, int seqDepth) {}

    /** One include statement (or the main file): its glob matches, the one being read. */
    private static final class IncludeFrame {
        final String pattern;
        final int type;
        final int savedIncludeCheck;
        final SourceLocation from;
        final List<Path> matches;
        int nextMatch;
        int numMatches;
        // the file being read
        Path path;
        Path realPath;
        String content;
        /** The content's bytes when it is all ASCII (byte = char), for the fast path; else null. */
        byte[] ascii;
        boolean hasNul;
        int pos;
        int lineNo;
        String pwd;
        SourceLocation location;
        int locationLine = -1;

        IncludeFrame(String pattern, int type, int savedIncludeCheck, SourceLocation from, List<Path> matches) {
            this.pattern = pattern;
            this.type = type;
            this.savedIncludeCheck = savedIncludeCheck;
            this.from = from;
            this.matches = matches;
        }

        Path dir() {
            Path parent = path.getParent();
            return parent == null ? Path.of("") : parent;
        }
    }

    private final Diagnostics diagnostics;
    private final String configId;
    private final java.util.Map<String, String> environment;
    private final Random random;
    private final long maxExpandedLines;

    private final ArrayDeque<IncludeFrame> includes = new ArrayDeque<>();
    private int includeCheck;
    private int filesOpened;

    private final HashMap<String, Def> defs = new HashMap<>();
    private final ArrayList<Generator> generators = new ArrayList<>();
    private final ArrayList<StackEntry> multilineStack = new ArrayList<>();
    private int multilineSeqDepth;
    private Pending nextPending;
    // the rest of a line cut at a brace: base[residueStart, residueEnd), null base when none
    private String residueBase;
    private int residueStart;
    private int residueEnd;
    private Def multilineDef;
    private boolean multilineParamDef;
    private long expandedLines;
    /** Characters added by generators, multi-line parameters and substitution growth; bounded like the lines. */
    private long expandedChars;
    private boolean stopped;
    private int substitutions;
    private long substitutionWork;
    private long outputChars;
    private boolean substitutionStopped;

    private final StringBuilder scratch = new StringBuilder(256);
    final Words.Table wordTable = new Words.Table();
    /** The words of the line next() returned, when the fast path already cut them; else null. */
    private List<String> fastWords;
    /** Tests turn the fast path off to check that it cuts lines exactly as the full path does. */
    boolean fastPath = true;
    private String[] wordBuffer = new String[16];
    private SourceLocation lastLocation;
    private SourceLocation unterminatedQuoteAt;

    LineReader(Diagnostics diagnostics, String configId, java.util.Map<String, String> environment, long randomSeed,
               long maxExpandedLines) {
        this.diagnostics = diagnostics;
        this.configId = configId;
        this.environment = environment;
        this.random = new Random(randomSeed);
        this.maxExpandedLines = maxExpandedLines;
        addStandard("_PWD", Fn.PWD, 0);
        addStandard("_INSTANCE", Fn.INSTANCE, 0);
        addStandard("_RANDOM", Fn.RANDOM, 2);
        addStandard("_ENV", Fn.ENV, 1);
        defs.put("_HASH", new Def("_HASH", String.valueOf(HASH)));
        defs.put("_BANG", new Def("_BANG", String.valueOf(BANG)));
    }

    private void addStandard(String name, Fn fn, int maxParams) {
        Def def = new Def(name, "");
        def.fn = fn;
        def.maxParams = maxParams;
        defs.put(name, def);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Files

    /** Opens the main configuration file; false (with a FATAL diagnostic) when there is nothing to read. */
    boolean openMain(Path file) {
        String name = file.toString();
        List<Path> matches;
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) || !(Glob.hasMagic(name) || Glob.hasBrace(name))) {
            if (!Files.exists(file)) {
                diagnostics.fatal(null, name, "Unable to find configuration file " + name);
                return false;
            }
            matches = List.of(file);
        } else {
            Glob.Result g = Glob.glob(Path.of(""), name);
            if (g.matches().isEmpty()) {
                diagnostics.fatal(null, name, "Unable to find configuration file " + name);
                return false;
            }
            matches = g.matches();
        }
        IncludeFrame frame = new IncludeFrame(name, INCLUDE_R | INCLUDE_M | INCLUDE_W, 0, null, matches);
        includes.push(frame);
        if (!openNextMatch(frame)) {
            includes.pop();
            diagnostics.fatal(null, name, "Unable to read configuration file " + name);
            return false;
        }
        return true;
    }

    /** Reads the main configuration from a string, as if it were the file {@code name}. */
    void openText(Path name, String text) {
        IncludeFrame frame = new IncludeFrame(name.toString(), INCLUDE_R | INCLUDE_M | INCLUDE_W, 0, null, List.of());
        includes.push(frame);
        filesOpened++;
        setFile(frame, name, name.toAbsolutePath().normalize(), text, asciiBytes(text));
    }

    private static byte[] asciiBytes(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 128) return null;
        }
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private void setFile(IncludeFrame frame, Path path, Path realPath, String content, byte[] ascii) {
        frame.path = path;
        frame.realPath = realPath;
        frame.content = content;
        frame.ascii = ascii;
        frame.hasNul = content.indexOf('\0') >= 0;
        frame.pos = 0;
        frame.lineNo = 0;
        frame.pwd = null;
        frame.locationLine = -1;
        frame.numMatches++;
    }

    private boolean openNextMatch(IncludeFrame frame) {
        while (frame.nextMatch < frame.matches.size()) {
            Path path = frame.matches.get(frame.nextMatch++);
            if (Files.isDirectory(path)) {
                fileError(frame, INCLUDE_R, path.toString(), "Configuration file '" + path + "' is a directory - skipping");
                continue;
            }
            if (!isRegularNonExecutable(path)) {
                fileError(frame, INCLUDE_R, path.toString(),
                        "Configuration file '" + path + "' is not a regular non-executable file - skipping");
                continue;
            }
            Path real;
            try {
                real = path.toRealPath();
            } catch (IOException | SecurityException e) {
                real = path.toAbsolutePath().normalize();
            }
            if (isBeingRead(real, frame)) {
                // keepalived re-opens the file until it runs out of file descriptors
                fileError(frame, INCLUDE_R, path.toString(), "include loop: configuration file '" + path
                        + "' is already being read - skipping");
                continue;
            }
            if (includes.size() > MAX_INCLUDE_DEPTH) {
                fileError(frame, INCLUDE_R, path.toString(), "Configuration file '" + path
                        + "' open problem (includes nested more than " + MAX_INCLUDE_DEPTH + " deep) - skipping");
                continue;
            }
            if (++filesOpened > MAX_FILES) {
                diagnostics.fatal(frame.from, path.toString(), "more than " + MAX_FILES
                        + " configuration files opened (includes inside includes?) - reading stopped");
                stopped = true;
                return false;
            }
            String content;
            byte[] ascii;
            try {
                ascii = Files.readAllBytes(path);
                // decoding as ASCII replaces every byte above 127 with U+FFFD: none means the text is all ASCII, and
                // so the same as UTF-8 decoding gives; else decode as UTF-8 (malformed bytes replaced)
                content = new String(ascii, StandardCharsets.US_ASCII);
                if (content.indexOf('\uFFFD') >= 0) {
                    content = new String(ascii, StandardCharsets.UTF_8);
                    ascii = null;
                }
            } catch (IOException | SecurityException | OutOfMemoryError e) {
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                fileError(frame, INCLUDE_R, path.toString(),
                        "Configuration file '" + path + "' open problem (" + reason + ") - skipping");
                continue;
            }
            setFile(frame, path, real, content, ascii);
            return true;
        }
        return false;
    }

    private boolean isBeingRead(Path real, IncludeFrame except) {
        for (IncludeFrame f : includes) {
            if (f != except && f.content != null && f.realPath != null && f.realPath.equals(real)) return true;
        }
        return false;
    }

    private static boolean isRegularNonExecutable(Path path) {
        if (!Files.isRegularFile(path)) return false;
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
            return !perms.contains(PosixFilePermission.OWNER_EXECUTE) && !perms.contains(PosixFilePermission.GROUP_EXECUTE)
                    && !perms.contains(PosixFilePermission.OTHERS_EXECUTE);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return true;
        }
    }

    /**
     * keepalived's {@code file_config_error}: an error (FATAL: keepalived cannot run the configuration) when the include
     * type or include_check asks for that check, otherwise reported and skipped (WARNING).
     */
    private void fileError(IncludeFrame frame, int errorType, String token, String message) {
        SourceLocation at = frame.from;
        if (((includeCheck | frame.type) & errorType) != 0) {
            diagnostics.fatal(at, token, message);
        } else {
            diagnostics.warning(at, token, message);
        }
    }

    /** keepalived's {@code check_include}: true when the line was an include statement (handled here). */
    private boolean checkInclude(String buf) {
        if (!buf.startsWith("include") || buf.length() <= 7) return false;
        char c7 = buf.charAt(7);
        int type;
        int p;
        if (isSpace(c7)) {
            type = 0;
            p = 8;
        } else if (buf.length() > 8 && isSpace(buf.charAt(8)) && "rmwba".indexOf(c7) >= 0) {
            type = switch (c7) {
                case 'r' -> INCLUDE_R;
                case 'm' -> INCLUDE_R | INCLUDE_M;
                case 'w' -> INCLUDE_R | INCLUDE_M | INCLUDE_W;
                case 'b' -> INCLUDE_R | INCLUDE_B;
                default -> INCLUDE_R | INCLUDE_M | INCLUDE_B | INCLUDE_W;
            };
            p = 9;
        } else {
            return false;
        }
        while (p < buf.length() && isBlank(buf.charAt(p))) p++;
        String pattern = restoreLiterals(buf.substring(p));
        SourceLocation from = location();
        IncludeFrame top = includes.peek();
        Path baseDir = top == null ? Path.of("") : top.dir();
        openGlob(pattern, baseDir, type, from);
        return true;
    }

    private void openGlob(String pattern, Path baseDir, int type, SourceLocation from) {
        if (pattern.length() > PATH_MAX) {
            IncludeFrame frame = new IncludeFrame(pattern, type, includeCheck, from, List.of());
            fileError(frame, INCLUDE_M, pattern.substring(0, 40) + "...", "Config files missing '"
                    + pattern.substring(0, 40) + "...': the name is longer than " + PATH_MAX + " characters");
            return;
        }
        Glob.Result g = Glob.glob(baseDir, pattern);
        IncludeFrame frame = new IncludeFrame(pattern, type, includeCheck, from, g.matches());
        if (g.truncated()) {
            diagnostics.warning(from, pattern, "include '" + pattern + "' expands to more than "
                    + Glob.MAX_ALTERNATIVES + " patterns or " + Glob.MAX_MATCHES + " files - the rest is ignored");
        }
        if (g.matches().isEmpty()) {
            if (g.missingFiles() > 0 || g.missingDirectories() > 0) {
                fileError(frame, Glob.hasBrace(pattern) ? INCLUDE_B : INCLUDE_M, pattern,
                        "Config files missing '" + pattern + "'.");
            } else if (g.haveWildcards()) {
                if (((includeCheck | type) & INCLUDE_W) != 0) {
                    diagnostics.fatal(from, pattern, "No config files matched '" + pattern + "'.");
                } else {
                    diagnostics.info(from, pattern, "No config files matched '" + pattern + "'.");
                }
            }
            return;
        }
        if (g.missingFiles() > 0 || g.missingDirectories() > 0) {
            fileError(frame, INCLUDE_B, pattern, "Some config files missing: \"" + pattern + "\".");
            if (((includeCheck | type) & INCLUDE_B) != 0) return;
        }
        includes.push(frame);
        if (!openNextMatch(frame)) {
            includes.pop();
            includeCheck = frame.savedIncludeCheck;
        }
    }

    /** The end of a file: restore include_check, go on with the next match of its glob, or close the glob. */
    private void endFile(IncludeFrame frame) {
        includeCheck = frame.savedIncludeCheck;
        frame.content = null;
        frame.ascii = null;
        if (!stopped && openNextMatch(frame)) return;
        includes.remove(frame);
    }

    /** include_check [OPTIONS] in global_defs (keepalived's include_check_set). */
    void includeCheckSet(List<String> words, SourceLocation at) {
        if (words.size() <= 1) {
            includeCheck = INCLUDE_R | INCLUDE_M | INCLUDE_W | INCLUDE_B;
            return;
        }
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            int addRemove = 0;
            int offset = 1;
            if (word.startsWith("-")) {
                addRemove = -1;
            } else if (word.startsWith("+")) {
                addRemove = 1;
            } else {
                offset = 0;
                if (i == 1) {
                    includeCheck = 0;
                } else {
                    diagnostics.warning(at, word, "Duplicate include_check '" + word + "' specified - ignoring");
                    continue;
                }
            }
            String type = word.substring(offset);
            int flag = switch (type) {
                case "read", "readable" -> INCLUDE_R;
                case "match" -> INCLUDE_M;
                case "wildcard_match" -> INCLUDE_W;
                case "brace_match" -> INCLUDE_B;
                default -> 0;
            };
            if (flag == 0) {
                diagnostics.warning(at, type, "Unknown include_check type '" + type + "' - ignoring");
                continue;
            }
            if (addRemove == 0) includeCheck = INCLUDE_R | flag;
            else if (addRemove > 0) includeCheck |= flag;
            else includeCheck &= ~flag;
        }
    }

    /** Where the line being handed out comes from: the innermost file's current line. */
    SourceLocation location() {
        IncludeFrame f = includes.peek();
        if (f == null || f.path == null) return lastLocation;
        if (f.lineNo == 0 && f.from != null) return f.from;
        if (f.locationLine != f.lineNo) {
            f.location = new SourceLocation(f.path, f.lineNo);
            f.locationLine = f.lineNo;
        }
        lastLocation = f.location;
        return f.location;
    }

    /** Where decomment() last found an unterminated quote (the same line need not be reported twice). */
    SourceLocation unterminatedQuoteAt() {
        return unterminatedQuoteAt;
    }

    SourceLocation lastLocation() {
        return lastLocation;
    }

    /** The next physical line that is not empty once decommented, or null at the end of all files. */
    private String readPhysical() {
        while (true) {
            IncludeFrame f = includes.peek();
            if (f == null || stopped) return null;
            String content = f.content;
            if (content == null || f.pos >= content.length()) {
                endFile(f);
                continue;
            }
            int start = f.pos;
            int nl = content.indexOf('\n', start);
            int end = nl < 0 ? content.length() : nl;
            f.pos = nl < 0 ? content.length() : nl + 1;
            f.lineNo++;
            while (end > start && (content.charAt(end - 1) == '\r' || content.charAt(end - 1) == '\n')) end--;
            if (f.hasNul) {
                int nul = content.indexOf('\0', start);
                if (nul >= 0 && nul < end) end = nul; // C strings end there
            }
            if (end - start > MAX_LINE) {
                diagnostics.warning(location(), null, "line longer than " + MAX_LINE
                        + " characters (keepalived reads at most 1023) - the rest of the line is ignored");
                end = start + MAX_LINE;
            }
            if (fastPath && !multilineParamDef && end > start) {
                String fast = f.ascii != null ? fastLine(f.ascii, content, start, end) : fastLine(content, start, end);
                if (fast != null) {
                    if (fast.isEmpty()) continue;
                    return fast;
                }
            }
            if (end == start) {
                // an empty line ends a multi-line definition
                if (multilineParamDef) {
                    multilineParamDef = false;
                    if (multilineDef.value.isEmpty()) multilineDef.multiline = false;
                }
                continue;
            }
            String line = decomment(content, start, end);
            if (!line.isEmpty()) return line;
        }
    }

    /** Characters that need the full read_line treatment (comments, quotes, escapes, braces, parameters, odd blanks). */
    private static final boolean[] SPECIAL = new boolean[128];
    private static final List<String> OPEN = List.of("{");
    private static final String OPEN_TEXT = "{";
    private static final List<String> CLOSE = List.of("}");

    static {
        for (char c : "!#\"\\{}$\f\u000b\r\0".toCharArray()) SPECIAL[c] = true;
    }

    /**
     * {@link #fastLine(String, int, int)} over the ASCII bytes {@code b} of {@code s} (byte = char): the same decisions,
     * without String.charAt's checks on each character (a third of reading a large configuration).
     */
    private String fastLine(byte[] b, String s, int start, int end) {
        int i = start;
        while (i < end && isBlank((char) b[i])) i++;
        if (i == end) return "";
        int first = b[i];
        if (first == '@' || first == '~' || (first == 'i' && s.startsWith("include", i))) return null;
        int last = end - 1;
        while (isBlank((char) b[last])) last--;
        boolean openBrace = false;
        if (b[last] == '}' && last == i) {
            fastWords = CLOSE;
            return "}";
        }
        if (b[last] == '{' && last > i) {
            openBrace = true;
            end = last;
        }
        boolean[] special = SPECIAL;
        String[] words = wordBuffer;
        int count = 0;
        int wordStart = -1;
        int hash = 0;
        int textEnd = i;
        int lineHash = 0;
        int textHash = 0;
        for (int k = i; k < end; k++) {
            int c = b[k];
            lineHash = 31 * lineHash + c;
            if (special[c]) return null;
            if (c == ' ' || c == '\t') {
                if (wordStart >= 0) {
                    if (count == words.length) words = wordBuffer = java.util.Arrays.copyOf(words, count * 2);
                    words[count++] = wordTable.word(s, wordStart, k, hash);
                    wordStart = -1;
                }
                continue;
            }
            if (wordStart < 0) {
                wordStart = k;
                hash = 0;
            }
            hash = 31 * hash + c;
            textEnd = k + 1;
            textHash = lineHash;
        }
        return endFastLine(s, i, words, count, wordStart, textEnd, hash, textHash, openBrace);
    }

    /**
     * The fast path for the common line (words and blanks only): the text and its words in one pass, or null when
     * the line needs the full treatment. "" for a blank line.
     */
    private String fastLine(String s, int start, int end) {
        int i = start;
        while (i < end && isBlank(s.charAt(i))) i++;
        if (i == end) return "";
        char first = s.charAt(i);
        if (first == '@' || first == '~' || (first == 'i' && s.startsWith("include", i))) return null;
        // "keyword args {" and a lone "}": the brace is cut off as read_line would
        int last = end - 1;
        while (isBlank(s.charAt(last))) last--;
        boolean openBrace = false;
        if (s.charAt(last) == '}' && last == i) {
            fastWords = CLOSE;
            return "}";
        }
        if (s.charAt(last) == '{' && last > i) {
            openBrace = true;
            end = last;
        }
        String[] words = wordBuffer;
        int count = 0;
        int wordStart = -1;
        int hash = 0;
        int textEnd = i;
        // the line's own hash for the word table, folded in the same pass (blanks inside the text included)
        int lineHash = 0;
        int textHash = 0;
        for (int k = i; k < end; k++) {
            char c = s.charAt(k);
            lineHash = 31 * lineHash + c;
            if (c < 128) {
                if (SPECIAL[c]) return null;
                if (c == ' ' || c == '\t') {
                    if (wordStart >= 0) {
                        if (count == words.length) words = wordBuffer = java.util.Arrays.copyOf(words, count * 2);
                        words[count++] = wordTable.word(s, wordStart, k, hash);
                        wordStart = -1;
                    }
                    continue;
                }
            } else if (c == HASH || c == BANG) {
                return null;
            }
            if (wordStart < 0) {
                wordStart = k;
                hash = 0;
            }
            hash = 31 * hash + c;
            textEnd = k + 1;
            textHash = lineHash;
        }
        return endFastLine(s, i, words, count, wordStart, textEnd, hash, textHash, openBrace);
    }

    /** How both fast paths end a line: its last word, the brace cut off, its words and its text. */
    private String endFastLine(String s, int textStart, String[] words, int count, int wordStart, int textEnd,
                               int hash, int textHash, boolean openBrace) {
        if (wordStart >= 0) {
            if (count == words.length) words = wordBuffer = java.util.Arrays.copyOf(words, count * 2);
            words[count++] = wordTable.word(s, wordStart, textEnd, hash);
        }
        if (openBrace) setResidue(OPEN_TEXT, 0, 1);
        fastWords = switch (count) {
            case 1 -> List.of(words[0]);
            case 2 -> List.of(words[0], words[1]);
            default -> List.of(java.util.Arrays.copyOf(words, count));
        };
        return count == 1 ? words[0] : wordTable.word(s, textStart, textEnd, textHash);
    }

    /** The words of the line that next() just returned when it cut them itself, else null (cut the text). */
    List<String> words() {
        return fastWords;
    }

    // ---------------------------------------------------------------------------------------------------------
    // read_line

    /** The next logical line (never empty, no unquoted brace except a lone "{" or "}"), or null at the end. */
    String next() {
        multilineParamDef = false;
        fastWords = null;
        String buf;
        while (true) {
            if (stopped) return null;
            if (residueBase != null) {
                String base = residueBase;
                int start = residueStart;
                int end = residueEnd;
                residueBase = null;
                if (fastPath && end - start == 1 && base.charAt(start) == '{') {
                    fastWords = OPEN;
                    return OPEN_TEXT;
                }
                String line = fromResidue(base, start, end);
                if (line == null) continue;
                outputChars += line.length();
                return line;
            } else if (!generators.isEmpty() && generators.size() > multilineSeqDepth) {
                buf = generate();
                if (buf == null) return null;
            } else if (nextPending != null) {
                if (!countExpanded(Math.max(0, nextPending.text.indexOf('\n', nextPending.pos) - nextPending.pos))) return null;
                String text = nextPending.text;
                int end = text.indexOf('\n', nextPending.pos);
                if (end < 0) {
                    buf = text.substring(nextPending.pos);
                    if (!multilineStack.isEmpty()) {
                        StackEntry e = multilineStack.removeLast();
                        nextPending = e.pending;
                        multilineSeqDepth = e.seqDepth;
                    } else {
                        nextPending = null;
                        multilineSeqDepth = 0;
                    }
                } else {
                    buf = text.substring(nextPending.pos, end);
                    nextPending = new Pending(text, end + 1);
                }
            } else {
                buf = readPhysical();
                if (buf == null) return null;
                if (fastWords != null) { // a plain line: nothing more to do
                    outputChars += buf.length();
                    return buf;
                }
            }

            if (multilineParamDef) {
                addDefinitionLine(buf);
                continue;
            }
            if (buf.isEmpty()) continue;

            buf = process(buf);
            if (buf.isEmpty()) continue;
            if (checkInclude(buf)) continue;
            break;
        }
        String line = cutAtBrace(buf);
        outputChars += line.length();
        return line;
    }

    /** One more line of a multi-line definition ("text \" goes on, anything else is the last line). */
    private void addDefinitionLine(String buf) {
        int len = buf.length();
        String add;
        if (len > 0 && buf.charAt(len - 1) == '\\') {
            len--;
            while (len >= 1 && isBlank(buf.charAt(len - 1))) len--;
            add = buf.substring(0, len) + "\n";
        } else {
            multilineParamDef = false;
            if (multilineDef.value.isEmpty()) multilineDef.multiline = false;
            add = buf;
        }
        // keepalived does not add blank lines
        if (add.length() >= 2 || (!add.isEmpty() && !multilineParamDef)) {
            if (multilineDef.value.length() + add.length() > MAX_DEFINITION) {
                diagnostics.warning(location(), "$" + multilineDef.name, "definition of $" + multilineDef.name
                        + " is longer than " + MAX_DEFINITION + " characters - the rest is ignored");
            } else {
                multilineDef.value = multilineDef.value + add;
            }
        }
    }

    /** Conditionals, definitions, generators and substitution, until the line no longer changes. */
    private String process(String buf) {
        substitutions = 0;
        substitutionStopped = false;
        boolean recheck;
        do {
            recheck = false;
            if (buf.isEmpty()) return buf;
            if (buf.charAt(0) == '@') {
                buf = conditional(buf);
                if (buf.isEmpty()) return buf;
            }
            if (buf.charAt(0) == '$') {
                Def def = checkDefinition(buf);
                if (def != null) {
                    if (def.multiline) {
                        multilineParamDef = true;
                        multilineDef = def;
                    }
                    return "";
                }
            }
            if (buf.startsWith("~SEQ") || buf.startsWith("~LST")) {
                if (buf.charAt(1) == 'S') {
                    if (!addSeq(buf)) diagnostics.warning(location(), buf, "Invalid ~SEQ specification '" + buf + "'");
                } else {
                    if (!addList(buf)) diagnostics.warning(location(), buf, "Invalid ~LST specification '" + buf + "'");
                }
                return "";
            }
            if (buf.charAt(0) == '~') return buf;
            if (buf.indexOf('$') >= 0) {
                String replaced = replaceParams(buf);
                if (replaced == null) return buf;
                substitutionWork += replaced.length(); // the work of checking it again
                buf = decomment(replaced, 0, replaced.length());
                if (substitutionStopped) return buf;
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

    private void setResidue(String base, int start, int end) {
        residueBase = base;
        residueStart = start;
        residueEnd = end;
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
            Def def = checkDefinition(base, start, end);
            if (def != null) {
                if (def.multiline) {
                    multilineParamDef = true;
                    multilineDef = def;
                }
                return null;
            }
        } else if (c == '~' && (base.startsWith("~SEQ", start) || base.startsWith("~LST", start))) {
            process(base.substring(start, end));
            return null;
        } else if (c == 'i' && base.startsWith("include", start)) {
            if (checkInclude(base.substring(start, end))) return null;
        }
        return cutAt(base, start, end);
    }

    /** Cuts the line before its first unquoted brace; the rest becomes the next line. */
    private String cutAtBrace(String buf) {
        return cutAt(buf, 0, buf.length());
    }

    private String cutAt(String base, int start, int end) {
        int p = start;
        char c0 = base.charAt(start);
        if (c0 != '{' && c0 != '}') {
            p = -1;
            int i = start;
            while (i < end) {
                char c = base.charAt(i);
                if (c == '{' || c == '}') {
                    p = i;
                    break;
                }
                if (c == '"') {
                    int close = base.indexOf('"', i + 1);
                    if (close < 0 || close >= end) break;
                    i = close + 1;
                    continue;
                }
                i++;
            }
        }
        int cut = end;
        if (p >= 0) {
            int skip = 0;
            if (p == start) {
                skip = 1;
                while (p + skip < end && isBlank(base.charAt(p + skip))) skip++;
            }
            if (p + skip < end) {
                int restEnd = end;
                while (restEnd > p + skip && isBlank(base.charAt(restEnd - 1))) restEnd--;
                setResidue(base, p + skip, restEnd);
                cut = p + skip;
            }
        }
        int e = cut;
        while (e > start && isBlank(base.charAt(e - 1))) e--;
        return restoreLiterals(base.substring(start, e));
    }

    private static String restoreLiterals(String s) {
        if (s.indexOf(HASH) < 0 && s.indexOf(BANG) < 0) return s;
        return s.replace(HASH, '#').replace(BANG, '!');
    }

    /**
     * keepalived's {@code decomment()}: leading blanks, the comment ({@code !} or {@code #} not inside double quotes)
     * and trailing blanks go; {@code \#} and {@code \!} outside quotes lose their backslash; a line ending in a
     * backslash keeps it (it continues a multi-line definition).
     */
    private String decomment(String s, int from, int to) {
        while (from < to && isBlank(s.charAt(from))) from++;
        int i = from;
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c == '!' || c == '#' || c == '"' || c == '\\') break;
        }
        if (i == to) {
            int end = to;
            while (end > from && isBlank(s.charAt(end - 1))) end--;
            return s.substring(from, end);
        }
        StringBuilder b = scratch;
        b.setLength(0);
        boolean quote = false;
        boolean cont = false;
        int skip = -1;
        int run = from; // start of the plain characters not yet copied
        for (int k = i; k < to; k++) {
            char c = s.charAt(k);
            if (c != '"' && c != '\\' && c != '!' && c != '#') continue;
            if (c == '"') {
                if (skip < 0) quote = !quote;
                continue;
            }
            if (c == '\\') {
                if (k + 1 < to) {
                    char d = s.charAt(k + 1);
                    if (!quote && (d == '#' || d == '!')) {
                        b.append(s, run, k); // drop the backslash
                        run = k + 1;
                    }
                    k++;
                    continue;
                }
                b.append(s, run, k);
                run = to;
                cont = true;
                break;
            }
            if (!quote && skip < 0) skip = b.length() + (k - run);
        }
        if (run < to) b.append(s, run, to);
        if (quote) {
            String line = restoreLiterals(b.toString());
            unterminatedQuoteAt = location();
            diagnostics.warning(unterminatedQuoteAt, line, "Unterminated quote '" + line + "' (a closing \" is missing)");
        }
        int end = skip >= 0 ? skip : b.length();
        while (end > 0 && isBlank(b.charAt(end - 1))) end--;
        if (cont) {
            b.setLength(end);
            b.append('\\');
            return b.toString();
        }
        return b.substring(0, end);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Parameters

    /** {@code $NAME=VALUE} (no blank before '='): defines or redefines NAME; null when the line is no definition. */
    private Def checkDefinition(String buf) {
        return checkDefinition(buf, 0, buf.length());
    }

    private Def checkDefinition(String buf, int from, int n) {
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
        Def def = defs.get(name);
        if (def == null) {
            def = new Def(name, value);
            defs.put(name, def);
        }
        def.value = value;
        def.multiline = multiline;
        def.fn = Fn.NONE; // a standard definition can be overridden
        return def;
    }

    private void setDefinition(String name, String value) {
        Def def = defs.get(name);
        if (def == null) {
            def = new Def(name, value);
            defs.put(name, def);
        }
        def.value = value;
        def.multiline = false;
        def.fn = Fn.NONE;
    }

    /** A use of a definition found at '$' + 1. */
    private record Use(Def def, int end, int paramStart, int paramEnd, String envName) {}

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
        Def def = defs.get(name);
        if (braces) {
            if (def != null && def.fn == Fn.ENV) {
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
        if (def.fn == Fn.ENV) return null; // _ENV needs a variable name
        return new Use(def, p, paramStart, paramEnd, null);
    }

    /**
     * keepalived's {@code replace_param}: replaces every defined {@code $NAME} / {@code ${NAME}}, rescanning each
     * replacement (recursive). A multi-line parameter (only at the end of the line) gives its first line; the
     * others follow as lines. Null when nothing was replaced.
     */
    private String replaceParams(String in) {
        StringBuilder b = new StringBuilder(in);
        int cur = 0;
        boolean found = false;
        Pending multilinePtr = nextPending;
        Pending next = null;
        while ((cur = indexOf(b, '$', cur)) >= 0 && cur + 1 < b.length()) {
            Use use = findUse(b, cur + 1);
            substitutionWork += 32; // a look-up costs about as much as copying 32 characters
            if (use == null) {
                cur++;
                continue;
            }
            if (++substitutions > MAX_SUBSTITUTIONS) {
                diagnostics.warning(location(), "$" + use.def.name, "Parameter substitution on line '" + in
                        + "' does not end (more than " + MAX_SUBSTITUTIONS + " substitutions: a parameter defined"
                        + " through itself?) - line left as it is");
                substitutionStopped = true;
                break;
            }
            found = true;
            Def def = use.def;
            next = multilinePtr;
            if (def.multiline && multilinePtr != null) {
                multilineStack.add(new StackEntry(multilinePtr, multilineSeqDepth));
            }
            if (def.multiline) multilineSeqDepth = generators.size();
            String value = value(def, b, use);
            String replacing;
            if (def.multiline) {
                int nl = value.indexOf('\n');
                replacing = nl < 0 ? value : value.substring(0, nl);
                next = nl < 0 ? null : new Pending(value, nl + 1);
                multilinePtr = next;
            } else {
                replacing = value;
            }
            substitutionWork += b.length() + replacing.length();
            if (substitutionWork > BASE_SUBSTITUTION_WORK + WORK_PER_OUTPUT * outputChars) {
                diagnostics.fatal(location(), "$" + def.name, "parameter substitution does not end: "
                        + substitutionWork + " characters substituted for " + outputChars + " characters of"
                        + " configuration (a definition that feeds itself?) - reading stopped");
                substitutionStopped = true;
                stopped = true;
                break;
            }
            if (b.length() - (use.end - cur) + replacing.length() >= MAX_LINE) {
                diagnostics.warning(location(), "$" + def.name,
                        "Parameter substitution on line '" + in + "' would exceed maximum line length");
                substitutionStopped = true;
                break;
            }
            int growth = replacing.length() - (use.end - cur);
            if (growth > 0) {
                expandedChars += growth;
                if (expandedChars > maxExpandedLines * 32) {
                    diagnostics.fatal(location(), "$" + def.name, "the configuration expands to more than "
                            + maxExpandedLines * 32 + " generated characters (~SEQ, ~LST, parameters) - reading stopped");
                    substitutionStopped = true;
                    stopped = true;
                    break;
                }
            }
            b.replace(cur, use.end, replacing);
            if (firstNonBlank(value) == '~') break; // a generator: handled when the line is checked again
        }
        if (!found) return null;
        nextPending = next;
        return b.toString();
    }

    private String value(Def def, CharSequence b, Use use) {
        return switch (def.fn) {
            case NONE -> def.value;
            case PWD -> pwd();
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
                diagnostics.info(location(), params, "Too many parameters or extra text for ${_RANDOM " + params + "}");
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

    /** ${_PWD}: the directory of the file being read (keepalived changes into it). */
    private String pwd() {
        IncludeFrame f = includes.peek();
        if (f == null || f.path == null) return Path.of("").toAbsolutePath().toString();
        if (f.pwd == null) {
            Path dir = f.path.toAbsolutePath().getParent();
            if (dir == null) dir = Path.of("/");
            try {
                dir = dir.toRealPath();
            } catch (IOException | SecurityException e) {
                dir = dir.normalize();
            }
            f.pwd = dir.toString();
        }
        return f.pwd;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Generators

    /** Counts generated text against the bounds; false (reading stops, FATAL reported) when one is exceeded. */
    private boolean countExpanded(int chars) {
        expandedChars += chars;
        if (expandedChars > maxExpandedLines * 32) {
            diagnostics.fatal(location(), null, "the configuration expands to more than " + maxExpandedLines * 32
                    + " generated characters (~SEQ, ~LST, parameters) - reading stopped");
            stopped = true;
            return false;
        }
        return countExpanded();
    }

    private boolean countExpanded() {
        if (++expandedLines > maxExpandedLines) {
            diagnostics.fatal(location(), null, "the configuration expands to more than " + maxExpandedLines
                    + " generated lines (~SEQ, ~LST, multi-line parameters) - reading stopped");
            stopped = true;
            return false;
        }
        return true;
    }

    /** The next line of the innermost generator (its variables set), or null when the expansion bound was hit. */
    private String generate() {
        Generator g = generators.getLast();
        if (!countExpanded(g.text.length())) return null;
        if (g.params == null) {
            setDefinition(g.var, g.hex ? Long.toHexString(g.next) : Long.toString(g.next));
            long following = g.next + g.step;
            boolean overflow = ((g.next ^ following) & (g.step ^ following)) < 0;
            if (overflow || (g.step > 0 && following > g.last) || (g.step < 0 && following < g.last)) {
                generators.removeLast();
            } else {
                g.next = following;
            }
        } else {
            List<String> values = g.valueSets.get(g.nextSet);
            for (int i = 0; i < g.params.size(); i++) setDefinition(g.params.get(i), values.get(i));
            if (++g.nextSet >= g.valueSets.size()) generators.removeLast();
        }
        return g.text;
    }

    /** Starts a generator, unless it would only produce empty lines (then its variables take their last values). */
    private void start(Generator g) {
        if (!g.text.isEmpty()) {
            generators.add(g);
            return;
        }
        if (g.params == null) {
            long last = g.next + (g.last - g.next) / g.step * g.step;
            setDefinition(g.var, g.hex ? Long.toHexString(last) : Long.toString(last));
        } else {
            List<String> values = g.valueSets.getLast();
            for (int i = 0; i < g.params.size(); i++) setDefinition(g.params.get(i), values.get(i));
        }
    }

    /** {@code ~SEQ(var, [start, [step,]] end) rest} and {@code ~SEQx(...)} (keepalived's add_seq). */
    private boolean addSeq(String buf) {
        SourceLocation at = location();
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
        String seq = substituteSimple(buf.substring(p, endSeq + 1));
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

    /** Substitutes single-line parameters in a ~SEQ's numbers (no multi-line parameters, no side effects). */
    private String substituteSimple(String s) {
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
                    diagnostics.warning(location(), buf, "~LST specification has too many values '" + buf + "'");
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

    // ---------------------------------------------------------------------------------------------------------
    // Characters (C locale)

    private static char at(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private static int skipBlanks(String s, int i) {
        while (i < s.length() && isBlank(s.charAt(i))) i++;
        return i;
    }

    private static char firstNonBlank(String s) {
        int i = skipBlanks(s, 0);
        return at(s, i);
    }

    private static int indexOf(StringBuilder b, char c, int from) {
        return b.indexOf(String.valueOf(c), from);
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlnum(char c) {
        return isAlpha(c) || isDigit(c);
    }
}
