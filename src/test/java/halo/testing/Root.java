package halo.testing;

import halo.os.ProcessUser;

/**
 * The one way tests tell whether they run as root: the effective uid, asked the way production asks it
 * ({@link ProcessUser#isRoot()}: geteuid, which decides whether namespaces, raw sockets and setuid work; not the
 * user name). bin/test asks the same question with {@code id -u}.
 */
public final class Root {

    /**
     * Set by bin/test when it runs as root (as CI does): there every test must run, and a test that would skip for a
     * missing privilege or tool fails instead ({@link EveryTestRunsAsRoot}).
     */
    public static final String REQUIRED_PROPERTY = "halo.requireRoot";

    private Root() {}

    public static boolean isRoot() {
        return ProcessUser.isRoot();
    }

    /** Whether this run must not skip any test (bin/test as root). */
    public static boolean required() {
        return Boolean.getBoolean(REQUIRED_PROPERTY);
    }
}
