package halo.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A script as keepalived runs it: the command line from the configuration split into words (keepalived's quoting:
 * double or single quotes keep spaces), the user it runs as, and how long it may run.
 *
 * @param commandLine the text as written after {@code script}/{@code notify_*}
 * @param argv        the words of the command line
 * @param user        user name to run as, or {@code null} for the daemon's own user
 * @param timeout     how long before SIGTERM (then SIGKILL); {@code null} for no limit
 * @param group       group to run as, or {@code null} for the user's primary group
 */
public record Script(String commandLine, List<String> argv, String user, Duration timeout, String group) {

    public Script {
        argv = List.copyOf(argv);
    }

    public Script(String commandLine, List<String> argv, String user, Duration timeout) {
        this(commandLine, argv, user, timeout, null);
    }

    public static Script of(String commandLine, String user, Duration timeout) {
        return new Script(commandLine, split(commandLine), user, timeout);
    }

    /** Splits as keepalived's script parameter parsing does: whitespace separates, quotes group, backslash escapes. */
    static List<String> split(String commandLine) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < commandLine.length(); i++) {
            char c = commandLine.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < commandLine.length()) {
                word.append(commandLine.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
