package halo.daemon;

import halo.os.ProcessUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * keepalived's script security check: a script that runs as root is unsafe when the file or any directory above it
 * is owned by a non-root user, or writable by a non-root group or by everyone (a sticky directory excepted).
 * With {@code enable_script_security} such scripts are disabled; without it they run, and the daemon warns
 * "SECURITY VIOLATION - scripts are being executed but script_security not enabled."
 */
public final class ScriptSecurity {

    public enum Verdict { SAFE, UNSAFE, NOT_FOUND }

    private static final int S_IWOTH = 0002;
    private static final int S_IWGRP = 0020;
    private static final int S_ISVTX = 01000;

    private ScriptSecurity() {}

    /** Judges the file the script's first word names; NOT_FOUND (keepalived disables the script) when it names none. */
    public static Verdict check(Script script) {
        Path file = script.argv().isEmpty() ? null : ScriptRunner.resolveExecutable(script.argv().getFirst());
        if (file == null) {
            return Verdict.NOT_FOUND;
        }
        // keepalived 2.2.7 judges only what runs as root: a script others may write is no escalation when it runs as
        // script_user nobody (checked against keepalived: a world-writable notify script run as nobody still runs).
        return runsAsRoot(script) ? check(file.toAbsolutePath()) : Verdict.SAFE;
    }

    /** Whether the script runs with uid 0: no user (the daemon's own) when the daemon does, or a user whose uid is 0. */
    static boolean runsAsRoot(Script script) {
        return ProcessUser.runsAsRoot(script.user());
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
}
