package halo.config.source;

import java.util.ArrayList;
import java.util.List;

/**
 * keepalived's two ways of cutting a configuration line into words (lib/parser.c).
 * <ul>
 *   <li>{@link #split}: what every keyword handler gets ({@code alloc_strvec}): words separated by white space, a word
 *       that starts with {@code "} runs to the next {@code "} and keeps its spaces, quotes removed; single quotes and
 *       backslashes are ordinary characters. {@link Statement#words()} is this.</li>
 *   <li>{@link #splitQuotedEscaped}: what keepalived re-applies to the raw line of script keywords
 *       ({@code alloc_strvec_quoted_escaped}: {@code notify*}, {@code script}, {@code misc_path}, ...): both quote
 *       characters group, a quote can start mid-word, and backslash escapes {@code \a \b \E \f \n \r \t \v \nnn \xXX \cC}
 *       (any other {@code \C} is C itself). Apply it to {@link Statement#text()}.</li>
 * </ul>
 */
public final class Words {

    /** keepalived's WHITE_SPACE: " \t\f\n\r\v". */
    static boolean isWhite(char c) {
        return c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r' || c == 0x0b;
    }

    private Words() {}

    /** The words of a line and, when the line ends inside a quote, keepalived's complaint. */
    public record Split(List<String> words, String error) {}

    /** keepalived's {@code alloc_strvec}: see the class comment. An unmatched {@code "} ends the line with an error. */
    public static Split split(String line) {
        return split(line, null);
    }

    /**
     * Shares equal short words between lines: a large configuration repeats a few dozen keywords and values
     * hundreds of thousands of times, and one copy of each keeps the tree small (and the garbage collector idle).
     */
    static final class Table {
        private static final int SIZE = 8192; // power of two
        private static final int MAX_LENGTH = 40;
        private final String[] slots = new String[SIZE];

        String word(String line, int start, int end) {
            if (end - start > MAX_LENGTH) return line.substring(start, end);
            int h = 0;
            for (int i = start; i < end; i++) h = 31 * h + line.charAt(i);
            return word(line, start, end, h);
        }

        /** As {@link #word(String, int, int)}, with {@code hash} = the chars folded by h = 31 * h + c from 0. */
        String word(String line, int start, int end, int hash) {
            int length = end - start;
            if (length > MAX_LENGTH) return line.substring(start, end);
            int h = hash ^ (hash >>> 13) ^ length;
            for (int probe = 0; probe < 4; probe++) {
                int slot = (h + probe) & (SIZE - 1);
                String s = slots[slot];
                if (s == null) {
                    s = line.substring(start, end);
                    slots[slot] = s;
                    return s;
                }
                if (s.length() == length && line.regionMatches(start, s, 0, length)) return s;
            }
            return line.substring(start, end);
        }
    }

    static Split split(String line, Table table) {
        List<String> words = new ArrayList<>(4);
        String error = null;
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && isWhite(line.charAt(i))) i++;
            if (i >= n) break;
            if (line.charAt(i) == '"') {
                int close = line.indexOf('"', i + 1);
                if (close < 0) {
                    error = "Unmatched quote: '" + line + "'";
                    break;
                }
                words.add(table == null ? line.substring(i + 1, close) : table.word(line, i + 1, close));
                i = close + 1;
            } else {
                int start = i;
                while (i < n) {
                    char c = line.charAt(i);
                    if (c == '"' || isWhite(c)) break;
                    i++;
                }
                words.add(table == null ? line.substring(start, i) : table.word(line, start, i));
            }
        }
        return new Split(words, error);
    }

    /** keepalived's {@code alloc_strvec_quoted_escaped}: see the class comment. On error the words are empty. */
    public static Split splitQuotedEscaped(String line) {
        List<String> words = new ArrayList<>(4);
        StringBuilder word = new StringBuilder();
        int n = line.length();
        int i = 0;
        while (i < n) {
            while (i < n && isWhite(line.charAt(i))) i++;
            if (i >= n) break;
            word.setLength(0);
            char quote = 0;
            while (i < n) {
                char c = line.charAt(i);
                if (c == '\\') {
                    i++;
                    if (i >= n) {
                        return new Split(List.of(), "Missing escape char at end: '" + line + "'");
                    }
                    i = unescape(line, i, word);
                    continue;
                }
                if (quote != 0) {
                    if (c == quote) quote = 0;
                    else word.append(c);
                    i++;
                    continue;
                }
                if (c == '"' || c == '\'') {
                    quote = c;
                    i++;
                    continue;
                }
                if (isWhite(c)) break;
                word.append(c);
                i++;
            }
            if (quote != 0) {
                return new Split(List.of(), "String '" + line + "': missing terminating " + quote);
            }
            words.add(word.toString());
        }
        return new Split(words, null);
    }

    /** Applies the escape whose letter is at {@code i} (just after the backslash); returns the index after it. */
    private static int unescape(String s, int i, StringBuilder out) {
        int n = s.length();
        char c = s.charAt(i);
        if (c == 'x' && i + 1 < n && isHex(s.charAt(i + 1))) {
            // keepalived reads every following hex digit into one (8-bit) char
            int v = 0;
            i++;
            while (i < n && isHex(s.charAt(i))) {
                v = ((v << 4) | Character.digit(s.charAt(i), 16)) & 0xff;
                i++;
            }
            out.append((char) v);
            return i;
        }
        if (c == 'c' && i + 1 < n) {
            out.append((char) (s.charAt(i + 1) & 0x1f));
            return i + 2;
        }
        if (c >= '0' && c <= '7') {
            int v = c - '0';
            i++;
            for (int k = 0; k < 2 && i < n && s.charAt(i) >= '0' && s.charAt(i) <= '7'; k++, i++) {
                v = (v << 3) + (s.charAt(i) - '0');
            }
            out.append((char) (v & 0xff));
            return i;
        }
        out.append(switch (c) {
            case 'a' -> (char) 7;
            case 'b' -> '\b';
            case 'E' -> (char) 0x1b;
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'v' -> (char) 0x0b;
            default -> c;
        });
        return i + 1;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** A line that {@link #split} cuts back into {@code words} (words with white space or quotes are double-quoted). */
    public static String join(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (!b.isEmpty()) b.append(' ');
            boolean plain = !w.isEmpty();
            for (int i = 0; i < w.length() && plain; i++) {
                char c = w.charAt(i);
                plain = !isWhite(c) && c != '"' && c != '{' && c != '}' && c != '#' && c != '!';
            }
            if (plain) b.append(w);
            else b.append('"').append(w).append('"');
        }
        return b.toString();
    }
}
