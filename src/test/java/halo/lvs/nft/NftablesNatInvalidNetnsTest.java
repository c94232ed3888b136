package halo.lvs.nft;

import halo.lvs.nft.NameServers.Connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * NAT through the nftables plane (the seeds' LAN in namespaces: a client, director dir1 holding the VIP, real server
 * rs1 answering through dir1): a packet of a connection the director's conntrack does not know (what a new master
 * sees before conntrackd has committed the old master's connections) is dropped, so the client retransmits it,
 * rather than reaching the director's own stack, which holds the VIP and would reset the connection.
 */
@Tag("root")
class NftablesNatInvalidNetnsTest {
    private static final String VIP = SeedTopology.VIP4;
    private static final int PORT = 80;

    private SeedTopology lan;
    private final List<NetNamespace> namespaces = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private NetNamespace director;
    private NetNamespace client;

    @BeforeEach
    void topology() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        assertThat(Nftables.isAvailable()).as(() -> "libnftables: " + Nftables.unavailabilityCause()).isTrue();
        lan = SeedTopology.seeds("nftnat");
        lan.ipOn("dir1", "addr", "add", VIP + "/24", "dev", "eth0");
        String dir1 = lan.host("dir1").namespace();
        // the director forwards, sends no redirects (the real server must answer through it, on the same LAN),
        // and adopts no connection from its mid-stream packets
        for (String key : List.of("net.ipv4.ip_forward=1", "net.ipv4.conf.all.send_redirects=0",
                "net.ipv4.conf.eth0.send_redirects=0", "net.netfilter.nf_conntrack_tcp_loose=0")) {
            NameServers.run(List.of("ip", "netns", "exec", dir1, "sysctl", "-q", "-w", key));
        }
        lan.ipOn("rs1", "route", "add", lan.host("client").ipv4() + "/32", "via", lan.host("dir1").ipv4());
        NetNamespace rsNs = NetNamespace.enter(lan.host("rs1").namespace());
        namespaces.add(rsNs);
        ServerSocket server = NameServers.start(rsNs, PORT, "rs1");
        closing.add(server);
        director = NetNamespace.enter(lan.host("dir1").namespace());
        namespaces.add(director);
        client = NetNamespace.enter(lan.host("client").namespace());
        namespaces.add(client);
    }

    @AfterEach
    void cleanUp() {
        for (AutoCloseable c : closing.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the namespaces go anyway
            }
        }
        for (NetNamespace ns : namespaces) ns.close();
        if (lan != null) lan.close();
    }

    @Test
    void aPacketConntrackDoesNotKnowIsDroppedNotResetByTheDirectorsStack() throws Exception {
        ServiceKey key = new ServiceKey.Inet(Samples.ip(VIP), PORT, halo.lvs.Protocol.TCP);
        DestinationKey rs1 = new DestinationKey(Samples.ip(lan.host("rs1").ipv4()), PORT);
        IpvsService service = IpvsService.of(key, SchedulingMethod.RR, Set.of(), null).withDestinations(List.of(
                IpvsDestination.of(rs1, ForwardingMethod.NAT, 1)));
        NftablesDataPlane plane = in(director, () -> NftablesDataPlane.open(System::nanoTime));
        closing.add(() -> in(director, () -> {
            plane.close();
            return null;
        }));
        in(director, () -> {
            plane.resync(1, new IpvsSnapshot(List.of(service)));
            // ipvsadm --set 2 0 0: the plane's conntrack timeout policy forgets an idle connection after 2 s
            plane.timeouts(new halo.lvs.IpvsTimeouts(2, 0, 0));
            return null;
        });
        Connection c = connect();
        assertThat(c.ask()).as("the NAT connection's answer").isEqualTo("rs1");
        int clientPort = c.socket.getLocalPort();
        // the director forgets the idle connection (as a new master knows none of the old master's)
        assertThat(halo.testing.Await.until(java.time.Duration.ofSeconds(20),
                () -> !conntrack().contains("sport=" + clientPort + " ")))
                .as("the director's conntrack entry of the client's connection expires").isTrue();
        c.socket.setSoTimeout(2_000);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(c::ask);
        assertThat(thrown).as("the client's request with no conntrack entry on the director: dropped (read timeout),"
                + " not reset").isInstanceOf(java.net.SocketTimeoutException.class);
    }

    private String conntrack() {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", lan.host("dir1").namespace(), "cat",
                    "/proc/net/nf_conntrack").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Connection connect() throws Exception {
        Connection c = NameServers.connect(client, VIP, PORT);
        closing.add(c);
        return c;
    }

    private static <T> T in(NetNamespace ns, Callable<T> work) throws Exception {
        return ns.call(work);
    }
}
