package halo.lvs.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.lvs.Action;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceKey;
import halo.os.NetNamespace;
import halo.os.Nftables;
import halo.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A checker's changes written as nf_tables messages (without libnftables) against the kernel, in a namespace of the
 * test's own: what {@code nft list} shows afterwards is what libnftables writes for the same layout; a removed DR
 * server's flow set is emptied; a change the messages cannot carry (a new real server) goes through libnftables.
 */
class NftablesFastPathNetnsTest {
    private String ns;
    private NetNamespace inside;

    @BeforeEach
    void namespace() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        assertThat(Nftables.isAvailable()).as(() -> "libnftables: " + Nftables.unavailabilityCause()).isTrue();
        ns = "halo-nftfast-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
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
    void aCheckersChangesAsMessagesAreWhatLibnftablesWritesAndARemovedDrServersFlowsGo() throws Exception {
        ServiceKey nat = Samples.tcp("192.0.2.100", 80);
        ServiceKey dr = Samples.tcp("192.0.2.101", 80);
        IpvsService natService = IpvsService.of(nat, SchedulingMethod.WRR, Set.of(), null).withDestinations(List.of(
                Samples.destination(nat, 0, ForwardingMethod.NAT, 3),
                Samples.destination(nat, 1, ForwardingMethod.NAT, 1),
                Samples.destination(nat, 2, ForwardingMethod.NAT, 1)));
        IpvsService drService = IpvsService.of(dr, SchedulingMethod.RR, Set.of(), null).withDestinations(List.of(
                Samples.destination(dr, 0, ForwardingMethod.DR, 1),
                Samples.destination(dr, 1, ForwardingMethod.DR, 1)));
        String[] listed = inside.call(() -> {
            NftablesDataPlane plane = NftablesDataPlane.open(System::nanoTime);
            try (Nftables nft = Nftables.open()) {
                plane.resync(1, new IpvsSnapshot(List.of(natService, drService)));
                // a flow of the second DR server, as the packet path would record it
                nft.run("add element netdev halo_lvs s2_d1_f { 198.51.100.7 . 40000 timeout 900s }\n");
                StringBuilder paths = new StringBuilder();
                plane.apply(2, List.of(new Action.EditDestination(nat,
                        Samples.destination(nat, 1, ForwardingMethod.NAT, 2))));
                paths.append(plane.lastCommitFast()).append(' ');
                plane.apply(3, List.of(new Action.RemoveDestination(dr, new DestinationKey(Samples.ip("192.0.2.22"),
                        80))));
                paths.append(plane.lastCommitFast()).append(' ');
                String flowsAfterRemoval = nft.run("list set netdev halo_lvs s2_d1_f\n");
                plane.apply(4, List.of(new Action.AddDestination(dr, Samples.destination(dr, 1, ForwardingMethod.DR,
                        1))));
                paths.append(plane.lastCommitFast()).append(' ');
                plane.apply(5, List.of(new Action.RemoveDestination(nat, new DestinationKey(Samples.ip("192.0.2.23"),
                        80))));
                paths.append(plane.lastCommitFast()).append(' ');
                // a server never seen before needs a chain and counters: libnftables
                IpvsDestination fourth = Samples.destination(nat, 3, ForwardingMethod.NAT, 1);
                plane.apply(6, List.of(new Action.AddDestination(nat, fourth)));
                paths.append(plane.lastCommitFast()).append(' ');
                plane.apply(7, List.of(new Action.EditDestination(nat, fourth.withWeight(0))));
                paths.append(plane.lastCommitFast());
                String viaMessages = nft.run("list ruleset\n");
                // the same layout written whole by libnftables
                nft.run(plane.layout().replaceAll());
                String viaLibnftables = nft.run("list ruleset\n");
                plane.close();
                return new String[] {paths.toString(), flowsAfterRemoval, viaMessages, viaLibnftables};
            }
        });
        assertThat(listed[0]).as("which changes went as nf_tables messages").isEqualTo(
                "true true true true false true");
        assertThat(listed[1]).contains("set s2_d1_f").doesNotContain("198.51.100.7");
        // the same objects with the same content (nft lists a chain made later after the others)
        assertThat(objects(listed[2])).isEqualTo(objects(listed[3]));
        assertThat(listed[2])
                // .21 at 3, .22 at 2, .23 parked, .24 quiesced: a cycle of 5
                .contains("numgen inc mod 5 vmap @s1_sched")
                .contains("elements = { 0-1 : goto s1_d0, 2 : goto s1_d1, 3 : goto s1_d0, 4 : goto s1_d1 }")
                .contains("chain s1_d2 {")
                // .22 back at the end of the DR service's list, under its old id
                .contains("jhash ip saddr . tcp sport mod 2 seed 0x48616c6f vmap @s2_sched")
                .contains("elements = { 0 : goto s2_d0, 1 : goto s2_d1 }");
    }

    /** A listing's objects, each as its table and its lines, in name order. */
    private static List<String> objects(String listing) {
        List<String> out = new java.util.ArrayList<>();
        String table = "";
        StringBuilder object = null;
        for (String line : listing.split("\n")) {
            if (line.startsWith("table ")) {
                table = line;
            } else if (line.matches("\t(chain|set|map|counter) .*")) {
                object = new StringBuilder(table).append('\n').append(line);
            } else if (object != null) {
                object.append('\n').append(line);
                if (line.equals("\t}")) {
                    out.add(object.toString());
                    object = null;
                }
            }
        }
        out.sort(null);
        return out;
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
