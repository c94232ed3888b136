package halo.lvs;

import halo.config.KeepalivedConfig;
import halo.config.RawSetting;
import halo.config.RealServer;
import halo.config.VirtualServer;
import halo.config.VirtualServerAddress;
import halo.config.VirtualServerGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which virtual servers of a configuration a data plane cannot carry, each with a message that names the planes
 * that can: a configuration never runs meaning less than it says. Pure.
 */
public final class DataPlaneSupport {
    private DataPlaneSupport() {}

    /** One line per thing PLANE cannot do in CONFIG, in file order; empty when it carries everything. */
    public static List<String> refusals(KeepalivedConfig config, DataPlaneKind plane) {
        return refusals(config, plane, DataPlaneKind.kernelHasIpipTunnels());
    }

    /**
     * As {@link #refusals(KeepalivedConfig, DataPlaneKind)}, told whether the kernel makes IP-in-IP tunnels: the
     * nftables plane's TUN needs one to each real server, and without them it could not program the table at all
     * (it applies the table whole), so TUN is refused at load rather than every virtual server left unprogrammed.
     */
    static List<String> refusals(KeepalivedConfig config, DataPlaneKind plane, boolean ipipTunnels) {
        List<String> out = new ArrayList<>();
        if (!plane.available()) {
            if (!config.virtualServers().isEmpty()) {
                out.add("lvs_dataplane " + plane + ": " + plane.unavailabilityCause() + " (available: "
                        + names(DataPlaneKind::available) + ")");
            }
            return out;
        }
        for (VirtualServer vs : config.virtualServers()) {
            String name = "virtual_server " + vs.displayName();
            if (isFwmark(vs, config) && !plane.supportsFwmarkServices()) {
                out.add(refusal(name, "fwmark services", plane, DataPlaneKind::supportsFwmarkServices));
            }
            if (vs.protocol() != null && !plane.supports(vs.protocol())) {
                Protocol p = vs.protocol();
                out.add(refusal(name, "protocol " + p, plane, k -> k.supports(p)));
            }
            SchedulingMethod scheduler = vs.scheduler() == null ? SchedulingMethod.DEFAULT
                    : SchedulingMethod.byKernelName(vs.scheduler()).orElse(SchedulingMethod.DEFAULT);
            if (!plane.supports(scheduler)) {
                out.add(refusal(name, "lb_algo " + scheduler, plane, k -> k.supports(scheduler)));
            }
            if (vs.otherSettings().stream().map(RawSetting::keyword).anyMatch("ops"::equals)
                    && !plane.supportsOnePacket()) {
                out.add(refusal(name, "ops (one-packet scheduling)", plane, DataPlaneKind::supportsOnePacket));
            }
            if (plane != DataPlaneKind.PROXY && !vs.proxy().isDefault()) {
                out.add(name + ": proxy_protocol, proxy_transparent and proxy_max_connections are settings of the"
                        + " proxy data plane, not of the " + plane + " data plane");
            }
            List<RealServer> servers = new ArrayList<>(vs.realServers());
            if (vs.sorryServer() != null) servers.add(vs.sorryServer());
            List<ForwardingMethod> methods = new ArrayList<>();
            if (!plane.supports(vs.forwarding())) methods.add(vs.forwarding());
            for (RealServer rs : servers) {
                if (rs.forwarding() != null && !plane.supports(rs.forwarding()) && !methods.contains(rs.forwarding())) {
                    methods.add(rs.forwarding());
                }
            }
            for (ForwardingMethod m : methods) {
                out.add(refusal(name, "lb_kind " + m, plane, k -> k.supports(m)));
            }
            boolean tun = vs.forwarding() == ForwardingMethod.TUN
                    || servers.stream().anyMatch(rs -> rs.forwarding() == ForwardingMethod.TUN);
            if (plane == DataPlaneKind.NFTABLES && tun && !methods.contains(ForwardingMethod.TUN) && !ipipTunnels) {
                out.add(name + ": lb_kind TUN on the nftables data plane needs an IP-in-IP tunnel to each real server,"
                        + " and this kernel has none (no ipip module: modprobe ipip)");
            }
        }
        return out;
    }

