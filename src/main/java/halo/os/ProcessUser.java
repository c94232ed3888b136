package halo.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Who this process runs as, and how a child runs as another user: judged by the effective uid (geteuid, the kernel's
 * view), never by the {@code user.name} property, which says "root" neither under sudo with a kept $USER nor for a
 * uid-0 user of another name. Java cannot change a child's uid itself;
 * util-linux's setpriv does, with the user's supplementary groups.
 */
public final class ProcessUser {

    private ProcessUser() {}

    /** This process's effective uid (geteuid(2)): the one the kernel checks permissions against. */
    public static int effectiveUid() {
        try {
            return (int) Native.GETEUID.invokeExact();
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Whether this process runs with uid 0. */
    public static boolean isRoot() {
        return effectiveUid() == 0;
    }

    /** {uid, primary gid} of a user from /etc/passwd, or {@code null} when it has no entry there. */
    public static int[] userIds(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":", -1);
                if (f.length > 3 && f[0].equals(user)) {
                    return new int[] {Integer.parseInt(f[2]), Integer.parseInt(f[3])};
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no answer: the caller falls back on the name
        }
        return null;
    }

    /** The gid of a group from /etc/group (or a number), or {@code null} when neither. */
    public static Integer groupId(String group) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/group"))) {
                String[] f = line.split(":", -1);
                if (f.length > 2 && f[0].equals(group)) {
                    return Integer.parseInt(f[2]);
                }
            }
            return Integer.parseInt(group);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /**
     * Whether USER runs with uid 0: a user whose passwd entry says so, or "root" when it has none; null (no user
     * given) means this process's own user.
     */
    public static boolean runsAsRoot(String user) {
        if (user == null) {
            return isRoot();
        }
        int[] ids = userIds(user);
        return ids != null ? ids[0] == 0 : user.equals("root");
    }

    /**
     * The words that make a command run as USER with GROUP (null: the user's primary group, as keepalived's
     * set_privileges: a user such as nobody has no group of its own name): setpriv's, or none when USER is null or
     * this process already runs as that user with no other group asked for.
     */
    public static List<String> switchTo(String user, String group) {
        if (user == null) {
            return List.of();
        }
        int[] ids = userIds(user);
        if (group == null && ids != null && ids[0] == effectiveUid()) {
            return List.of();
        }
        String gid = group != null ? group : ids != null ? Integer.toString(ids[1]) : user;
        return List.of("setpriv", "--reuid=" + user, "--regid=" + gid, "--init-groups", "--");
    }
}
