package halo.config;

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

    /**
     * The command split into argv as keepalived does at run time ({@code alloc_strvec_quoted_escaped}): blanks
     * separate, single and double quotes group, backslash escapes.
     */
    public List<String> argv() {
        return halo.config.source.Words.splitQuotedEscaped(commandLine).words();
    }
}
