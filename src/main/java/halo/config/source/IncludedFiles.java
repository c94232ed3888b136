package halo.config.source;

import static halo.config.source.Chars.isBlank;
import static halo.config.source.Chars.isSpace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;

/**
 * The files being read: the main file and the stack of open {@code include}s (keepalived's include types
 * {@code includer/m/w/b/a} and {@code include_check}), each include's glob matches read one after the other.
 */
final class IncludedFiles {
    static final int MAX_INCLUDE_DEPTH = 64;
    /** Linux's PATH_MAX: a longer include name cannot name a file (glob(3) fails on it). */
    static final int PATH_MAX = 4096;
    static final int MAX_FILES = 10_000;

    // include types and include_check flags (keepalived's include_t)
    static final int INCLUDE_R = 0x01; // error if a match is a directory, not readable, not a regular file
    static final int INCLUDE_M = 0x02; // error if no file matches (unless wildcards)
    static final int INCLUDE_W = 0x04; // error if no file matches even with wildcards
    static final int INCLUDE_B = 0x08; // error if a brace alternative matches nothing

    /** One include statement (or the main file): its glob matches, the one being read. */
    static final class IncludeFrame {
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
        /** pos is inside a physical line that was longer than keepalived's buffer: the rest is read as a new line. */
        boolean midLine;
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
    private final ArrayDeque<IncludeFrame> includes = new ArrayDeque<>();
    private int includeCheck;
    private int filesOpened;
    /** More than {@link #MAX_FILES} files were opened: reading stops. */
    private boolean tooManyFiles;
    private SourceLocation lastLocation;

    IncludedFiles(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The innermost file being read (or its include, between two of its matches), or null when all are read. */
    IncludeFrame current() {
        return includes.peek();
    }

    boolean tooManyFiles() {
        return tooManyFiles;
    }

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
                tooManyFiles = true;
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

    /** keepalived's {@code check_include}: true when the line was an include statement (its files are opened). */
    boolean include(String buf) {
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
        String pattern = LineScanner.restoreLiterals(buf.substring(p));
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
    void endFile(IncludeFrame frame) {
        includeCheck = frame.savedIncludeCheck;
        frame.content = null;
        frame.ascii = null;
        if (!tooManyFiles && openNextMatch(frame)) return;
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

    SourceLocation lastLocation() {
        return lastLocation;
    }

    /** ${_PWD}: the directory of the file being read (keepalived changes into it). */
    String pwd() {
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
}
