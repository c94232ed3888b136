package halo.lvs;

import java.util.Locale;
import java.util.Optional;

/**
 * The IPVS scheduling methods (ipvsadm's {@code -s}, keepalived's {@code lb_algo} / {@code lvs_sched}), and what the
 * scheduler-specific flags mean for each: sh and mh read SCHED1 as fallback and SCHED2 as port; the others give them
 * no meaning and ipvsadm calls them flag-1..flag-3.
 */
public enum SchedulingMethod {
    RR, WRR, LC, WLC, LBLC, LBLCR, DH, SH, SED, NQ, FO, OVF, MH, TWOS;

    /** keepalived's default when lb_algo is not written. */
    public static final SchedulingMethod DEFAULT = WLC;

    /** The kernel's name (rr, wrr, ...), as ipvsadm and keepalived write it. */
    public String kernelName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SchedulingMethod> byKernelName(String name) {
        for (SchedulingMethod m : values()) {
            if (m.kernelName().equals(name)) return Optional.of(m);
        }
        return Optional.empty();
    }

    /** Whether SCHED1 (fallback) and SCHED2 (port) mean something to this scheduler: sh and mh only. */
    public boolean hashesFlows() {
        return this == SH || this == MH;
    }

    /**
     * ipvsadm 1.31's name of a scheduler flag for this method (checked against the Debian binary's code): sh and mh
     * name their two bits ({@code sh-fallback}, {@code sh-port}) and show nothing for SCHED3; the others show
     * flag-1..flag-3. Empty for a flag that is not a scheduler flag, or that ipvsadm does not show.
     */
    public String flagName(ServiceFlag flag) {
        return switch (flag) {
            case ONE_PACKET -> "";
            case SCHED1 -> hashesFlows() ? kernelName() + "-fallback" : "flag-1";
            case SCHED2 -> hashesFlows() ? kernelName() + "-port" : "flag-2";
            case SCHED3 -> hashesFlows() ? "" : "flag-3";
        };
    }

    @Override
    public String toString() {
        return kernelName();
    }
}
