package halo.lvs;

import halo.lvs.ForwardingMethod;
import halo.lvs.Protocol;
import halo.config.Tunnel;
import halo.net.AddressText;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ipvsadm -L -n} and {@code ipvsadm -S -n} output, byte for byte as ipvsadm 1.31 prints it (ipvsadm.c:
 * list_all, print_title, print_service_entry, print_largenum; libipvs: ipvs_cmp_services, ipvs_cmp_dests).
 * Addresses and ports are always numeric: a pure view does no name lookups, so plain {@code -L} prints what
 * {@code -L -n} would.
 */
public final class IpvsadmView {

    /** ipvsadm's listing options that change the layout. */
    public enum Option {
        /** {@code --stats}: Conns InPkts OutPkts InBytes OutBytes. */
        STATS,
        /** {@code --rate}: CPS InPPS OutPPS InBPS OutBPS. */
        RATE,
        /** {@code --thresholds}: Uthreshold Lthreshold ActiveConn InActConn. */
        THRESHOLDS,
        /** {@code --persistent-conn}: Weight PersistConn ActiveConn InActConn. */
        PERSISTENT_CONN,
        /** {@code --tun-info}: Forward TunnelInfo Weight ActiveConn InActConn. */
        TUN_INFO,
        /** {@code --exact}: counters in full instead of K/M/G/T. */
        EXACT,
        /** {@code --nosort}: services and destinations in table order. */
        NO_SORT
    }

    /** IPVS's version as every kernel since 2.6.x reports it. */
    public static final String IPVS_VERSION = "1.2.1";

    private IpvsadmView() {}

    public static String list(IpvsSnapshot snapshot, Option... options) {
        return list(snapshot, options.length == 0 ? EnumSet.noneOf(Option.class) : EnumSet.of(options[0], options));
    }

    /** {@code ipvsadm -L -n [options]}. */
    public static String list(IpvsSnapshot snapshot, Set<Option> options) {
        StringBuilder out = new StringBuilder();
        out.append("IP Virtual Server version ").append(IPVS_VERSION)
                .append(" (size=").append(snapshot.connectionTableSize()).append(")\n");
        out.append(title(options));
        for (IpvsService service : ordered(snapshot, options)) {
            appendService(out, service, options);
        }
        return out.toString();
    }

    public static String save(IpvsSnapshot snapshot, Option... options) {
        return save(snapshot, options.length == 0 ? EnumSet.noneOf(Option.class) : EnumSet.of(options[0], options));
    }

