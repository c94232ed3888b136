package halo.lvs;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * A virtual service's flags other than persistence (which is {@link Persistence}): one-packet scheduling and the
 * three scheduler-specific flags, whose meaning the {@link SchedulingMethod} gives. {@link #bit()} is the kernel's
 * encoding (include/uapi/linux/ip_vs.h), for data planes that talk to IPVS.
 */
public enum ServiceFlag {
    /** {@code ops}: every UDP datagram is scheduled on its own (IP_VS_SVC_F_ONEPACKET). */
    ONE_PACKET(0x4),
    SCHED1(0x8),
    SCHED2(0x10),
    SCHED3(0x20);

    /** IP_VS_SVC_F_PERSISTENT: not a ServiceFlag (persistence is a value), but part of the kernel's flags word. */
    public static final int PERSISTENT_BIT = 0x1;

    private final int bit;

    ServiceFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    /** The flags for keepalived's keywords ({@code ops}, {@code flag-1}, {@code sh-port}, ...); other names are ignored. */
    public static Set<ServiceFlag> fromKeepalivedNames(Collection<String> names) {
        Set<ServiceFlag> flags = EnumSet.noneOf(ServiceFlag.class);
        for (String name : names) {
            switch (name) {
                case "ops" -> flags.add(ONE_PACKET);
                case "flag-1", "sh-fallback", "mh-fallback" -> flags.add(SCHED1);
                case "flag-2", "sh-port", "mh-port" -> flags.add(SCHED2);
                case "flag-3" -> flags.add(SCHED3);
                default -> { }
            }
        }
        return flags;
    }

    /** The kernel's flags word for these flags (without the persistent bit). */
    public static int bits(Set<ServiceFlag> flags) {
        int bits = 0;
        for (ServiceFlag f : flags) bits |= f.bit;
        return bits;
    }

    /** The flags in a kernel flags word; bits that are not ServiceFlags (persistent, hashed) are left out. */
    public static Set<ServiceFlag> fromBits(int bits) {
        Set<ServiceFlag> flags = EnumSet.noneOf(ServiceFlag.class);
        for (ServiceFlag f : values()) {
            if ((bits & f.bit) != 0) flags.add(f);
        }
        return flags;
    }

    /** ipvsadm's comma list of the scheduler flags for METHOD ({@code -b} in a save, in parentheses in a listing). */
    public static String describe(SchedulingMethod method, Set<ServiceFlag> flags) {
        StringBuilder s = new StringBuilder();
        for (ServiceFlag f : values()) {
            if (!flags.contains(f)) continue;
            String name = method.flagName(f);
            if (!name.isEmpty()) s.append(name).append(',');
        }
        if (!s.isEmpty()) s.setLength(s.length() - 1);
        return s.toString();
    }
}
