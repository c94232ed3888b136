package halo.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one way tests tell whether they run as root: the effective uid, as the kernel reports it in
 * /proc/self/status (what decides whether namespaces, raw sockets and setuid work; not the user name, which follows
 * the real uid and the password database). bin/test asks the same question with {@code id -u}.
 */
public final class Root {

    /**
     * Set by bin/test when it runs as root (as CI does): there every test must run, and a test that would skip for a
     * missing privilege or tool fails instead ({@link EveryTestRunsAsRoot}).
     */
    public static final String REQUIRED_PROPERTY = "halo.requireRoot";

    private static volatile Boolean root;

    private Root() {}

    public static boolean isRoot() {
        Boolean r = root;
        if (r == null) {
            r = effectiveUid(status()) == 0;
            root = r;
        }
        return r;
    }

    /** Whether this run must not skip any test (bin/test as root). */
    public static boolean required() {
        return Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    private static String status() {
        try {
            return Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status to learn the effective uid", e);
        }
    }

    /** The second field of the "Uid:" line (real, effective, saved, filesystem). */
    static long effectiveUid(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("Uid:")) {
                return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
            }
        }
        throw new IllegalStateException("no Uid: line in /proc/self/status");
    }
}
