package halo.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The process's effective capabilities, read from /proc/self/status (CapEff), so that Halo can say "needs
 * CAP_NET_RAW" before it tries, rather than after an EPERM.
 */
public final class Capabilities {
    public static final String CAP_NET_ADMIN = "CAP_NET_ADMIN";
    public static final String CAP_NET_RAW = "CAP_NET_RAW";
    public static final String CAP_SYS_ADMIN = "CAP_SYS_ADMIN";

    private Capabilities() {}

    /** Bit numbers from linux/capability.h. */
    static int bit(String capability) {
        return switch (capability) {
            case CAP_NET_ADMIN -> 12;
            case CAP_NET_RAW -> 13;
            case CAP_SYS_ADMIN -> 21;
            default -> throw new IllegalArgumentException("unknown capability " + capability);
        };
    }

    /** The CapEff mask from a /proc/PID/status text, or -1 if absent. */
    static long effectiveMask(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring(7).trim().toLowerCase(Locale.ROOT), 16);
            }
        }
        return -1;
    }

    static boolean has(long mask, String capability) {
        return mask != -1 && (mask & (1L << bit(capability))) != 0;
    }

    /** Whether this process holds the capability in its effective set (false if it cannot tell). */
    public static boolean has(String capability) {
        try {
            return has(effectiveMask(Files.readString(Path.of("/proc/self/status"))), capability);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Null when the process has the capability, else a message a user can act on, e.g. "Halo needs CAP_NET_RAW
     * to send VRRP adverts: run it as root or grant CAP_NET_RAW (setcap cap_net_raw,cap_net_admin+ep)".
     */
    public static String missing(String capability, String purpose) {
        if (has(capability)) {
            return null;
        }
        return "Halo needs " + capability + " to " + purpose + ": run it as root or grant " + capability
                + " (for example with systemd AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN)";
    }
}
