package halo.daemon;

import halo.config.GlobalDefs;
import halo.config.ScriptCommand;
import halo.os.ProcessUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * keepalived's script policy, the same for every script Halo runs (vrrp_script, notify_* of instances and groups,
 * notify_up/down and quorum_up/down of the checkers, the notify FIFOs' scripts): who a script runs as (its own
 * {@code user [group]}, else {@code script_user [group]}, the group applied to every kind), whether it may run (found,
 * and safe or {@code enable_script_security} off), the warning when scripts run without script security, how long a
 * notify script may run and how long the stop scripts get at shutdown.
 *
 * <p>Safe is keepalived's check_script_secure: a script that runs as root is unsafe when the file or any directory
 * above it is owned by a non-root user, or writable by a non-root group or by everyone (a sticky directory excepted).
 */
final class ScriptPolicy {

    /** A notify script that hangs is killed eventually, so it cannot pile up processes on a flapping link. */
    static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(30);
    /** What notify_stop and the checkers' shutdown scripts get, as in keepalived. */
    static final Duration STOP_SCRIPT_WAIT = Duration.ofSeconds(1);

    /** Which kind of script is judged: keepalived words a missing script differently for each. */
    enum Kind {
        /** A vrrp_script: disabled with its name. */
        TRACK,
        /** An instance's or sync group's notify_* script. */
        VRRP_NOTIFY,
        /** A virtual server's quorum_up/down or a real server's notify_up/down. */
        CHECKER_NOTIFY,
        /** A *notify_fifo_script. */
        FIFO
    }

    /** What the security check says of a script. */
    enum Verdict { SAFE, UNSAFE, NOT_FOUND }

    private static final int S_IWOTH = 0002;
    private static final int S_IWGRP = 0020;
    private static final int S_ISVTX = 01000;

    private final GlobalDefs global;

    ScriptPolicy(GlobalDefs global) {
        this.global = global;
    }

    /** The script COMMAND as it runs: as its own user and group if it names one, else as script_user and its group. */
    Script script(ScriptCommand command, Duration timeout) {
        String user = command.user() != null ? command.user() : global.scriptUser();
        String group = command.user() != null ? command.group() : global.scriptGroup();
        return new Script(command.commandLine(), command.argv(), user, timeout, group);
    }

    /** A notify script as it runs: {@link #NOTIFY_TIMEOUT}, or at shutdown {@link #STOP_SCRIPT_WAIT}. */
    Script notifyScript(ScriptCommand command, boolean atShutdown) {
        return script(command, atShutdown ? STOP_SCRIPT_WAIT : NOTIFY_TIMEOUT);
    }

    /**
     * Whether SCRIPT may run: found, and safe unless script security is off. When not, logs keepalived's words (NAME:
     * the vrrp_script's, for {@link Kind#TRACK}).
     */
    boolean mayRun(Script script, Kind kind, String name, DaemonLog log) {
        Verdict v = check(script);
        String file = script.argv().isEmpty() ? "" : script.argv().getFirst();
        if (v == Verdict.NOT_FOUND) {
            String cannotFind = "Cannot find script " + file + " in path - disabling";
            String cannotAccess = "Script " + file + " cannot be accessed - No such file or directory";
            switch (kind) {
                case TRACK -> {
                    log.info(cannotFind);
                    log.info("Disabling track script " + name + " since not found/accessible");
                }
                case VRRP_NOTIFY -> log.info(cannotAccess);
                case CHECKER_NOTIFY -> log.info(cannotFind);
                case FIFO -> log.info(file.indexOf('/') >= 0 ? cannotAccess : cannotFind);
            }
            return false;
        }
        if (v == Verdict.UNSAFE && global.enableScriptSecurity()) {
            log.info("Unsafe permissions found for script '" + file + "' - disabling.");
            return false;
        }
        return true;
    }

    /** Whether SCRIPT can be found (it counts as a script that runs, for the security warning). */
    static boolean found(Script script) {
        return check(script) != Verdict.NOT_FOUND;
    }

    /** Judges the file the script's first word names; NOT_FOUND (keepalived disables the script) when it names none. */
    static Verdict check(Script script) {
        Path file = script.argv().isEmpty() ? null : ScriptRunner.resolveExecutable(script.argv().getFirst());
        if (file == null) {
            return Verdict.NOT_FOUND;
        }
        // keepalived 2.2.7 judges only what runs as root: a script others may write is no escalation when it runs as
        // script_user nobody (checked against keepalived: a world-writable notify script run as nobody still runs).
        return ProcessUser.runsAsRoot(script.user()) ? check(file.toAbsolutePath()) : Verdict.SAFE;
    }

    static Verdict check(Path file) {
        try {
            Path p = file;
            // The file itself, then every directory up to "/".
            while (p != null) {
                int uid = (Integer) Files.getAttribute(p, "unix:uid");
                int gid = (Integer) Files.getAttribute(p, "unix:gid");
                int mode = (Integer) Files.getAttribute(p, "unix:mode");
                boolean regular = Files.isRegularFile(p);
                boolean writableByOthers = (gid != 0 && (mode & S_IWGRP) != 0) || (mode & S_IWOTH) != 0;
                if (uid != 0 || ((((mode & S_ISVTX) == 0) || regular) && writableByOthers)) {
                    return Verdict.UNSAFE;
                }
                p = p.getParent();
            }
            return Verdict.SAFE;
        } catch (IOException | UnsupportedOperationException e) {
            return Verdict.NOT_FOUND;
        }
    }

    /** keepalived's warning, once per check of a configuration, when scripts run and script security is off. */
    void warnWhenInsecure(boolean anyScriptRuns, DaemonLog log) {
        if (anyScriptRuns && !global.enableScriptSecurity()) {
            log.info("SECURITY VIOLATION - scripts are being executed but script_security not enabled.");
        }
    }

    /** Gives the shutdown scripts {@link #STOP_SCRIPT_WAIT} (and half a second to end), as keepalived. */
    static void waitForStopScripts(List<CompletableFuture<ScriptRunner.Result>> runs) {
        long end = System.nanoTime() + STOP_SCRIPT_WAIT.toNanos() + 500_000_000L;
        for (CompletableFuture<ScriptRunner.Result> f : runs) {
            try {
                f.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // keepalived gives them a short time only
            }
        }
    }
}
