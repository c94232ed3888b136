package halo.daemon;

import halo.config.ScriptCommand;

import java.time.Duration;
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

    /** Splits as keepalived splits script lines at run time (see {@link ScriptCommand#argv()}). */
    static List<String> split(String commandLine) {
        return ScriptCommand.of(commandLine).argv();
    }
}
