import halo.lvs.Action;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.Protocol;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceKey;
import halo.lvs.nft.NftablesDataPlane;
import halo.os.NetNamespace;
import halo.os.Nftables;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The scale for the nftables plane, in the namespace named by the first argument: SERVICES NAT services of
 * SERVERS real servers each resynced, then WARMUP untimed weight changes (the JIT's warm-up), then CHANGES checker
 * changes (weight changes, removals and returns), each one
 * transaction; and what libnftables' cache costs (a "list ruleset" of the same table). Prints the figures against
 * issue 12's goals (a ruleset in under 1 s, one real server's change in under 5 ms) and how many changes went as
 * nf_tables messages rather than through libnftables; NFT_APPLY_VERBOSE=1 prints each change.
 */
public final class NftApply {
    public static void main(String[] args) throws Exception {
        String ns = args[0];
        int services = Integer.parseInt(args[1]);
        int servers = Integer.parseInt(args[2]);
        int changes = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        List<IpvsService> table = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            ServiceKey key = new ServiceKey.Inet(InetAddress.getByName("198.51.100." + (i % 250 + 1)), 1000 + i / 250,
                    Protocol.TCP);
            List<IpvsDestination> ds = new ArrayList<>();
            for (int d = 0; d < servers; d++) {
                ds.add(IpvsDestination.of(new DestinationKey(InetAddress.getByName("203.0.113." + (d + 1)), 8000 + i),
                        ForwardingMethod.NAT, 1 + d % 3));
            }
            table.add(IpvsService.of(key, SchedulingMethod.WRR, Set.of(), null).withDestinations(ds));
        }
        try (NetNamespace inside = NetNamespace.enter(ns)) {
            inside.call(() -> {
                NftablesDataPlane plane = NftablesDataPlane.open(System::nanoTime);
                long start = System.nanoTime();
                plane.resync(1, new IpvsSnapshot(table));
                long resync = System.nanoTime() - start;
                // the JIT's warm-up, as in a daemon that has run for a while: weight changes, untimed
                long generation = 2;
                for (int w = 0; w < warmup; w++) {
                    IpvsService s = table.get((w * 13 + 7) % services);
                    IpvsDestination d = s.destinations().getFirst();
                    plane.apply(generation++, List.of(new Action.EditDestination(s.key(),
                            d.withWeight(w % 2 == 0 ? d.weight() + 1 : d.weight()))));
                }
                List<Long> apply = new ArrayList<>();
                List<Long> commit = new ArrayList<>();
                int fast = 0;
                for (int c = 0; c < changes; c++) {
                    IpvsService s = table.get((c * 397) % services);
                    IpvsDestination d = s.destinations().get(c % servers);
                    Action.TableChange change = switch (c % 3) {
                        case 0 -> new Action.EditDestination(s.key(), d.withWeight(7));
                        case 1 -> new Action.RemoveDestination(s.key(), d.key());
                        default -> new Action.AddDestination(s.key(), d);
                    };
                    if (c % 3 == 2) {
                        // the return of the server removed by the change before
                        IpvsService prev = table.get(((c - 1) * 397) % services);
                        change = new Action.AddDestination(prev.key(), prev.destinations().get((c - 1) % servers));
                    }
                    start = System.nanoTime();
                    plane.apply(generation++, List.of(change));
                    apply.add(System.nanoTime() - start);
                    commit.add(plane.lastCommitNanos());
                    if (plane.lastCommitFast()) fast++;
                    if (System.getenv("NFT_APPLY_VERBOSE") != null) {
                        System.out.printf("    %s %s: %.2f ms (commit %.2f ms, %s)%n",
                                change.getClass().getSimpleName(), change.service(), apply.getLast() / 1e6,
                                plane.lastCommitNanos() / 1e6, plane.lastCommitFast() ? "nf_tables messages"
                                        : "libnftables");
                    }
                }
                long list;
                try (Nftables nft = Nftables.open()) {
                    start = System.nanoTime();
                    nft.run("list ruleset");
                    list = System.nanoTime() - start;
                }
                plane.close();
                apply.sort(null);
                commit.sort(null);
                System.out.printf("nftables plane, %d NAT services x %d real servers (wrr); %d untimed changes first%n",
                        services, servers, warmup);
                System.out.printf("  resync (the whole ruleset):     %8.1f ms   goal < 1000 ms: %s%n", resync / 1e6,
                        resync < 1_000_000_000L ? "met" : "NOT met");
                System.out.printf("  one real server's change (%d): median %8.2f ms, max %8.2f ms   goal < 5 ms: %s%n",
                        changes, apply.get(apply.size() / 2) / 1e6, apply.getLast() / 1e6,
                        apply.get(apply.size() / 2) < 5_000_000L ? "met" : "NOT met");
                System.out.printf("    of it in the commit (nf_tables messages or libnftables) + kernel: median %8.2f ms,"
                        + " max %8.2f ms; %d of %d as nf_tables messages%n",
                        commit.get(commit.size() / 2) / 1e6, commit.getLast() / 1e6, fast, changes);
                System.out.printf("  libnftables 'list ruleset' (what filling its cache reads): %8.1f ms%n", list / 1e6);
                return null;
            });
        }
    }
}
