package halo.lvs.nft;

import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.Persistence;
import halo.lvs.Protocol;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceFlag;
import halo.lvs.ServiceKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Services for the nftables ruleset tests: VIP 192.0.2.100 (2001:db8::100), real servers .21, .22, ... on eth0. */
final class Samples {
    private Samples() {}

    static final NftRuleset RULESET = new NftRuleset(a -> "eth0");

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ServiceKey tcp(String vip, int port) {
        return new ServiceKey.Inet(ip(vip), port, Protocol.TCP);
    }

    static IpvsDestination destination(ServiceKey key, int index, ForwardingMethod method, int weight) {
        String address = key.ipv6() ? "2001:db8::" + (21 + index) : "192.0.2." + (21 + index);
        return IpvsDestination.of(new DestinationKey(ip(address), 80), method, weight);
    }

    /** A service with real servers 192.0.2.21, .22, ... (port 80) of these weights, forwarded by METHOD. */
    static NftRuleset.PlacedService service(int id, ServiceKey key, SchedulingMethod sched, Set<ServiceFlag> flags,
                                            Persistence persistence, ForwardingMethod method, int... weights) {
        List<NftRuleset.PlacedDestination> ds = new ArrayList<>();
        List<IpvsDestination> plain = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            IpvsDestination d = destination(key, i, method, weights[i]);
            plain.add(d);
            ds.add(new NftRuleset.PlacedDestination(i, d, weights[i]));
        }
        IpvsService s = IpvsService.of(key, sched, flags, persistence).withDestinations(plain);
        return new NftRuleset.PlacedService(id, s, ds);
    }

    static NftRuleset.PlacedService service(int id, SchedulingMethod sched, ForwardingMethod method, int... weights) {
        return service(id, tcp("192.0.2.100", 80), sched, Set.of(), null, method, weights);
    }

    /** One of everything the builder writes, for the kernel to accept. */
    static List<List<NftRuleset.PlacedService>> variety() {
        ServiceKey v6 = tcp("2001:db8::100", 80);
        ServiceKey mark = new ServiceKey.Fwmark(7, false);
        Persistence net24 = new Persistence(50, 0xffffff00);
        Persistence net64 = new Persistence(300, 64);
        List<List<NftRuleset.PlacedService>> out = new ArrayList<>();
        for (ForwardingMethod m : ForwardingMethod.values()) {
            out.add(List.of(
                    service(1, SchedulingMethod.RR, m, 1, 1, 0),
                    service(2, tcp("192.0.2.100", 81), SchedulingMethod.WRR, Set.of(), net24, m, 4, 3, 2),
                    service(3, tcp("192.0.2.100", 82), SchedulingMethod.SH, Set.of(ServiceFlag.SCHED2), null, m, 2, 1),
                    service(4, tcp("192.0.2.100", 83), SchedulingMethod.DH, Set.of(), null, m, 1, 1),
                    service(5, tcp("192.0.2.100", 84), SchedulingMethod.MH, Set.of(ServiceFlag.SCHED1), null, m, 1, 0),
                    service(6, v6, SchedulingMethod.MH, Set.of(ServiceFlag.SCHED2), net64, m, 1, 2),
                    service(7, mark, SchedulingMethod.WRR, Set.of(), Persistence.of(60, false), m, 3, 1),
                    service(8, tcp("192.0.2.100", 0), SchedulingMethod.RR, Set.of(), Persistence.of(60, false), m),
                    service(9, new ServiceKey.Inet(ip("192.0.2.100"), 53, Protocol.UDP), SchedulingMethod.RR,
                            Set.of(), null, m, 1, 1)));
        }
        return out;
    }
}
