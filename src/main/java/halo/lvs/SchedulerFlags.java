package halo.lvs;

import java.util.Collection;

/**
 * IPVS service flag bits (include/uapi/linux/ip_vs.h) and keepalived's / ipvsadm's names for them.
 * sh-fallback and mh-fallback are SCHED1, sh-port and mh-port are SCHED2: the scheduler gives the bits their meaning.
 */
public final class SchedulerFlags {
    public static final int PERSISTENT = 0x1;
    public static final int ONE_PACKET = 0x4;
    public static final int SCHED1 = 0x8;
    public static final int SCHED2 = 0x10;
    public static final int SCHED3 = 0x20;
    public static final int SCHED_MASK = SCHED1 | SCHED2 | SCHED3;

    private SchedulerFlags() {}

    /** The bits for keepalived's flag keywords ({@code ops}, {@code flag-1}, {@code sh-port}, ...); unknown names are ignored. */
    public static int fromNames(Collection<String> names) {
        int flags = 0;
        for (String name : names) {
            flags |= switch (name) {
                case "ops" -> ONE_PACKET;
                case "flag-1", "sh-fallback", "mh-fallback" -> SCHED1;
                case "flag-2", "sh-port", "mh-port" -> SCHED2;
                case "flag-3" -> SCHED3;
                default -> 0;
            };
        }
        return flags;
    }

    /**
     * ipvsadm 1.31's comma list for the scheduler bits (checked against the Debian binary's code): sh and mh name
     * their two bits and show nothing for SCHED3; other schedulers show flag-1, flag-2, flag-3.
     */
    public static String describe(String scheduler, int flags) {
        StringBuilder s = new StringBuilder();
        if (scheduler.equals("sh") || scheduler.equals("mh")) {
            if ((flags & SCHED1) != 0) s.append(scheduler).append("-fallback,");
            if ((flags & SCHED2) != 0) s.append(scheduler).append("-port,");
        } else {
            if ((flags & SCHED1) != 0) s.append("flag-1,");
            if ((flags & SCHED2) != 0) s.append("flag-2,");
            if ((flags & SCHED3) != 0) s.append("flag-3,");
        }
        if (!s.isEmpty()) s.setLength(s.length() - 1);
        return s.toString();
    }
}
