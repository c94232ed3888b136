package halo.config.source;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * glob(3) as keepalived calls it for {@code include} ({@code GLOB_BRACE | GLOB_MARK}, with its own opendir/lstat
 * hooks that count missing files and directories): csh brace expansion first, then {@code * ? [...]} per path
 * component, hidden names only matched by a pattern starting with {@code .}; each brace alternative's matches sorted,
 * alternatives in order.
 */
final class Glob {

    /** Brace expansion stops here (a pattern like {a,b}{a,b}... grows exponentially). */
    static final int MAX_ALTERNATIVES = 4096;
    static final int MAX_MATCHES = 10_000;

    /**
     * @param matches            existing paths, in glob's order
     * @param missingFiles       literal names (or names under a matched directory) that do not exist
     * @param missingDirectories directories that could not be listed for a wildcard
     * @param haveWildcards      a wildcard component was expanded (a directory was listed)
     * @param truncated          a bound was hit (too many alternatives or matches)
     */
    record Result(List<Path> matches, int missingFiles, int missingDirectories, boolean haveWildcards, boolean truncated) {}

    private Glob() {}

    static Result glob(Path baseDir, String pattern) {
        List<String> alternatives = new ArrayList<>();
        boolean truncated = !expandBraces(pattern, alternatives);
        List<Path> matches = new ArrayList<>();
        int[] missing = new int[2];
        boolean[] wildcards = new boolean[1];
        for (String alternative : alternatives) {
            if (matches.size() >= MAX_MATCHES) {
                truncated = true;
                break;
            }
            matchOne(baseDir, alternative, matches, missing, wildcards);
        }
        if (matches.size() > MAX_MATCHES) {
            matches.subList(MAX_MATCHES, matches.size()).clear();
            truncated = true;
        }
        return new Result(matches, missing[0], missing[1], wildcards[0], truncated);
    }

