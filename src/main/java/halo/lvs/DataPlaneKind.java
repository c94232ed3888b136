package halo.lvs;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The data planes Halo knows, by the name {@code lvs_dataplane} and {@code --lvs-dataplane} give them, with what each
 * supports, so that a virtual server a plane cannot carry is refused when the configuration is loaded.
 * <p>
 * The IPVS plane is not in this version ({@link #available()} is false); the nftables plane is available where
 * libnftables loads and the kernel accepts Halo's tables (probed once). Their capabilities are what the kernel offers
 * them (IPVS: everything keepalived configures; nftables: what the kernel path can honour exactly), so a refusal can
 * say which plane would carry a virtual server.
 */
public enum DataPlaneKind {
    /** Halo's userspace proxy: terminates client connections and opens its own to the real servers. */
    PROXY(true, EnumSet.of(ForwardingMethod.NAT), EnumSet.of(Protocol.TCP, Protocol.UDP),
            EnumSet.allOf(SchedulingMethod.class), false, false),
    /** TUN is left out: Halo writes its ruleset but does not yet make the ipip tunnels it routes into. */
    NFTABLES(true, EnumSet.of(ForwardingMethod.NAT, ForwardingMethod.DR), EnumSet.allOf(Protocol.class),
            EnumSet.of(SchedulingMethod.RR, SchedulingMethod.WRR, SchedulingMethod.SH, SchedulingMethod.DH,
                    SchedulingMethod.MH), true, false),
    IPVS(false, EnumSet.allOf(ForwardingMethod.class), EnumSet.allOf(Protocol.class),
            EnumSet.allOf(SchedulingMethod.class), true, true);

    private final boolean available;
    private final Set<ForwardingMethod> forwarding;
    private final Set<Protocol> protocols;
    private final Set<SchedulingMethod> schedulers;
    private final boolean fwmarkServices;
    private final boolean onePacket;

    DataPlaneKind(boolean available, Set<ForwardingMethod> forwarding, Set<Protocol> protocols,
                  Set<SchedulingMethod> schedulers, boolean fwmarkServices, boolean onePacket) {
        this.available = available;
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
        return available;
    }

    /** Whether this version of Halo has the plane, and (nftables) this host can run it. */
    public boolean available() {
        return available && (this != NFTABLES || NftablesProbe.AVAILABLE);
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
     * The plane that runs for a configured choice: REQUESTED, or for {@code auto} (null) the kernel's IPVS where this
     * version has that plane, otherwise the proxy.
     */
    public static DataPlaneKind choose(DataPlaneKind requested) {
        if (requested != null) return requested;
        return IPVS.available ? IPVS : PROXY;
    }

    @Override
    public String toString() {
        return configName();
    }
}
