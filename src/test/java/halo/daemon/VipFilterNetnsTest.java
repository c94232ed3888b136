package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.os.NetNamespace;
import halo.testing.Await;
import halo.testing.Root;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived's VIP filtering (vrrp_strict, no_accept: a master that is not the address owner drops traffic to its
 * VIPs) side by side with keepalived 2.2.7: the same configuration on the same director, the same ping and TCP connect
 * from a client, the same answers; and the firewall gone when the daemon stops, and after a crash once it starts again.
 */
@Tag("root")
class VipFilterNetnsTest {

    private static final Duration LONG = Duration.ofSeconds(20);
    private static final String VIP = "192.0.2.100";
    private static final int PORT = 8080;

    @TempDir
    Path dir;

    private SeedTopology lan;
    private NetNamespace director;
    private NetNamespace client;
    private ServerSocket server;
    private final List<NodeProcess> nodes = new ArrayList<>();

    /** What the client reaches: the VIP by ping and TCP, and the director's own address by ping. */
    record Reach(boolean vipPing, boolean vipTcp, boolean nodePing) {}

    @BeforeEach
    void lab() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        Map<String, Integer> roles = new LinkedHashMap<>();
        roles.put("dir1", 11);
        roles.put("client", 50);
        lan = SeedTopology.create("vipf", roles);
        director = NetNamespace.enter(lan.host("dir1").namespace());
        client = NetNamespace.enter(lan.host("client").namespace());
        server = director.call(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(PORT), 16);
            return s;
        });
        Thread.ofPlatform().daemon().name("vipf-server").start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed at the end of the test
                }
            }
        });
    }

    @AfterEach
    void cleanUp() throws IOException {
        nodes.forEach(NodeProcess::close);
        if (server != null) server.close();
        if (director != null) director.close();
        if (client != null) client.close();
        if (lan != null) lan.close();
    }

    @Test
    void vrrpStrictMakesANonOwnerMasterDropTrafficToItsVipAsKeepalivedDoes() throws Exception {
        Reach expected = new Reach(false, false, true);
        assertThat(reach(false, "vrrp_strict", "priority 100")).as("keepalived").isEqualTo(expected);
        assertThat(reach(true, "vrrp_strict", "priority 100")).as("Halo").isEqualTo(expected);
    }

    @Test
    void noAcceptMakesAMasterDropTrafficToItsVipAsKeepalivedDoes() throws Exception {
        Reach expected = new Reach(false, false, true);
        assertThat(reach(false, "", "priority 100\n    no_accept")).as("keepalived").isEqualTo(expected);
        assertThat(reach(true, "", "priority 100\n    no_accept")).as("Halo").isEqualTo(expected);
    }

    @Test
    void withoutStrictOrNoAcceptTheVipAnswersAsWithKeepalived() throws Exception {
        Reach expected = new Reach(true, true, true);
        assertThat(reach(false, "", "priority 100")).as("keepalived").isEqualTo(expected);
        assertThat(reach(true, "", "priority 100")).as("Halo").isEqualTo(expected);
    }

    @Test
    void theAddressOwnerAcceptsEvenInStrictModeAsWithKeepalived() throws Exception {
        Reach expected = new Reach(true, true, true);
        assertThat(reach(false, "vrrp_strict", "priority 255")).as("keepalived").isEqualTo(expected);
        assertThat(reach(true, "vrrp_strict", "priority 255")).as("Halo").isEqualTo(expected);
    }

    @Test
    void noAcceptDropsIpv6TrafficToTheVipButStillAnswersNeighbourSolicitationsAsKeepalived() throws Exception {
        // both answer the client's neighbour solicitation for the VIP (ND passes the filter), neither the ping
        List<String> keepalived = reach6(false);
        List<String> halo = reach6(true);
        assertThat(keepalived).as("keepalived: ping6 answered, neighbour entry").containsExactly("false", mac("dir1"));
        assertThat(halo).as("Halo: ping6 answered, neighbour entry").isEqualTo(keepalived);
    }

    private List<String> reach6(boolean halo) throws Exception {
        String vip6 = SeedTopology.VIP6;
        NodeProcess node = start(halo, "", "priority 100\n    no_accept\n    version 3", vip6 + "/64");
        node.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        assertThat(Await.until(LONG, () -> lan.ipOn("dir1", "-br", "addr", "show", "dev", "eth0").contains(vip6 + "/")))
                .as("the VIP on the master").isTrue();
        lan.ipOn("client", "neigh", "flush", "dev", "eth0");
        boolean ping = pingFromClient(vip6);
        String neighbour = lan.ipOn("client", "-6", "neigh", "show", vip6);
        Matcher m = Pattern.compile("lladdr (\\S+)").matcher(neighbour);
        String mac = m.find() ? m.group(1) : "none: " + neighbour.strip();
        assertThat(node.stop(LONG)).isZero();
        assertThat(tables()).as("tables left after a stop").doesNotContain("keepalived").doesNotContain("halo_vrrp");
        return List.of(Boolean.toString(ping), mac);
    }

    private String mac(String role) throws IOException {
        Matcher m = Pattern.compile("link/ether (\\S+)").matcher(lan.ipOn(role, "link", "show", "eth0"));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void aCrashedDaemonsFilterGoesWhenItStartsAgain() throws Exception {
        NodeProcess halo = start(true, "vrrp_strict", "priority 100");
        halo.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        assertThat(tables()).contains("halo_vrrp");
        halo.kill9();
        assertThat(tables()).as("a crash leaves the table").contains("halo_vrrp");
        assertThat(ping()).isFalse();
        NodeProcess again = start(true, "", "priority 100");
        again.awaitLog("Startup complete", LONG);
        assertThat(tables()).doesNotContain("halo_vrrp");
        again.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        assertThat(ping()).isTrue();
    }

    /** Runs the daemon with GLOBAL and INSTANCE lines, waits for MASTER, measures, stops it: its firewall must go. */
    private Reach reach(boolean halo, String global, String instance) throws Exception {
        NodeProcess node = start(halo, global, instance);
        node.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        assertThat(Await.until(LONG, () -> lan.ipOn("dir1", "-br", "addr", "show", "dev", "eth0").contains(VIP + "/")))
                .as("the VIP on the master").isTrue();
        Reach r = new Reach(ping(), connects(), pingNode());
        assertThat(node.stop(LONG)).isZero();
        assertThat(tables()).as("tables left after a stop").doesNotContain("keepalived").doesNotContain("halo_vrrp");
        return r;
    }

    private NodeProcess start(boolean halo, String global, String instance) throws IOException {
        return start(halo, global, instance, VIP + "/24");
    }

    private NodeProcess start(boolean halo, String global, String instance, String vip) throws IOException {
        String text = """
                global_defs {
                    router_id dir1
                    %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 61
                    advert_int 1
                    %s
                    virtual_ipaddress {
                        %s
                    }
                }
                """.formatted(global, instance, vip);
        Path conf = dir.resolve("dir1-" + nodes.size() + ".conf");
        Files.writeString(conf, text);
        String name = (halo ? "halo" : "keepalived") + "-" + nodes.size();
        NodeProcess n = halo ? NodeProcess.halo(name, lan.exec("dir1"), conf, dir)
                : NodeProcess.keepalived(name, lan.exec("dir1"), conf, dir);
        nodes.add(n);
        return n;
    }

    private boolean ping() throws Exception {
        return pingFromClient(VIP);
    }

    private boolean pingNode() throws Exception {
        return pingFromClient(lan.host("dir1").ipv4());
    }

    /** Two echo requests, one second each: one answer is enough (the first may wait for ARP). */
    private boolean pingFromClient(String address) throws Exception {
        List<String> cmd = new ArrayList<>(lan.exec("client"));
        cmd.addAll(List.of("ping", "-n", "-c", "2", "-W", "1", "-i", "0.2", address));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0;
    }

    /** A TCP connect from the client to the VIP's listener, 1.5 s at most: the greeting line read means reached. */
    private boolean connects() throws Exception {
        return client.call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(VIP, PORT), 1_500);
                s.setSoTimeout(1_500);
                byte[] line = s.getInputStream().readNBytes(6);
                return new String(line, StandardCharsets.US_ASCII).equals("hello\n");
            } catch (IOException e) {
                return false;
            }
        });
    }

    private String tables() throws Exception {
        List<String> cmd = new ArrayList<>(lan.exec("dir1"));
        cmd.addAll(List.of("nft", "list", "tables"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