    static boolean hasBrace(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') i++;
            else if (c == '{') return true;
        }
        return false;
    }

    /** Expands csh braces into {@code out}; false when the bound was hit. An unmatched brace is literal. */
    static boolean expandBraces(String pattern, List<String> out) {
        List<String> work = new ArrayList<>();
        work.add(pattern);
        while (!work.isEmpty()) {
            String p = work.removeLast();
            int open = -1;
            int close = -1;
            List<Integer> commas = new ArrayList<>();
            for (int i = 0; i < p.length() && close < 0; i++) {
                char c = p.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '{' && open < 0) {
                    open = i;
                    int depth = 0;
                    for (int j = i + 1; j < p.length(); j++) {
                        char d = p.charAt(j);
                        if (d == '\\') {
                            j++;
                        } else if (d == '{') {
                            depth++;
                        } else if (d == '}') {
                            if (depth == 0) {
                                close = j;
                                break;
                            }
                            depth--;
                        } else if (d == ',' && depth == 0) {
                            commas.add(j);
                        }
                    }
                    if (close < 0) {
                        open = -1; // unmatched: literal, look for a later brace
                        commas.clear();
                    }
                }
            }
            if (open < 0) {
                out.add(p);
            } else {
                String prefix = p.substring(0, open);
                String suffix = p.substring(close + 1);
                List<String> alternatives = new ArrayList<>();
                int from = open + 1;
                for (int comma : commas) {
                    alternatives.add(p.substring(from, comma));
                    from = comma + 1;
                }
                alternatives.add(p.substring(from, close));
                // pushed in reverse so that the work stack yields them in order
                for (int k = alternatives.size() - 1; k >= 0; k--) {
                    work.add(prefix + alternatives.get(k) + suffix);
                }
            }
            if (out.size() + work.size() > MAX_ALTERNATIVES) {
                return false;
            }
        }
        return true;
    }

    private static void matchOne(Path baseDir, String pattern, List<Path> matches, int[] missing, boolean[] wildcards) {
        boolean absolute = pattern.startsWith("/");
        String[] parts = pattern.split("/+");
        List<Path> current = new ArrayList<>();
        current.add(absolute ? Path.of("/") : baseDir);
        boolean lastWasLiteral = true;
        for (String part : parts) {
            if (part.isEmpty()) continue;
            List<Path> next = new ArrayList<>();
            if (!hasMagic(part)) {
                String name = unescape(part);
                for (Path dir : current) next.add(dir.resolve(name));
                lastWasLiteral = true;
            } else {
                wildcards[0] = true;
                for (Path dir : current) {
                    List<String> names = new ArrayList<>();
                    Path listed = dir.toString().isEmpty() ? Path.of(".") : dir;
                    try (DirectoryStream<Path> entries = Files.newDirectoryStream(listed)) {
                        for (Path entry : entries) {
                            String name = entry.getFileName().toString();
                            if (matches(part, name)) names.add(name);
                        }
                    } catch (IOException | SecurityException e) {
                        missing[1]++;
                        continue;
                    }
                    names.sort(null);
                    for (String name : names) next.add(dir.resolve(name));
                    if (next.size() > MAX_MATCHES) break;
                }
                lastWasLiteral = false;
            }
            current = next;
        }
        boolean anyPart = false;
        for (String part : parts) anyPart |= !part.isEmpty();
        if (!anyPart) {
            missing[0]++;
            return;
        }
        for (Path p : current) {
            if (!lastWasLiteral || Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                matches.add(p);
            } else {
                missing[0]++;
            }
        }
    }

    static boolean hasMagic(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') i++;
            else if (c == '*' || c == '?' || c == '[') return true;
        }
        return false;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) c = s.charAt(++i);
            b.append(c);
        }
        return b.toString();
    }

    /** fnmatch(3) with FNM_PERIOD: a leading '.' is only matched by a literal '.'. */
    static boolean matches(String pattern, String name) {
        if (name.startsWith(".") && !pattern.startsWith(".") && !pattern.startsWith("\\.")) {
            return false;
        }
        return match(pattern, 0, name, 0);
    }

    private static boolean match(String p, int pi, String s, int si) {
        // iterative with one backtrack point for '*' (classic wildcard matching)
        int starP = -1;
        int starS = -1;
        while (true) {
            if (pi < p.length()) {
                char c = p.charAt(pi);
                if (c == '*') {
                    starP = ++pi;
                    starS = si;
                    continue;
                }
                if (si < s.length()) {
                    int consumed = matchOneChar(p, pi, s.charAt(si));
                    if (consumed > 0) {
                        pi += consumed;
                        si++;
                        continue;
                    }
                }
            } else if (si == s.length()) {
                return true;
            }
            if (starP >= 0 && starS < s.length()) {
                pi = starP;
                si = ++starS;
                continue;
            }
            return false;
        }
    }

    /** Pattern length consumed when the pattern element at {@code pi} matches {@code c}, else 0. */
    private static int matchOneChar(String p, int pi, char c) {
        char pc = p.charAt(pi);
        if (pc == '?') return 1;
        if (pc == '\\' && pi + 1 < p.length()) return p.charAt(pi + 1) == c ? 2 : 0;
        if (pc == '[') {
            int i = pi + 1;
            boolean negate = i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^');
            if (negate) i++;
            boolean found = false;
            boolean first = true;
            while (i < p.length() && (first || p.charAt(i) != ']')) {
                first = false;
                char lo = p.charAt(i);
                if (lo == '\\' && i + 1 < p.length()) lo = p.charAt(++i);
                char hi = lo;
                if (i + 2 < p.length() && p.charAt(i + 1) == '-' && p.charAt(i + 2) != ']') {
                    hi = p.charAt(i + 2);
                    i += 2;
                }
                if (c >= lo && c <= hi) found = true;
                i++;
            }
            if (i >= p.length()) {
                return c == '[' ? 1 : 0; // no closing ']': a literal '['
            }
            return found != negate ? i + 1 - pi : 0;
        }
        return pc == c ? 1 : 0;
    }
}
