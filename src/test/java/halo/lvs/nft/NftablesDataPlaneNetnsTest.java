package halo.lvs.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.lvs.Action;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.Persistence;
import halo.lvs.PlaneCounters;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceKey;
import halo.os.NetNamespace;
import halo.os.Nftables;
import halo.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The nftables plane against the kernel, in a namespace of the test's own (with a veth pair, eth0 and eth1): every
 * kind of ruleset the builder writes is accepted; a checker's change keeps the persistence sets' entries; counters
 * come back; closing removes Halo's tables.
 */
class NftablesDataPlaneNetnsTest {
    private String ns;
    private NetNamespace inside;

    @BeforeEach
    void namespace() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        assertThat(Nftables.isAvailable()).as(() -> "libnftables: " + Nftables.unavailabilityCause()).isTrue();
        ns = "halo-nftplane-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        run("ip", "netns", "add", ns);
        run("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
        run("ip", "-n", ns, "link", "set", "eth0", "up");
        run("ip", "-n", ns, "link", "set", "eth1", "up");
        run("ip", "-n", ns, "addr", "add", "192.0.2.11/24", "dev", "eth0");
        inside = NetNamespace.enter(ns);
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (inside != null) inside.close();
        if (ns != null) exec("ip", "netns", "del", ns);
    }

    @Test
    void theKernelAcceptsEveryKindOfRulesetAndEveryChangeBetweenThem() throws Exception {
        inside.call(() -> {
            try (Nftables nft = Nftables.open()) {
                NftLayout before = new NftLayout(List.of());
                for (List<NftRuleset.PlacedService> services : Samples.variety()) {
                    NftLayout layout = Samples.RULESET.layout(services);
                    nft.run(layout.replaceAll());
                    // and the same reached incrementally from the previous kind
                    nft.run(before.replaceAll());
                    String changes = layout.changesFrom(before);
                    try {
                        nft.run(changes);
                    } catch (Nftables.NftablesException e) {
                        throw new AssertionError("from " + before.tables().stream().map(NftLayout.Table::family)
                                .toList() + " to " + layout.tables().stream().map(NftLayout.Table::family).toList()
                                + ": " + changes.substring(0, Math.min(3000, changes.length())), e);
                    }
                    before = layout;
                }
                nft.run(NftLayout.removeAll());
                assertThat(nft.run("list tables")).doesNotContain("halo_lvs");
            }
            return null;
        });
    }

    @Test
    void aCheckerChangeAndAReloadKeepThePersistenceEntriesAndCloseRemovesTheTables() throws Exception {
        ServiceKey key = Samples.tcp("192.0.2.100", 80);
        IpvsService service = IpvsService.of(key, SchedulingMethod.WRR, Set.of(), Persistence.of(300, false))
                .withDestinations(List.of(Samples.destination(key, 0, ForwardingMethod.NAT, 3),
                        Samples.destination(key, 1, ForwardingMethod.NAT, 1)));
        String listed = inside.call(() -> {
            NftablesDataPlane plane = NftablesDataPlane.open(System::nanoTime);
            try (Nftables nft = Nftables.open()) {
                plane.resync(1, new IpvsSnapshot(List.of(service)));
                // a persistent client of 192.0.2.21, as the packet path would record it
                nft.run("add element inet halo_lvs s1_d0_p { 198.51.100.7 }\n");
                nft.run("add element inet halo_lvs s1_d1_p { 198.51.100.8 }\n");
                // the checker: .22 down (removed), then .21 quiesced (weight 0), then .22 back
                DestinationKey second = new DestinationKey(Samples.ip("192.0.2.22"), 80);
                plane.apply(2, List.of(new Action.RemoveDestination(key, second)));
                List<Long> micros = new ArrayList<>();
                micros.add(plane.lastCommitNanos() / 1000);
                plane.apply(3, List.of(new Action.EditDestination(key,
                        Samples.destination(key, 0, ForwardingMethod.NAT, 0))));
                micros.add(plane.lastCommitNanos() / 1000);
                plane.apply(4, List.of(new Action.AddDestination(key,
                        Samples.destination(key, 1, ForwardingMethod.NAT, 1))));
                micros.add(plane.lastCommitNanos() / 1000);
                System.out.println("nftables plane: checker change committed in " + micros + " µs");
                assertThat(plane.generation()).isEqualTo(4);
                // a reload resyncs the same table: nothing to write, the persistence entries stay
                plane.resync(5, new IpvsSnapshot(List.of(service.withDestinations(List.of(
                        Samples.destination(key, 0, ForwardingMethod.NAT, 0),
                        Samples.destination(key, 1, ForwardingMethod.NAT, 1))))));
                assertThat(plane.generation()).isEqualTo(5);
                String sets = nft.run("list table inet halo_lvs");
                PlaneCounters counters = plane.counters();
                assertThat(counters.services().get(key).destinations()).containsOnlyKeys(
                        new DestinationKey(Samples.ip("192.0.2.21"), 80), second);
                plane.close();
                return sets + "\n---\n" + nft.run("list tables");
            }
        });
        String[] parts = listed.split("\n---\n");
        assertThat(parts[0]).as("the quiesced server's persistent client stays; the removed server's is gone")
                .containsPattern("set s1_d0_p \\{[^}]*elements = \\{ 198\\.51\\.100\\.7 (timeout|expires)")
                .doesNotContain("198.51.100.8")
                // .22 came back under a new id: a new set of its own, and no server for the quiesced .21
                .contains("set s1_d2_p").contains("numgen inc mod 1 vmap @s1_sched")
                .contains("elements = { 0 : goto s1_d2 }");
        assertThat(parts.length > 1 ? parts[1] : "").doesNotContain("halo_lvs");
    }

