package halo.config.source;

import static halo.config.source.Chars.isBlank;

import java.util.List;

/**
 * The line scanner of keepalived's {@code read_line()}: {@code decomment()} (blanks, comments, escapes, quotes), the
 * cut before a line's first unquoted brace (the rest, the residue, is the next line), and a fast path for the common
 * line of words and blanks that cuts its words as well.
 */
final class LineScanner {
    /** Characters that need the full read_line treatment (comments, quotes, escapes, braces, parameters, odd blanks). */
    private static final boolean[] SPECIAL = new boolean[128];
    static final List<String> OPEN = List.of("{");
    static final String OPEN_TEXT = "{";
    private static final List<String> CLOSE = List.of("}");

    static {
        for (char c : "!#\"\\{}$\f\u000b\r\0".toCharArray()) SPECIAL[c] = true;
    }

    private final Diagnostics diagnostics;
    private final IncludedFiles files;
    private final StringBuilder scratch = new StringBuilder(256);
    final Words.Table wordTable = new Words.Table();
    /** The words of the line just scanned, when the fast path cut them; else null. */
    List<String> fastWords;
    private String[] wordBuffer = new String[16];
    private SourceLocation unterminatedQuoteAt;
    // the rest of a line cut at a brace: residueBase[residueStart, residueEnd), null base when none
    String residueBase;
    int residueStart;
    int residueEnd;

    LineScanner(Diagnostics diagnostics, IncludedFiles files) {
        this.diagnostics = diagnostics;
        this.files = files;
    }

    /** Where decomment() last found an unterminated quote (the same line need not be reported twice). */
    SourceLocation unterminatedQuoteAt() {
        return unterminatedQuoteAt;
    }

    /**
     * {@link #fastLine(String, int, int)} over the ASCII bytes {@code b} of {@code s} (byte = char): the same decisions,
     * without String.charAt's checks on each character (a third of reading a large configuration).
     */
    String fastLine(byte[] b, String s, int start, int end) {
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
    String fastLine(String s, int start, int end) {
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
            } else if (c == Parameters.HASH || c == Parameters.BANG) {
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

    void setResidue(String base, int start, int end) {
        residueBase = base;
        residueStart = start;
        residueEnd = end;
    }

    /** Cuts the line before its first unquoted brace; the rest becomes the next line. */
    String cutAtBrace(String buf) {
        return cutAt(buf, 0, buf.length());
    }

    String cutAt(String base, int start, int end) {
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

    static String restoreLiterals(String s) {
        if (s.indexOf(Parameters.HASH) < 0 && s.indexOf(Parameters.BANG) < 0) return s;
        return s.replace(Parameters.HASH, '#').replace(Parameters.BANG, '!');
    }

    /**
     * keepalived's {@code decomment()}: leading blanks, the comment ({@code !} or {@code #} not inside double quotes)
     * and trailing blanks go; {@code \#} and {@code \!} outside quotes lose their backslash; a line ending in a
     * backslash keeps it (it continues a multi-line definition).
     */
    String decomment(String s, int from, int to) {
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
            unterminatedQuoteAt = files.location();
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
}
