package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.os.Frames;
import halo.os.NetNamespace;
import halo.os.PacketSocket;
import halo.testing.Await;
import halo.testing.Root;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stopping master's address window, measured on the wire: a Halo master stopped by SIGTERM keeps its VIP one
 * advert interval after its priority-0 advert (so its clients lose nothing), but from that advert on it answers no
 * ARP request for the VIP. A client asks for the VIP's MAC every 5 ms through the stop; tshark in the client's
 * namespace sees the adverts and the replies: after the new master's first advert, no reply comes from the old
 * master's MAC. The new master is keepalived 2.2.7 (another VRRP implementation) or Halo.
 */
@Tag("root")
class StoppingMasterArpNetnsTest {

    private static final Duration LONG = Duration.ofSeconds(20);
    private static final String VIP = SeedTopology.VIP4;
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    @TempDir
    Path dir;

    private SeedTopology lan;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private Process tshark;

    @BeforeEach
    void lab() throws IOException {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        Map<String, Integer> roles = new LinkedHashMap<>();
        roles.put("dir1", 11);
        roles.put("dir2", 12);
        roles.put("client", 50);
        lan = SeedTopology.create("stoparp", roles);
    }

    @AfterEach
    void cleanUp() {
        if (tshark != null) tshark.destroyForcibly();
        nodes.forEach(NodeProcess::close);
        if (lan != null) lan.close();
    }

    @Test
    void afterKeepalivedsFirstAdvertAsNewMasterTheStoppedHaloMasterAnswersNoArp() throws Exception {
        measure(false);
    }

    @Test
    void afterHalosFirstAdvertAsNewMasterTheStoppedHaloMasterAnswersNoArp() throws Exception {
        measure(true);
    }

