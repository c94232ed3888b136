package halo.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import halo.testing.Root;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("root")
class PacketSocketTest {
    private TwoNamespaces net;
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Root.isRoot(), "needs root for network namespaces");
        assumeTrue(Shell.exec("sh", "-c", "command -v tcpdump && command -v tshark").code() == 0, "needs tcpdump and tshark");
        net = new TwoNamespaces("garp");
        dir = Files.createTempDirectory("halo-garp");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (net != null) {
            net.close();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void gratuitousArpAndNeighbourAdvertArriveIntactAndDissectCleanly() throws Exception {
        Path pcap = dir.resolve("garp.pcap");
        // tcpdump in B writes what arrives on veth-b: ARP and Neighbor Advertisements only, two frames.
        Process tcpdump = new ProcessBuilder(TwoNamespaces.prefix(net.b, "tcpdump", "-i", TwoNamespaces.B_IF, "-U",
                "-n", "-c", "2", "-w", pcap.toString(), "arp or (icmp6 and ip6[40] == 136)"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            waitUntilListening(tcpdump);
            Link link;
            Inet4Address vip4 = (Inet4Address) InetAddress.getByName("192.0.2.100");
            Inet6Address vip6 = (Inet6Address) InetAddress.getByName("2001:db8::100");
            try (RtNetlink rt = net.nsA.call(RtNetlink::open); PacketSocket packets = net.nsA.call(PacketSocket::open)) {
                link = rt.link(TwoNamespaces.A_IF);
                packets.sendGratuitousArp(link, vip4);
                packets.sendUnsolicitedNeighbourAdvert(link, vip6);
            }
            assertThat(tcpdump.waitFor(5, TimeUnit.SECONDS)).as("tcpdump saw both frames").isTrue();

            List<byte[]> frames = Pcap.frames(pcap);
            assertThat(frames).hasSize(2);
            assertThat(frames.get(0)).isEqualTo(Frames.gratuitousArp(link.hardwareAddress(), vip4));
            assertThat(frames.get(1)).isEqualTo(Frames.unsolicitedNeighbourAdvert(link.hardwareAddress(), vip6, true));

            String dissected = Shell.run("tshark", "-r", pcap.toString(), "-V");
            assertThat(dissected)
                    .contains("Address Resolution Protocol (request/gratuitous ARP)")
                    .contains("Sender IP address: 192.0.2.100", "Target IP address: 192.0.2.100")
                    .contains("Type: Neighbor Advertisement (136)")
                    .contains("Flags: 0xa0000000, Router, Override", "= Router: Set", "= Override: Set", "= Solicited: Not set")
                    .contains("Target Address: 2001:db8::100")
                    .contains("[Checksum Status: Good]")
                    .doesNotContain("Malformed");
            String expert = Shell.run("tshark", "-r", pcap.toString(), "-q", "-z", "expert");
            assertThat(expert).doesNotContainIgnoringCase("warn").doesNotContainIgnoringCase("error")
                    .doesNotContain("Malformed");
        } finally {
            tcpdump.destroyForcibly();
            tcpdump.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void neighboursUpdateTheirCachesToTheNewMastersMac() throws Exception {
        // B still believes the VIPs live at an old master's MAC, as after a failover.
        String oldMac = "02:00:00:00:00:01";
        net.inB("ip", "neigh", "replace", "192.0.2.100", "lladdr", oldMac, "dev", TwoNamespaces.B_IF, "nud", "stale");
        net.inB("ip", "-6", "neigh", "replace", "2001:db8::100", "lladdr", oldMac, "dev", TwoNamespaces.B_IF, "nud", "stale");
        Link link;
        try (RtNetlink rt = net.nsA.call(RtNetlink::open); PacketSocket packets = net.nsA.call(PacketSocket::open)) {
            link = rt.link(TwoNamespaces.A_IF);
            rt.addAddress(HostAddress.of(link.index(), InetAddress.getByName("192.0.2.100"), 32));
            rt.addAddress(HostAddress.of(link.index(), InetAddress.getByName("2001:db8::100"), 128).withNoDad());
            packets.sendGratuitousArp(link, (Inet4Address) InetAddress.getByName("192.0.2.100"));
            packets.sendUnsolicitedNeighbourAdvert(link, (Inet6Address) InetAddress.getByName("2001:db8::100"));
        }
        assertThat(neighbourWithin("192.0.2.100", 3)).contains("\"lladdr\":\"" + link.mac() + "\"");
        assertThat(neighbourWithin("2001:db8::100", 3)).contains("\"lladdr\":\"" + link.mac() + "\"");
    }

    /** B's neighbour entry for ADDRESS once it no longer shows the old MAC (or the last seen after SECONDS). */
    private String neighbourWithin(String address, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        String shown = "";
        while (System.nanoTime() < deadline) {
            shown = net.inB("ip", "-j", "neigh", "show", address, "dev", TwoNamespaces.B_IF);
            if (!shown.contains("02:00:00:00:00:01")) {
                return shown;
            }
            Thread.sleep(50);
        }
        return shown;
    }

    /** tcpdump says "listening on" on stderr once its capture is open. */
    static void waitUntilListening(Process tcpdump) throws Exception {
        BufferedReader err = new BufferedReader(new InputStreamReader(tcpdump.getErrorStream()));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            String line = err.readLine();
            if (line == null) {
                throw new IllegalStateException("tcpdump exited before listening");
            }
            if (line.contains("listening on")) {
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        err.transferTo(java.io.Writer.nullWriter());
                    } catch (java.io.IOException ignored) {
                        // tcpdump gone
                    }
                });
                return;
            }
        }
        throw new IllegalStateException("tcpdump did not start listening in 5 s");
    }
}
