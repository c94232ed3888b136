package halo.os;

/**
 * Whether the Linux host layer can work here, and if not why (Netty's {@code isAvailable()} /
 * {@code unavailabilityCause()} pattern): not Linux, native access not enabled, libc symbols missing.
 */
public final class HostOs {
    private static final Throwable UNAVAILABILITY_CAUSE = probe();

    private HostOs() {}

    private static Throwable probe() {
        String os = System.getProperty("os.name", "");
        if (!os.equals("Linux")) {
            return new UnsupportedOperationException("Halo's host layer needs Linux, not " + os);
        }
        if (!HostOs.class.getModule().isNativeAccessEnabled()) {
            return new UnsupportedOperationException(
                    "native access is not enabled: run java with --enable-native-access=ALL-UNNAMED");
        }
        try {
            Class.forName("halo.os.Native", true, HostOs.class.getClassLoader());
            return null;
        } catch (Throwable t) {
            return t instanceof ExceptionInInitializerError e && e.getCause() != null ? e.getCause() : t;
        }
    }

    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** Null when available, else why not. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /** Throws with the cause's message when the host layer cannot work here. */
    public static void ensureAvailable() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw new UnsupportedOperationException(UNAVAILABILITY_CAUSE.getMessage(), UNAVAILABILITY_CAUSE);
        }
    }

    /**
     * Null when the process can open VRRP sockets and change addresses, else keepalived-style advice naming the
     * missing capability.
     */
    public static String missingVrrpCapabilities() {
        String raw = Capabilities.missing(Capabilities.CAP_NET_RAW, "send and receive VRRP adverts and gratuitous ARPs");
        String admin = Capabilities.missing(Capabilities.CAP_NET_ADMIN, "add and remove virtual addresses");
        if (raw == null) {
            return admin;
        }
        return admin == null ? raw : raw + "; " + admin;
    }
}
