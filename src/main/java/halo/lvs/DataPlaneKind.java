package halo.lvs;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The data planes Halo knows, by the name {@code lvs_dataplane} and {@code --lvs-dataplane} give them, with what each
 * supports, so that a virtual server a plane cannot carry is refused when the configuration is loaded.
 * <p>
 * The nftables plane is available where libnftables loads and the kernel accepts Halo's tables; the IPVS plane where
 * the kernel has IPVS (its generic netlink family resolves: {@link halo.lvs.ipvs.IpvsKernel}); each probed once. Their
 * capabilities are what the kernel offers them (IPVS: everything keepalived configures; nftables: what the kernel
 * path can honour exactly), so a refusal can say which plane would carry a virtual server.
 */
public enum DataPlaneKind {
    /** Halo's userspace proxy: terminates client connections and opens its own to the real servers. */
    PROXY(true, EnumSet.of(ForwardingMethod.NAT), EnumSet.of(Protocol.TCP, Protocol.UDP),
            EnumSet.allOf(SchedulingMethod.class), false, false),
    /**
     * TUN is ipip over IPv4 only, and needs the kernel's ipip module: refused at load where the kernel has none
     * ({@link #kernelHasIpipTunnels()}), and when the kernel refuses the tunnel anyway.
     */
    NFTABLES(true, EnumSet.allOf(ForwardingMethod.class), EnumSet.allOf(Protocol.class),
            EnumSet.of(SchedulingMethod.RR, SchedulingMethod.WRR, SchedulingMethod.SH, SchedulingMethod.DH,
                    SchedulingMethod.MH), true, false),
    IPVS(true, EnumSet.allOf(ForwardingMethod.class), EnumSet.allOf(Protocol.class),
            EnumSet.allOf(SchedulingMethod.class), true, true);

    /** Whether this version of Halo has the plane (IPVS then needs the kernel's). */
    private final boolean inThisVersion;
    private final Set<ForwardingMethod> forwarding;
    private final Set<Protocol> protocols;
    private final Set<SchedulingMethod> schedulers;
    private final boolean fwmarkServices;
    private final boolean onePacket;

    DataPlaneKind(boolean inThisVersion, Set<ForwardingMethod> forwarding, Set<Protocol> protocols,
                  Set<SchedulingMethod> schedulers, boolean fwmarkServices, boolean onePacket) {
        this.inThisVersion = inThisVersion;
        this.forwarding = forwarding;
        this.protocols = protocols;
        this.schedulers = schedulers;
        this.fwmarkServices = fwmarkServices;
        this.onePacket = onePacket;
    }

    /** The name in configurations and on the command line: proxy, nftables, ipvs. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A plane by its configuration name; {@code auto} is not a plane (see {@link #choose}). */
    public static Optional<DataPlaneKind> byConfigName(String name) {
        for (DataPlaneKind k : values()) {
            if (k.configName().equals(name)) return Optional.of(k);
        }
        return Optional.empty();
    }

    /** Whether this version of Halo has the plane (whether or not this host can run it). */
    public boolean inThisVersion() {
        return inThisVersion;
    }

    /** Whether the plane can run here: this version of Halo has it and the host has what it needs (probed once). */
    public boolean available() {
        if (!inThisVersion) return false;
        return switch (this) {
            case PROXY -> true;
            case NFTABLES -> NftablesProbe.AVAILABLE;
            case IPVS -> halo.lvs.ipvs.IpvsKernel.isAvailable();
        };
    }

    /** Why the plane cannot run here, in a refusal's words, or null when it can. */
    public String unavailabilityCause() {
        if (!inThisVersion) return "the " + this + " data plane is not available in this version of Halo";
        if (available()) return null;
        return switch (this) {
            case PROXY -> null;
            case NFTABLES -> "the nftables data plane is not available on this host (it needs libnftables.so.1, Debian"
                    + " package libnftables1, a kernel with nftables and CAP_NET_ADMIN)";
            case IPVS -> halo.lvs.ipvs.IpvsKernel.unavailabilityCause();
        };
    }

    /** The short note beside an unavailable plane's name in a list of planes ("" when it is available). */
    public String unavailabilityNote() {
        if (!inThisVersion) return "not yet in Halo";
        if (available()) return "";
        return this == IPVS ? "no IPVS in this kernel" : "unavailable here";
    }

    /** Whether this kernel makes IP-in-IP tunnels (the ipip module loaded, built in, or installed to load). */
    public static boolean kernelHasIpipTunnels() {
        return IpipProbe.AVAILABLE;
    }

    private static final class IpipProbe {
        static final boolean AVAILABLE = halo.lvs.nft.NftablesDataPlane.kernelHasIpip();
    }

    /** Probed once, when first asked: libnftables and a kernel that takes an inet nat chain and a netdev table. */
    private static final class NftablesProbe {
        static final boolean AVAILABLE = halo.lvs.nft.NftablesDataPlane.probe();
    }

    public boolean supports(ForwardingMethod method) {
        return forwarding.contains(method);
    }

    public boolean supports(Protocol protocol) {
        return protocols.contains(protocol);
    }

    public boolean supports(SchedulingMethod scheduler) {
        return schedulers.contains(scheduler);
    }

    /** Services keyed by a firewall mark ({@code virtual_server fwmark N}). */
    public boolean supportsFwmarkServices() {
        return fwmarkServices;
    }

    /** One-packet scheduling ({@code ops}): every UDP datagram scheduled on its own. */
    public boolean supportsOnePacket() {
        return onePacket;
    }

    /**
     * The plane that runs for a configured choice: REQUESTED, or for {@code auto} (null) the kernel's IPVS where its
     * generic netlink family resolves, otherwise the proxy.
     */
    public static DataPlaneKind choose(DataPlaneKind requested) {
        if (requested != null) return requested;
        return IPVS.available() ? IPVS : PROXY;
    }

    @Override
    public String toString() {
        return configName();
    }
}
