package halo.os;

/**
 * Who this process is to the kernel. Root is decided by the effective user id, never by the {@code user.name}
 * property: that comes from the environment and the password database, and says "root" neither under sudo with a
 * kept $USER nor for a uid-0 user of another name.
 */
public final class ProcessIdentity {
    private ProcessIdentity() {}

    /** The effective user id (geteuid(2)): the one the kernel checks permissions against. */
    public static int effectiveUid() {
        try {
            return (int) Native.GETEUID.invokeExact();
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Whether the process runs with effective uid 0. */
    public static boolean isRoot() {
        return effectiveUid() == 0;
    }
}