    /** {@code ipvsadm -S -n}: the rules that rebuild the table, without thresholds (ipvsadm does not save them). */
    public static String save(IpvsSnapshot snapshot, Set<Option> set) {
        StringBuilder out = new StringBuilder();
        for (IpvsService service : ordered(snapshot, set)) {
            String svc = ruleName(service.key());
            out.append("-A ").append(svc).append(" -s ").append(service.scheduler());
            if (service.persistent()) {
                out.append(" -p ").append(Integer.toUnsignedString(service.persistence().timeoutSeconds()));
                String mask = maskText(service);
                if (mask != null) out.append(" -M ").append(mask);
            }
            if (!service.peName().isEmpty()) out.append(" --pe ").append(service.peName());
            if (service.has(ServiceFlag.ONE_PACKET)) out.append(" -o");
            if (hasSchedulerFlags(service)) {
                out.append(" -b ").append(ServiceFlag.describe(service.scheduler(), service.flags()));
            }
            out.append('\n');
            for (IpvsDestination d : orderedDestinations(service, set)) {
                out.append("-a ").append(svc).append(" -r ").append(addressPort(d.key().address(), d.key().port()))
                        .append(' ').append(forwardSwitch(d.forwarding())).append(" -w ").append(d.weight());
                if (d.forwarding() == ForwardingMethod.TUN) {
                    Tunnel t = d.tunnel() == null ? Tunnel.IPIP : d.tunnel();
                    out.append(" --tun-type ").append(t.type().name().toLowerCase());
                    if (t.type() == Tunnel.Type.GUE) {
                        out.append(" --tun-port ").append(t.port());
                    }
                    if (t.type() != Tunnel.Type.IPIP) {
                        out.append(" --tun-").append(t.checksum() == null ? "nocsum" : t.checksum());
                    }
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String title(Set<Option> options) {
        if (options.contains(Option.STATS)) {
            return "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n".formatted(
                    "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
        } else if (options.contains(Option.RATE)) {
            return "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n".formatted(
                    "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
        } else if (options.contains(Option.THRESHOLDS)) {
            return "%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n".formatted(
                    "Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
        } else if (options.contains(Option.PERSISTENT_CONN)) {
            return "%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n".formatted(
                    "Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn", "InActConn");
        } else if (options.contains(Option.TUN_INFO)) {
            return "Prot LocalAddress:Port Scheduler Flags\n"
                    + "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n";
        }
        return "Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
    }

    private static void appendService(StringBuilder out, IpvsService service, Set<Option> options) {
        String svc = listName(service.key());
        if (options.contains(Option.STATS)) {
            out.append("%-33s".formatted(svc));
            largeNumbers(out, service.stats(), options);
        } else if (options.contains(Option.RATE)) {
            out.append("%-33s".formatted(svc));
            largeNumbers(out, service.rates(), options);
        } else {
            out.append(svc).append(' ').append(service.scheduler());
            if (hasSchedulerFlags(service)) {
                out.append(" (").append(ServiceFlag.describe(service.scheduler(), service.flags())).append(')');
            }
            if (service.persistent()) {
                out.append(" persistent ").append(Integer.toUnsignedString(service.persistence().timeoutSeconds()));
                String mask = maskText(service);
                if (mask != null) out.append(" mask ").append(mask);
                // ipvsadm 1.31 prints the persistence engine only for persistent services in this layout
                if (!service.peName().isEmpty()) out.append(" pe ").append(service.peName());
            }
            if (service.has(ServiceFlag.ONE_PACKET)) out.append(" ops");
        }
        out.append('\n');
        for (IpvsDestination d : orderedDestinations(service, options)) {
            String name = addressPort(d.key().address(), d.key().port());
            if (!service.key().ipv6() && name.length() > 28) {
                name = name.substring(0, 28); // ipvsadm cuts the name at 28 characters for IPv4 services
            }
            if (options.contains(Option.STATS)) {
                out.append("  -> %-28s".formatted(name));
                largeNumbers(out, d.stats(), options);
                out.append('\n');
            } else if (options.contains(Option.RATE)) {
                Stats r = d.rates();
                out.append("  -> %-28s %8s %8s %8s".formatted(name, Long.toUnsignedString(r.connections()),
                        Long.toUnsignedString(r.inPackets()), Long.toUnsignedString(r.outPackets())));
                largeNumber(out, r.inBytes(), options);
                largeNumber(out, r.outBytes(), options);
                out.append('\n');
            } else if (options.contains(Option.THRESHOLDS)) {
                out.append("  -> %-28s %-10s %-10s %-10s %-10s\n".formatted(name,
                        Integer.toUnsignedString(d.upperThreshold()), Integer.toUnsignedString(d.lowerThreshold()),
                        u32(d.connections().active()), u32(d.connections().inactive())));
            } else if (options.contains(Option.PERSISTENT_CONN)) {
                out.append("  -> %-28s %-9d %-11s %-10s %-10s\n".formatted(name, d.weight(),
                        u32(d.connections().persistent()), u32(d.connections().active()),
                        u32(d.connections().inactive())));
            } else if (options.contains(Option.TUN_INFO)) {
                out.append("  -> %-28s %-7s %-13s %-6d %-10s %-10s\n".formatted(name, forwardName(d.forwarding()),
                        tunnelInfo(d), d.weight(), u32(d.connections().active()), u32(d.connections().inactive())));
            } else {
                out.append("  -> %-28s %-7s %-6d %-10s %-10s\n".formatted(name, forwardName(d.forwarding()),
                        d.weight(), u32(d.connections().active()), u32(d.connections().inactive())));
            }
        }
    }

    private static void largeNumbers(StringBuilder out, Stats s, Set<Option> options) {
        largeNumber(out, s.connections(), options);
        largeNumber(out, s.inPackets(), options);
        largeNumber(out, s.outPackets(), options);
        largeNumber(out, s.inBytes(), options);
        largeNumber(out, s.outBytes(), options);
    }

    /**
     * print_largenum: {@code %9llu} below 100 million, then {@code %8lluK} below 10^9, {@code M} below 10^11,
     * {@code G} below 10^14, else {@code T}; with --exact the full number, right-aligned in 9 or its length + 1.
     */
    static void largeNumber(StringBuilder out, long value, Set<Option> options) {
        String digits = Long.toUnsignedString(value);
        if (options.contains(Option.EXACT)) {
            int width = digits.length() <= 8 ? 9 : digits.length() + 1;
            out.append(" ".repeat(width - digits.length())).append(digits);
            return;
        }
        if (Long.compareUnsigned(value, 100_000_000L) < 0) {
            out.append("%9s".formatted(digits));
        } else if (Long.compareUnsigned(value, 1_000_000_000L) < 0) {
            out.append("%8sK".formatted(Long.toUnsignedString(Long.divideUnsigned(value, 1_000L))));
        } else if (Long.compareUnsigned(value, 100_000_000_000L) < 0) {
            out.append("%8sM".formatted(Long.toUnsignedString(Long.divideUnsigned(value, 1_000_000L))));
        } else if (Long.compareUnsigned(value, 100_000_000_000_000L) < 0) {
            out.append("%8sG".formatted(Long.toUnsignedString(Long.divideUnsigned(value, 1_000_000_000L))));
        } else {
            out.append("%8sT".formatted(Long.toUnsignedString(Long.divideUnsigned(value, 1_000_000_000_000L))));
        }
    }

    /** fwd_tun_info: {@code ipip}, {@code gue:PORT:CSUM}, {@code gre:CSUM}; {@code n/a} for other methods. */
    private static String tunnelInfo(IpvsDestination d) {
        if (d.forwarding() != ForwardingMethod.TUN) return "n/a";
        Tunnel t = d.tunnel() == null ? Tunnel.IPIP : d.tunnel();
        String csum = t.checksum() == null ? "nocsum" : t.checksum();
        return switch (t.type()) {
            case IPIP -> "ipip";
            case GUE -> "gue:" + t.port() + ":" + csum;
            case GRE -> "gre:" + csum;
        };
    }

    /** The kernel reports connection counts as u32. */
    private static String u32(long count) {
        return Integer.toUnsignedString((int) count);
    }

    /** {@code "%-4s %s"} of protocol and address (cut at 33 characters for IPv4), or {@code "FWM  %d[ IPv6]"}. */
    static String listName(ServiceKey key) {
        return switch (key) {
            case ServiceKey.Fwmark f -> "FWM  " + f.mark() + (f.ipv6() ? " IPv6" : "");
            case ServiceKey.Inet i -> {
                String s = "%-4s %s".formatted(i.protocol().name(), addressPort(i.address(), i.port()));
                yield !i.ipv6() && s.length() > 33 ? s.substring(0, 33) : s;
            }
        };
    }

    /** {@code -t|-u|--sctp-service address:port}, or {@code -f mark [-6]}. */
    static String ruleName(ServiceKey key) {
        return switch (key) {
            case ServiceKey.Fwmark f -> "-f " + f.mark() + (f.ipv6() ? " -6" : "");
            case ServiceKey.Inet i -> switch (i.protocol()) {
                case TCP -> "-t";
                case UDP -> "-u";
                case SCTP -> "--sctp-service";
            } + " " + addressPort(i.address(), i.port());
        };
    }

    /** ipvsadm's numeric {@code addr:port}: IPv6 addresses in brackets. */
    static String addressPort(InetAddress address, int port) {
        String a = AddressText.format(address);
        return (address instanceof Inet6Address ? "[" + a + "]" : a) + ":" + port;
    }

    /** ipvsadm shows the parentheses (and -b) for the bits, even when the scheduler names none of them. */
    private static boolean hasSchedulerFlags(IpvsService service) {
        return service.has(ServiceFlag.SCHED1) || service.has(ServiceFlag.SCHED2) || service.has(ServiceFlag.SCHED3);
    }

    /** The persistence mask, or {@code null} when it is the host mask ipvsadm leaves out. */
    private static String maskText(IpvsService service) {
        int m = service.persistence().netmask();
        if (service.key().ipv6()) {
            return m == Persistence.HOST_PREFIX_V6 ? null : Integer.toString(m);
        }
        if (m == Persistence.HOST_MASK_V4) {
            return null;
        }
        return (m >>> 24) + "." + ((m >>> 16) & 0xff) + "." + ((m >>> 8) & 0xff) + "." + (m & 0xff);
    }

    static String forwardName(ForwardingMethod method) {
        return switch (method) {
            case NAT -> "Masq";
            case DR -> "Route";
            case TUN -> "Tunnel";
        };
    }

    private static String forwardSwitch(ForwardingMethod method) {
        return switch (method) {
            case NAT -> "-m";
            case DR -> "-g";
            case TUN -> "-i";
        };
    }

    private static List<IpvsService> ordered(IpvsSnapshot snapshot, Set<Option> options) {
        return options.contains(Option.NO_SORT) ? snapshot.services()
                : mergeSort(snapshot.services(), IpvsadmView::compareServices);
    }

    private static List<IpvsDestination> orderedDestinations(IpvsService service, Set<Option> options) {
        return options.contains(Option.NO_SORT) ? service.destinations()
                : mergeSort(service.destinations(), IpvsadmView::compareDestinations);
    }

    /**
     * ipvs_cmp_services: fwmark, family (AF_INET 2 before AF_INET6 10), protocol number, address, port. The address
     * is compared as {@code int r = ntohl(a) - ntohl(b)}: the unsigned difference read as a signed int, so addresses
     * more than 2^31 apart sort "backwards" (192.168.1.1 lists before 10.0.0.1). That is what ipvsadm prints.
     */
    static int compareServices(IpvsService a, IpvsService b) {
        int r = fwmark(a.key()) - fwmark(b.key());
        if (r != 0) return r;
        r = family(a.key().ipv6()) - family(b.key().ipv6());
        if (r != 0) return r;
        r = protocolNumber(a.key()) - protocolNumber(b.key());
        if (r != 0) return r;
        if (a.key() instanceof ServiceKey.Inet ia && b.key() instanceof ServiceKey.Inet ib) {
            r = compareAddressWords(ia.address(), ib.address());
            if (r != 0) return r;
            return ia.port() - ib.port();
        }
        return 0;
    }

    /** ipvs_cmp_dests: address words (with the same signed-difference quirk), then port. */
    static int compareDestinations(IpvsDestination a, IpvsDestination b) {
        int r = compareAddressWords(a.key().address(), b.key().address());
        if (r != 0) return r;
        return a.key().port() - b.key().port();
    }

    private static int compareAddressWords(InetAddress a, InetAddress b) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        int r = 0;
        for (int i = 0; r == 0 && i < Math.min(x.length, y.length); i += 4) {
            r = word(x, i) - word(y, i); // int overflow on purpose: C's (int)(u32 - u32)
        }
        return r;
    }

    private static int word(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    private static int fwmark(ServiceKey key) {
        return key instanceof ServiceKey.Fwmark f ? f.mark() : 0;
    }

    private static int family(boolean ipv6) {
        return ipv6 ? 10 : 2;
    }

    /** Kernel protocol numbers; fwmark services carry TCP, as ipvsadm -f sets it. */
    private static int protocolNumber(ServiceKey key) {
        Protocol p = key instanceof ServiceKey.Inet i ? i.protocol() : Protocol.TCP;
        return switch (p) {
            case TCP -> 6;
            case UDP -> 17;
            case SCTP -> 132;
        };
    }

    /**
     * glibc's qsort is a top-down merge sort (msort: first half n/2, take from the left while cmp <= 0). With
     * ipvsadm's non-transitive address comparison the algorithm decides the order, so follow it exactly.
     */
    static <T> List<T> mergeSort(List<T> items, Comparator<? super T> cmp) {
        List<T> list = new ArrayList<>(items);
        msort(list, 0, list.size(), cmp, new ArrayList<>(list));
        return list;
    }

    private static <T> void msort(List<T> b, int from, int n, Comparator<? super T> cmp, List<T> tmp) {
        if (n <= 1) return;
        int n1 = n / 2;
        int n2 = n - n1;
        msort(b, from, n1, cmp, tmp);
        msort(b, from + n1, n2, cmp, tmp);
        int i = from;
        int j = from + n1;
        int k = 0;
        while (i < from + n1 && j < from + n) {
            if (cmp.compare(b.get(i), b.get(j)) <= 0) {
                tmp.set(k++, b.get(i++));
            } else {
                tmp.set(k++, b.get(j++));
            }
        }
        while (i < from + n1) tmp.set(k++, b.get(i++));
        // the rest of the right half is already in place
        for (int m = 0; m < k; m++) b.set(from + m, tmp.get(m));
    }
}