    private void measure(boolean haloBackup) throws Exception {
        NodeProcess d1 = NodeProcess.halo("dir1", lan.exec("dir1"), conf("dir1", 100), dir);
        nodes.add(d1);
        d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        NodeProcess d2 = haloBackup ? NodeProcess.halo("dir2", lan.exec("dir2"), conf("dir2", 90), dir)
                : NodeProcess.keepalived("dir2", lan.exec("dir2"), conf("dir2", 90), dir);
        nodes.add(d2);
        d2.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        String mac1 = mac("dir1");
        String mac2 = mac("dir2");

        Path capture = dir.resolve("capture.txt");
        Path capturing = dir.resolve("tshark.err");
        List<String> cmd = new ArrayList<>(lan.exec("client"));
        cmd.addAll(List.of("tshark", "-i", "eth0", "-l", "-n", "-f", "arp or ip proto 112", "-T", "fields",
                "-E", "separator=/s", "-e", "frame.time_epoch", "-e", "eth.src", "-e", "arp.opcode",
                "-e", "arp.src.proto_ipv4", "-e", "ip.src", "-e", "vrrp.prio"));
        tshark = new ProcessBuilder(cmd).redirectOutput(capture.toFile()).redirectError(capturing.toFile()).start();
        assertThat(Await.until(LONG, () -> Files.readString(capturing).contains("Capturing on")))
                .as("tshark capturing").isTrue();
        // the capture sees dir1's adverts before anything else happens
        assertThat(Await.until(LONG, () -> Files.readString(capture).contains("192.0.2.11 100"))).isTrue();

        // the client asks for the VIP every 5 ms (at most 3 s), and pings it every 10 ms, through the stop
        AtomicBoolean asking = new AtomicBoolean(true);
        AtomicInteger asked = new AtomicInteger();
        Thread arp;
        try (NetNamespace client = NetNamespace.enter(lan.host("client").namespace())) {
            byte[] clientMac = HexFormat.ofDelimiter(":").parseHex(mac("client"));
            int ifindex = ifindex("client");
            byte[] request = arpRequest(clientMac, (Inet4Address) InetAddress.getByName(lan.host("client").ipv4()),
                    (Inet4Address) InetAddress.getByName(VIP));
            PacketSocket socket = client.call(PacketSocket::open);
            arp = Thread.ofPlatform().name("arp-asker").start(() -> {
                try (socket) {
                    for (int n = 0; n < 600 && asking.get(); n++) {
                        socket.send(ifindex, request, Frames.ETH_P_ARP, BROADCAST, "ARP request");
                        asked.incrementAndGet();
                        Thread.sleep(5);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<String> ping = new ArrayList<>(lan.exec("client"));
            ping.addAll(List.of("ping", "-n", "-q", "-i", "0.01", "-c", "250", "-W", "1", VIP));
            Process pinger = new ProcessBuilder(ping).redirectErrorStream(true).start();
            NodeProcess.sleep(300);
            int masters = d2.mark("\\(VI_1\\) Entering MASTER STATE");
            assertThat(d1.stop(LONG)).isZero();
            d2.awaitLog("\\(VI_1\\) Entering MASTER STATE", masters, LONG);
            String pingOut = new String(pinger.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(pinger.waitFor(20, TimeUnit.SECONDS)).isTrue();
            asking.set(false);
            arp.join(10_000);
            // the last replies reach the capture
            NodeProcess.sleep(200);
            tshark.destroy();
            tshark.waitFor(10, TimeUnit.SECONDS);

            List<String[]> frames = Files.readAllLines(capture).stream().map(l -> l.split(" ", -1))
                    .filter(f -> f.length >= 6).toList();
            double priorityZero = first(frames, f -> f[4].equals("192.0.2.11") && f[5].equals("0"), 0);
            assertThat(priorityZero).as("dir1's priority-0 advert on the wire").isPositive();
            double newMaster = first(frames, f -> f[4].equals("192.0.2.12") && !f[5].isEmpty() && !f[5].equals("0"),
                    priorityZero);
            assertThat(newMaster).as("dir2's first advert as master").isPositive();
            int oldBefore = replies(frames, mac1, 0, priorityZero);
            int oldBetween = replies(frames, mac1, priorityZero, newMaster);
            int oldAfter = replies(frames, mac1, newMaster, Double.MAX_VALUE);
            int newAfter = replies(frames, mac2, newMaster, Double.MAX_VALUE);
            Matcher m = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(pingOut);
            assertThat(m.find()).as(pingOut).isTrue();
            int sent = Integer.parseInt(m.group(1));
            int received = Integer.parseInt(m.group(2));
            System.out.printf("stop window (%s new master): %d ARP requests; dir1 replies: %d before its priority-0"
                            + " advert, %d between it and the new master's first advert (%.1f ms later), %d after;"
                            + " dir2 replies after: %d; pings to the VIP every 10 ms: %d sent, %d answered%n",
                    haloBackup ? "Halo" : "keepalived", asked.get(), oldBefore, oldBetween,
                    (newMaster - priorityZero) * 1000, oldAfter, newAfter, sent, received);
            assertThat(oldBefore).as("the client's requests reach dir1 and it answers while master").isPositive();
            assertThat(oldAfter).as("replies from the stopped master's MAC after the new master's first advert")
                    .isZero();
            assertThat(newAfter).as("the new master answers").isPositive();
            assertThat(d1.log()).contains("(VI_1) sent 0 priority").contains("Stopped Halo");
            assertThat(lan.ipOn("dir1", "-br", "addr", "show", "dev", "eth0")).doesNotContain(VIP + "/");
            assertThat(tables("dir1")).as("the stopped master's nftables tables").doesNotContain("halo_vrrp");
        }
    }

    private Path conf(String node, int priority) throws IOException {
        Path p = dir.resolve(node + ".conf");
        Files.writeString(p, """
                global_defs {
                    router_id %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 71
                    priority %d
                    version 3
                    advert_int 1
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(node, priority, VIP));
        return p;
    }

    /** An ARP request (broadcast) from the client for TARGET's MAC. */
    private static byte[] arpRequest(byte[] mac, Inet4Address sender, Inet4Address target) {
        byte[] f = Frames.gratuitousArp(mac, sender);
        java.util.Arrays.fill(f, 32, 38, (byte) 0); // target hardware address unknown
        System.arraycopy(target.getAddress(), 0, f, 38, 4);
        return f;
    }

    /** The time of the first frame after AFTER that matches, or 0. */
    private static double first(List<String[]> frames, java.util.function.Predicate<String[]> p, double after) {
        for (String[] f : frames) {
            double t = Double.parseDouble(f[0]);
            if (t > after && p.test(f)) return t;
        }
        return 0;
    }

    /** ARP replies for the VIP from MAC in (FROM, TO]. */
    private static int replies(List<String[]> frames, String mac, double from, double to) {
        int n = 0;
        for (String[] f : frames) {
            double t = Double.parseDouble(f[0]);
            if (t > from && t <= to && f[1].equalsIgnoreCase(mac) && f[2].equals("2") && f[3].equals(VIP)) n++;
        }
        return n;
    }

    private String mac(String role) throws IOException {
        Matcher m = Pattern.compile("link/ether (\\S+)").matcher(lan.ipOn(role, "link", "show", "eth0"));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private int ifindex(String role) throws IOException {
        Matcher m = Pattern.compile("^(\\d+):").matcher(lan.ipOn(role, "link", "show", "eth0"));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private String tables(String role) throws Exception {
        List<String> cmd = new ArrayList<>(lan.exec(role));
        cmd.addAll(List.of("nft", "list", "tables"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