    @Test
    void openingRemovesTheTablesACrashedRunLeftAndNoOtherTable() throws Exception {
        String listed = inside.call(() -> {
            try (Nftables nft = Nftables.open()) {
                nft.run("add table inet halo_lvs\nadd table netdev halo_lvs\nadd table inet someone_else\n");
                NftablesDataPlane plane = NftablesDataPlane.open(System::nanoTime);
                String after = nft.run("list tables");
                plane.close();
                return after;
            }
        });
        assertThat(listed).doesNotContain("halo_lvs").contains("table inet someone_else");
    }

    /**
     * The scale: 1,000 NAT services of 10 real servers each resynced, then one real server's weight changed
     * and one removed, each one transaction. Prints the times (no assertion on them: the machine is shared); asserts
     * that the change reached the kernel.
     */
    @Test
    void aThousandServicesOfTenRealServersAndOneCheckerChangeAmongThem() throws Exception {
        List<IpvsService> services = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ServiceKey key = new ServiceKey.Inet(Samples.ip("198.51.100." + (i % 250 + 1)), 1000 + i / 250,
                    halo.lvs.Protocol.TCP);
            List<IpvsDestination> ds = new ArrayList<>();
            for (int d = 0; d < 10; d++) {
                ds.add(IpvsDestination.of(new DestinationKey(Samples.ip("203.0.113." + (d + 1)), 8000 + i),
                        ForwardingMethod.NAT, 1 + d % 3));
            }
            services.add(IpvsService.of(key, SchedulingMethod.WRR, Set.of(), null).withDestinations(ds));
        }
        String listed = inside.call(() -> {
            NftablesDataPlane plane = NftablesDataPlane.open(System::nanoTime);
            try (Nftables nft = Nftables.open()) {
                long start = System.nanoTime();
                plane.resync(1, new IpvsSnapshot(services));
                long resync = System.nanoTime() - start;
                IpvsService s = services.get(500);
                IpvsDestination d = s.destinations().get(3);
                start = System.nanoTime();
                plane.apply(2, List.of(new Action.EditDestination(s.key(), d.withWeight(7))));
                long edit = System.nanoTime() - start;
                long editCommit = plane.lastCommitNanos();
                start = System.nanoTime();
                plane.apply(3, List.of(new Action.RemoveDestination(s.key(), s.destinations().get(4).key())));
                long remove = System.nanoTime() - start;
                System.out.printf("nftables plane, 1000 services x 10 real servers: resync %d ms; a weight change"
                                + " %d µs (transaction %d µs); a removal %d µs (transaction %d µs)%n", resync / 1_000_000,
                        edit / 1000, editCommit / 1000, remove / 1000, plane.lastCommitNanos() / 1000);
                String chain = nft.run("list chain inet halo_lvs s501_pick\n");
                plane.close();
                return chain;
            }
        });
        // weights 1,2,3,1,2,3,1,2,3,1 (19) with the fourth at 7 (25) and the fifth (2) gone: a cycle of 23
        assertThat(listed).contains("numgen inc mod 23 vmap @s501_sched");
    }

    private static void run(String... cmd) throws IOException {
        String out = exec(cmd);
        if (out.startsWith("!")) throw new IOException(String.join(" ", cmd) + ": " + out.substring(1));
    }

    /** Output, or "!" + output when the command failed. */
    private static String exec(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "!timed out";
            }
            return p.exitValue() == 0 ? out : "!" + out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
