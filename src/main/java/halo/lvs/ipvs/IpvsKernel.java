package halo.lvs.ipvs;

import halo.os.GenericNetlink;
import halo.os.HostOs;
import halo.os.NativeException;

/**
 * Whether this kernel has IPVS: the generic netlink family "IPVS" resolves (asking the controller also loads the
 * ip_vs module where the kernel has it as a module). Probed once, as Netty's Epoll.isAvailable(): the answer and,
 * when it is no, why.
 */
public final class IpvsKernel {
    /** The refusal's words when the family does not resolve. */
    public static final String NO_IPVS = "the kernel has no IPVS (generic netlink family IPVS not found)";

    private static volatile Probe probe;

    private record Probe(boolean available, String cause) {}

    private IpvsKernel() {}

    public static boolean isAvailable() {
        return probe().available;
    }

    /** Why IPVS cannot be used here, or null when it can. */
    public static String unavailabilityCause() {
        return probe().cause;
    }

    private static Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (IpvsKernel.class) {
                p = probe;
                if (p == null) probe = p = run();
            }
        }
        return p;
    }

    private static Probe run() {
        if (!HostOs.isAvailable()) {
            return new Probe(false, "Halo cannot use the host: " + HostOs.unavailabilityCause().getMessage());
        }
        try (GenericNetlink socket = GenericNetlink.open()) {
            return socket.family(IpvsNetlink.FAMILY).isPresent() ? new Probe(true, null) : new Probe(false, NO_IPVS);
        } catch (NativeException | RuntimeException e) {
            return new Probe(false, "the kernel's IPVS could not be probed: " + e.getMessage());
        }
    }
}
