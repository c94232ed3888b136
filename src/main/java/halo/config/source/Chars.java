package halo.config.source;

/** Character classes of the C locale, as keepalived's parser tests them, and small scanning helpers. */
final class Chars {
    private Chars() {}

    static char at(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    static int skipBlanks(String s, int i) {
        while (i < s.length() && isBlank(s.charAt(i))) i++;
        return i;
    }

    static char firstNonBlank(String s) {
        int i = skipBlanks(s, 0);
        return at(s, i);
    }

    static int indexOf(StringBuilder b, char c, int from) {
        return b.indexOf(String.valueOf(c), from);
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAlnum(char c) {
        return isAlpha(c) || isDigit(c);
    }
}