    /**
     * Why PLANE cannot carry what an ipvsadm command adds or edits (a DR destination on the proxy, a fwmark service),
     * or null when it can: {@code halo lvs} refuses such a command, as a kernel refuses what it has no support for,
     * rather than leave the table holding what no data plane applies.
     */
    public static String refusal(IpvsadmCommand command, DataPlaneKind plane) {
        switch (command.kind()) {
            case ADD_SERVER, EDIT_SERVER -> {
                ForwardingMethod m = command.forwarding();
                if (m != null && !plane.supports(m)) {
                    return refusal("-r " + ipvsadmName(command.destination()), m + " forwarding", plane,
                            k -> k.supports(m));
                }
                if (m == ForwardingMethod.TUN && plane == DataPlaneKind.NFTABLES
                        && !DataPlaneKind.kernelHasIpipTunnels()) {
                    return "-r " + ipvsadmName(command.destination()) + ": TUN forwarding on the nftables data plane"
                            + " needs an IP-in-IP tunnel to each real server, and this kernel has none (no ipip module:"
                            + " modprobe ipip)";
                }
            }
            case ADD_SERVICE, EDIT_SERVICE -> {
                ServiceKey key = command.service();
                String name = key instanceof ServiceKey.Fwmark f ? "-f " + Integer.toUnsignedString(f.mark())
                        : key instanceof ServiceKey.Inet i ? ipvsadmName(new DestinationKey(i.address(), i.port()))
                        : "";
                if (key instanceof ServiceKey.Fwmark && !plane.supportsFwmarkServices()) {
                    return refusal(name, "fwmark services", plane, DataPlaneKind::supportsFwmarkServices);
                }
                if (key instanceof ServiceKey.Inet i && !plane.supports(i.protocol())) {
                    return refusal(name, "protocol " + i.protocol(), plane, k -> k.supports(i.protocol()));
                }
                if (command.flags().contains(ServiceFlag.ONE_PACKET) && !plane.supportsOnePacket()) {
                    return refusal(name, "ops (one-packet scheduling)", plane, DataPlaneKind::supportsOnePacket);
                }
                SchedulingMethod scheduler = command.scheduler() == null ? null
                        : SchedulingMethod.byKernelName(command.scheduler()).orElse(null);
                if (scheduler != null && !plane.supports(scheduler)) {
                    return refusal(name, "scheduler " + scheduler, plane, k -> k.supports(scheduler));
                }
            }
            default -> { }
        }
        return null;
    }

    private static String ipvsadmName(DestinationKey d) {
        return d == null ? "" : IpvsadmView.addressPort(d.address(), d.port());
    }

    private static boolean isFwmark(VirtualServer vs, KeepalivedConfig config) {
        return switch (vs.address()) {
            case VirtualServerAddress.Fwmark f -> true;
            case VirtualServerAddress.Socket s -> false;
            case VirtualServerAddress.Group g -> config.virtualServerGroups().stream()
                    .filter(x -> x.name().equals(g.name()))
                    .anyMatch(x -> x.entries().stream().anyMatch(e -> e instanceof VirtualServerGroup.Fwmark));
        };
    }

    private static String refusal(String virtualServer, String what, DataPlaneKind plane,
                                  Predicate<DataPlaneKind> supports) {
        return virtualServer + ": " + what + " is not supported by the " + plane + " data plane (supported by: "
                + names(supports) + ")";
    }

    /** The planes that pass TEST, with the unavailable ones marked. */
    private static String names(Predicate<DataPlaneKind> test) {
        List<String> names = new ArrayList<>();
        for (DataPlaneKind k : DataPlaneKind.values()) {
            if (test.test(k)) {
                names.add(k.available() ? k.configName() : k.configName() + " (" + k.unavailabilityNote() + ")");
            }
        }
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
