package halo.lvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.lvs.Protocol;
import halo.os.NetNamespace;
import halo.testing.Await;
import halo.testing.Root;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The proxy in a director namespace between a client namespace and a real servers' namespace:
 * <pre>
 *   client 192.0.2.10 ── 192.0.2.1 director 198.51.100.1 ── 198.51.100.11, .12 real servers
 *                        (VIP 192.0.2.100)                 (default route via the director)
 * </pre>
 * 203.0.113.0/24 is routed by the director to the servers' namespace, which does not forward: a blackhole.
 */
@Tag("root")
class ProxyNetnsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final InetSocketAddress VIP = new InetSocketAddress("192.0.2.100", 80);
    private static final InetSocketAddress A = new InetSocketAddress("198.51.100.11", 8080);
    private static final InetSocketAddress B = new InetSocketAddress("198.51.100.12", 8080);

    private String client;
    private String director;
    private String servers;
    private NetNamespace inClient;
    private NetNamespace inServers;
    private ProxyEngine engine;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void lab() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        client = "halo-px-c-" + suffix;
        director = "halo-px-d-" + suffix;
        servers = "halo-px-s-" + suffix;
        for (String ns : new String[] {client, director, servers}) {
            sh("ip", "netns", "add", ns);
            sh("ip", "-n", ns, "link", "set", "lo", "up");
        }
        sh("ip", "-n", client, "link", "add", "c0", "type", "veth", "peer", "name", "d0", "netns", director);
        sh("ip", "-n", servers, "link", "add", "s0", "type", "veth", "peer", "name", "d1", "netns", director);
        sh("ip", "-n", client, "addr", "add", "192.0.2.10/24", "dev", "c0");
        sh("ip", "-n", director, "addr", "add", "192.0.2.1/24", "dev", "d0");
        sh("ip", "-n", director, "addr", "add", "198.51.100.1/24", "dev", "d1");
        sh("ip", "-n", servers, "addr", "add", "198.51.100.11/24", "dev", "s0");
        sh("ip", "-n", servers, "addr", "add", "198.51.100.12/24", "dev", "s0");
        sh("ip", "-n", client, "link", "set", "c0", "up");
        sh("ip", "-n", director, "link", "set", "d0", "up");
        sh("ip", "-n", director, "link", "set", "d1", "up");
        sh("ip", "-n", servers, "link", "set", "s0", "up");
        sh("ip", "-n", client, "route", "add", "default", "via", "192.0.2.1");
        sh("ip", "-n", servers, "route", "add", "default", "via", "198.51.100.1");
        sh("ip", "-n", director, "route", "add", "203.0.113.0/24", "via", "198.51.100.11");
        sh("ip", "netns", "exec", servers, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0");
        inClient = NetNamespace.enter(client);
        inServers = NetNamespace.enter(servers);
        engine = ProxyEngine.start(Transport.EPOLL, 1, NetNamespace.threadsIn(director),
                NftablesTransparentHost.withDefaults());
    }

    @AfterEach
    void clean() throws Exception {
        if (engine != null) {
            engine.close();
        }
        for (AutoCloseable c : closing) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort: the namespaces go next
            }
        }
        for (NetNamespace ns : new NetNamespace[] {inClient, inServers}) {
            if (ns != null) {
                ns.close();
            }
        }
        for (String ns : new String[] {client, director, servers}) {
            if (ns != null) {
                exec("ip", "netns", "del", ns);
            }
        }
    }

    @Test
    void aListenerMadeBeforeTheVipArrivesServesTheFirstConnectionAndConnectionsSpread() throws Exception {
        server(A, TestServer.naming("A"));
        server(B, TestServer.naming("B"));
        RecordingBalancer balancer = new RecordingBalancer(List.of(A, B));
        engine.add(ProxyService.of(VIP, Protocol.TCP), balancer);   // the VIP is not on the director yet

        sh("ip", "-n", director, "addr", "add", "192.0.2.100/32", "dev", "d0");   // the takeover

        assertThat(exchange(connect(), "first")).isEqualTo("A first");
        assertThat(exchange(connect(), "second")).isEqualTo("B second");
    }

    @Test
    void aRealServerSeesTheClientInAProxyV1Header() throws Exception {
        server(A, readHeaderLine());
        vipOnDirector();
        engine.add(ProxyService.of(VIP, Protocol.TCP).withProxyProtocol(ProxyProtocol.V1),
                new RecordingBalancer(List.of(A)));

        Socket s = connect();

        assertThat(reply(s)).isEqualTo("PROXY TCP4 192.0.2.10 192.0.2.100 " + s.getLocalPort() + " 80");
    }

    @Test
    void aRealServerSeesTheClientInAProxyV2Header() throws Exception {
        server(A, s -> {
            byte[] header = new byte[28];
            new DataInputStream(s.getInputStream()).readFully(header);
            s.getOutputStream().write((HexFormat.of().formatHex(header) + "\n").getBytes());
        });
        vipOnDirector();
        engine.add(ProxyService.of(VIP, Protocol.TCP).withProxyProtocol(ProxyProtocol.V2),
                new RecordingBalancer(List.of(A)));

        Socket s = connect();

        assertThat(reply(s)).isEqualTo("0d0a0d0a000d0a515549540a" + "21" + "11" + "000c"
                + "c000020a" + "c0000264" + "%04x".formatted(s.getLocalPort()) + "0050");
    }

    @Test
    void inTransparentModeTheRealServerSeesTheClientsOwnAddressAndTheSetupGoesAtStop() throws Exception {
        server(A, s -> {
            s.getOutputStream().write((((InetSocketAddress) s.getRemoteSocketAddress()).getAddress()
                    .getHostAddress() + "\n").getBytes());
            s.getInputStream().read();
        });
        vipOnDirector();
        engine.add(ProxyService.of(VIP, Protocol.TCP).withTransparent(true), new RecordingBalancer(List.of(A)));
        assertThat(sh("ip", "netns", "exec", director, "nft", "list", "tables")).contains("inet halo_proxy");
        assertThat(sh("ip", "-n", director, "rule")).contains("lookup 4841");

        assertThat(reply(connect())).isEqualTo("192.0.2.10");

        engine.close();
        assertThat(sh("ip", "netns", "exec", director, "nft", "list", "tables")).doesNotContain("halo_proxy");
        assertThat(sh("ip", "-n", director, "rule")).doesNotContain("4841");
        assertThat(sh("ip", "-n", director, "route", "show", "table", "all")).doesNotContain("table 4841");
    }

    @Test
    void aBlackholingRealServerTimesOutAndTheClientIsReset() throws Exception {
        InetSocketAddress blackhole = new InetSocketAddress("203.0.113.5", 80);
        RecordingBalancer balancer = new RecordingBalancer(List.of(blackhole));
        vipOnDirector();
        engine.add(ProxyService.of(VIP, Protocol.TCP).withConnectTimeout(Duration.ofMillis(500)), balancer);

        long start = System.nanoTime();
        Socket s = connect();

        assertThat(endSeen(s)).isEqualTo("reset");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(400);
        assertThat(Await.until(WAIT, () -> balancer.count("closed") == 1)).isTrue();
        assertThat(balancer.count("established")).isZero();
    }

    @Test
    void aDnsLikeUdpServiceAnswersFromTheVip() throws Exception {
        InetSocketAddress dns = new InetSocketAddress("198.51.100.11", 53);
        DatagramSocket server = inServers.call(() -> new DatagramSocket(dns));
        closing.add(server);
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[512];
            while (!server.isClosed()) {
                try {
                    DatagramPacket q = new DatagramPacket(buf, buf.length);
                    server.receive(q);
                    String a = "answer to " + new String(q.getData(), 0, q.getLength(), StandardCharsets.US_ASCII)
                            + " for " + ((InetSocketAddress) q.getSocketAddress()).getAddress().getHostAddress();
                    byte[] bytes = a.getBytes(StandardCharsets.US_ASCII);
                    server.send(new DatagramPacket(bytes, bytes.length, q.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        vipOnDirector();
        InetSocketAddress service = new InetSocketAddress("192.0.2.100", 53);
        engine.add(ProxyService.of(service, Protocol.UDP), new RecordingBalancer(List.of(dns)));
        DatagramSocket c = inClient.call(() -> new DatagramSocket(new InetSocketAddress("192.0.2.10", 0)));
        closing.add(c);
        c.setSoTimeout((int) WAIT.toMillis());

        byte[] q = "example.org A".getBytes(StandardCharsets.US_ASCII);
        c.send(new DatagramPacket(q, q.length, service));
        byte[] buf = new byte[512];
        DatagramPacket answer = new DatagramPacket(buf, buf.length);
        c.receive(answer);

        assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII))
                .isEqualTo("answer to example.org A for 198.51.100.1");
        assertThat(answer.getSocketAddress()).isEqualTo(service);
    }

    @Test
    void inTransparentModeAUdpRealServerSeesTheClientsAddress() throws Exception {
        InetSocketAddress dns = new InetSocketAddress("198.51.100.11", 53);
        DatagramSocket server = inServers.call(() -> new DatagramSocket(dns));
        closing.add(server);
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[512];
            try {
                DatagramPacket q = new DatagramPacket(buf, buf.length);
                server.receive(q);
                byte[] a = ("from " + q.getSocketAddress()).getBytes(StandardCharsets.US_ASCII);
                server.send(new DatagramPacket(a, a.length, q.getSocketAddress()));
            } catch (IOException e) {
                // the test fails on its own timeout
            }
        });
        vipOnDirector();
        InetSocketAddress service = new InetSocketAddress("192.0.2.100", 53);
        engine.add(ProxyService.of(service, Protocol.UDP).withTransparent(true), new RecordingBalancer(List.of(dns)));
        DatagramSocket c = inClient.call(() -> new DatagramSocket(new InetSocketAddress("192.0.2.10", 0)));
        closing.add(c);
        c.setSoTimeout((int) WAIT.toMillis());

        c.send(new DatagramPacket(new byte[] {1}, 1, service));
        byte[] buf = new byte[512];
        DatagramPacket answer = new DatagramPacket(buf, buf.length);
        c.receive(answer);

        assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII))
                .isEqualTo("from /192.0.2.10:" + c.getLocalPort());
        assertThat(answer.getSocketAddress()).isEqualTo(service);
    }

    private void vipOnDirector() {
        sh("ip", "-n", director, "addr", "add", "192.0.2.100/32", "dev", "d0");
    }

    private void server(InetSocketAddress at, TestServer.Handler handler) throws Exception {
        closing.add(inServers.call(() -> TestServer.listen(at, handler)));
    }

    /** Reads the PROXY v1 line and sends it back without its CRLF. */
    private static TestServer.Handler readHeaderLine() {
        return s -> {
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        };
    }

    private Socket connect() throws Exception {
        Socket s = inClient.call(() -> {
            Socket c = new Socket();
            c.setSoTimeout((int) WAIT.toMillis());
            c.connect(VIP, (int) WAIT.toMillis());
            return c;
        });
        closing.add(s);
        return s;
    }

    private static String exchange(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        return reply(s);
    }

    private static String reply(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    private static String endSeen(Socket s) {
        try {
            int b = s.getInputStream().read();
            return b < 0 ? "closed" : "data " + b;
        } catch (SocketException e) {
            return "reset";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Runs COMMAND; its output; fails the test when it fails. */
    private static String sh(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": no answer in 20 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void exec(String... command) {
        try {
            sh(command);
        } catch (IllegalStateException e) {
            // cleanup: already gone
        }
    }
}
