package halo.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A script keepalived runs (notify_*, vrrp_script's script, misc_path, quorum_up...): the command line as written
 * (one quoted string, split into arguments at run time as keepalived does) and an optional user/group to run it as.
 *
 * @param commandLine program and arguments, e.g. {@code /etc/keepalived/notify.sh master}
 * @param user        user to run as, or {@code null} for the global script_user
 * @param group       group to run as, or {@code null}
 */
public record ScriptCommand(String commandLine, String user, String group) {

    public static ScriptCommand of(String commandLine) {
        return new ScriptCommand(commandLine, null, null);
    }

    /** The command split into argv as keepalived does: on blanks, single and double quotes group words. */
    public List<String> argv() {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < commandLine.length(); i++) {
            char c = commandLine.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }
}
