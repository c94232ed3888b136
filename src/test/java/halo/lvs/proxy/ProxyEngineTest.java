package halo.lvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import halo.lvs.Protocol;
import halo.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine on loopback (no root needed): forwarding, refusals, half close, timeouts, limits, UDP flows. */
class ProxyEngineTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ProxyEngine engine = ProxyEngine.start(2, null);

    @AfterEach
    void close() throws Exception {
        engine.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private TestServer server(String ip, TestServer.Handler handler) throws IOException {
        TestServer s = TestServer.listen(new InetSocketAddress(ip, 0), handler);
        closing.add(s);
        return s;
    }

    private ProxyService tcpService() throws IOException {
        return ProxyService.of(new InetSocketAddress("127.0.0.1", freePort()), Protocol.TCP);
    }

    private Socket connect(ProxyService service) throws IOException {
        Socket s = new Socket();
        closing.add(s);
        s.setSoTimeout((int) WAIT.toMillis());
        s.connect(service.address(), (int) WAIT.toMillis());
        return s;
    }

    private static String exchange(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    /** What a client the proxy refuses sees: the reset may come before connect() has returned. */
    private String refusal(ProxyService service) throws IOException {
        Socket s;
        try {
            s = connect(service);
        } catch (SocketException e) {
            return "reset";
        }
        return endSeen(s);
    }

    /** What a client sees when the proxy drops it: a reset, or the end of the stream. */
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

    @Test
    void connectionsSpreadOverTheRealServersTheBalancerPicks() throws Exception {
        TestServer a = server("127.0.0.2", TestServer.naming("A"));
        TestServer b = server("127.0.0.3", TestServer.naming("B"));
        RecordingBalancer balancer = new RecordingBalancer(List.of(a.address(), b.address()));
        ProxyService service = tcpService();
        engine.add(service, balancer);

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (Socket s = connect(service)) {
                answers.add(exchange(s, "hi"));
            }
        }

        assertThat(answers).containsExactly("A hi", "B hi", "A hi", "B hi");
        assertThat(Await.until(WAIT, () -> balancer.count("closed") == 4)).as(balancer.events().toString()).isTrue();
        assertThat(balancer.count("established")).isEqualTo(4);
        assertThat(balancer.inBytes.get()).isEqualTo(4 * "hi\n".length());
        assertThat(balancer.outBytes.get()).isEqualTo(4 * "A hi\n".length());
        assertThat(balancer.inPackets.get()).isGreaterThanOrEqualTo(4);
        assertThat(balancer.callsFromTwoThreads).as("a service's balancer is called from one thread").isFalse();
        assertThat(Await.until(WAIT, () -> engine.connections(service.key()) == 0)).isTrue();
    }

    @Test
    void noDestinationResetsTheClientAtOnce() throws Exception {
        RecordingBalancer balancer = new RecordingBalancer(List.of());
        ProxyService service = tcpService();
        engine.add(service, balancer);

        assertThat(refusal(service)).isEqualTo("reset");
        assertThat(balancer.events()).containsExactly("refused TCP");
    }

    @Test
    void aRealServerThatRefusesResetsTheClient() throws Exception {
        InetSocketAddress nobody = new InetSocketAddress("127.0.0.2", freePort());
        RecordingBalancer balancer = new RecordingBalancer(List.of(nobody));
        ProxyService service = tcpService();
        engine.add(service, balancer);

        assertThat(refusal(service)).isEqualTo("reset");
        assertThat(Await.until(WAIT, () -> balancer.count("closed") == 1)).isTrue();
        assertThat(balancer.count("established")).isZero();
    }

    @Test
    void aFinIsPassedOnAndTheOtherDirectionKeepsWorking() throws Exception {
        // the real server reads to the end (the client's FIN), then answers and closes
        TestServer a = server("127.0.0.2", s -> {
            byte[] all = s.getInputStream().readAllBytes();
            s.getOutputStream().write(("got " + all.length + "\n").getBytes());
        });
        RecordingBalancer balancer = new RecordingBalancer(List.of(a.address()));
        ProxyService service = tcpService();
        engine.add(service, balancer);

        Socket s = connect(service);
        s.getOutputStream().write("hello".getBytes());
        s.shutdownOutput();

        assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("got 5\n");
        assertThat(Await.until(WAIT, () -> balancer.count("closed") == 1)).isTrue();
        assertThat(balancer.events()).containsSubsequence("established " + a.address(),
                "halfClosed " + a.address(), "closed " + a.address());
    }

    @Test
    void aSilentClientIsClosedAfterTheIdleTimeoutEvenWhenItIsShortenedLater() throws Exception {
        TestServer a = server("127.0.0.2", TestServer.naming("A"));
        RecordingBalancer balancer = new RecordingBalancer(List.of(a.address()));
        ProxyService service = tcpService();
        engine.add(service, balancer);
        Socket s = connect(service);
        assertThat(exchange(s, "hi")).isEqualTo("A hi");

        // IPVS's 900 s would outlast the test: the new timeout applies to the running connection
        engine.timeouts(new ProxyTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)));

        assertThat(endSeen(s)).isEqualTo("closed");
        assertThat(Await.until(WAIT, () -> balancer.count("closed") == 1)).isTrue();
    }

    @Test
    void theConnectionLimitRefusesNewConnectionsWhileTheOpenOnesWork() throws Exception {
        TestServer a = server("127.0.0.2", TestServer.naming("A"));
        RecordingBalancer balancer = new RecordingBalancer(List.of(a.address()));
        ProxyService service = tcpService().withMaxConnections(1);
        engine.add(service, balancer);

        Socket first = connect(service);
        assertThat(exchange(first, "one")).isEqualTo("A one");
        assertThat(refusal(service)).isEqualTo("reset");
        assertThat(exchange(first, "two")).isEqualTo("A two");
        first.close();
        assertThat(Await.until(WAIT, () -> engine.connections(service.key()) == 0)).isTrue();
        try (Socket third = connect(service)) {
            assertThat(exchange(third, "three")).isEqualTo("A three");
        }
    }

    @Test
    void closingTheConnectionsOfARemovedRealServerResetsThemAndSparesTheOthers() throws Exception {
        TestServer a = server("127.0.0.2", TestServer.naming("A"));
        TestServer b = server("127.0.0.3", TestServer.naming("B"));
        RecordingBalancer balancer = new RecordingBalancer(List.of(a.address(), b.address()));
        ProxyService service = tcpService();
        engine.add(service, balancer);
        Socket toA = connect(service);
        assertThat(exchange(toA, "x")).isEqualTo("A x");
        Socket toB = connect(service);
        assertThat(exchange(toB, "x")).isEqualTo("B x");

        assertThat(engine.closeConnectionsTo(service.key(), a.address())).isEqualTo(1);

        assertThat(endSeen(toA)).isIn("reset", "closed");
        assertThat(exchange(toB, "y")).isEqualTo("B y");
    }

    @Test
    void anUpdateAppliesToNewConnectionsAndARemovedServiceLetsItsConnectionsFinish() throws Exception {
        // the real server answers each connection's first line: a PROXY header when one is sent
        TestServer a = server("127.0.0.2", s -> {
            String first = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            s.getOutputStream().write((first + "\n").getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().read();
        });
        RecordingBalancer balancer = new RecordingBalancer(List.of(a.address()));
        ProxyService service = tcpService();
        engine.add(service, balancer);
        Socket before = connect(service);
        before.getOutputStream().write("plain\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new BufferedReader(new InputStreamReader(before.getInputStream())).readLine()).isEqualTo("plain");

        engine.update(service.withProxyProtocol(ProxyProtocol.V1));
        Socket after = connect(service);

        assertThat(new BufferedReader(new InputStreamReader(after.getInputStream())).readLine())
                .isEqualTo("PROXY TCP4 127.0.0.1 127.0.0.1 " + after.getLocalPort() + " " + service.address().getPort());

        engine.remove(service.key());
        assertThat(refusal(service)).isEqualTo("reset");   // nothing listens any more
        before.getOutputStream().write("x".getBytes());
        before.shutdownOutput();
        assertThat(before.getInputStream().read()).as("the established connection still ends cleanly").isEqualTo(-1);
        after.close();
        assertThat(Await.until(WAIT, () -> balancer.count("closed") == 2)).as(balancer.events().toString()).isTrue();
    }

    @Test
    void bulkDataArrivesWholeBothWays() throws Exception {
        // an echo server: the proxy must hold back the fast side (back-pressure) without losing a byte
        TestServer a = server("127.0.0.2", s -> s.getInputStream().transferTo(s.getOutputStream()));
        RecordingBalancer balancer = new RecordingBalancer(List.of(a.address()));
        ProxyService service = tcpService();
        engine.add(service, balancer);
        Socket s = connect(service);
        byte[] data = new byte[8 << 20];
        new Random(1).nextBytes(data);

        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = s.getOutputStream();
                out.write(data);
                s.shutdownOutput();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        InputStream in = s.getInputStream();
        byte[] echoed = in.readAllBytes();
        writer.join(WAIT.toMillis());

        assertThat(echoed.length).isEqualTo(data.length);
        assertThat(MessageDigest.getInstance("SHA-256").digest(echoed))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        assertThat(Await.until(WAIT, () -> balancer.inBytes.get() == data.length
                && balancer.outBytes.get() == data.length)).isTrue();
    }

    @Test
    void udpFlowsKeepTheirRealServerAndRepliesComeFromTheService() throws Exception {
        DatagramSocket a = udpServer("127.0.0.2", "A");
        DatagramSocket b = udpServer("127.0.0.3", "B");
        RecordingBalancer balancer = new RecordingBalancer(List.of(
                (InetSocketAddress) a.getLocalSocketAddress(), (InetSocketAddress) b.getLocalSocketAddress()));
        ProxyService service = ProxyService.of(new InetSocketAddress("127.0.0.1", freeUdpPort()), Protocol.UDP);
        engine.add(service, balancer);
        DatagramSocket client1 = udpClient();
        DatagramSocket client2 = udpClient();

        assertThat(ask(client1, service, "q1")).isEqualTo("A q1 from " + service.address());
        assertThat(ask(client2, service, "q2")).isEqualTo("B q2 from " + service.address());
        assertThat(ask(client1, service, "q3")).isEqualTo("A q3 from " + service.address());
        assertThat(engine.connections(service.key())).isEqualTo(2);

        engine.timeouts(new ProxyTimeouts(Duration.ofSeconds(900), Duration.ofSeconds(120), Duration.ofSeconds(1)));
        assertThat(Await.until(WAIT, () -> engine.connections(service.key()) == 0)).isTrue();
        assertThat(balancer.count("closed")).isEqualTo(2);
        assertThat(balancer.inPackets.get()).isEqualTo(3);
        assertThat(balancer.outPackets.get()).isEqualTo(3);
    }

    @Test
    void udpWithoutDestinationDropsTheDatagram() throws Exception {
        RecordingBalancer balancer = new RecordingBalancer(List.of());
        ProxyService service = ProxyService.of(new InetSocketAddress("127.0.0.1", freeUdpPort()), Protocol.UDP);
        engine.add(service, balancer);
        DatagramSocket client = udpClient();
        client.setSoTimeout(500);

        assertThatThrownBy(() -> ask(client, service, "q")).isInstanceOf(java.net.SocketTimeoutException.class);
        assertThat(balancer.events()).containsExactly("refused UDP");
    }

    @Test
    void aSecondServiceOnTheSameAddressIsRefusedWithTheReason() throws Exception {
        ProxyService service = tcpService();
        engine.add(service, new RecordingBalancer(List.of()));
        try (ProxyEngine other = ProxyEngine.start(1, null)) {
            assertThatThrownBy(() -> other.add(service, new RecordingBalancer(List.of())))
                    .isInstanceOf(IOException.class).hasMessageContaining("cannot listen");
        }
    }

    private DatagramSocket udpServer(String ip, String name) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, 0));
        closing.add(s);
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[1500];
            while (!s.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    byte[] answer = (name + " " + new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII))
                            .getBytes(StandardCharsets.US_ASCII);
                    s.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return s;
    }

    private DatagramSocket udpClient() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.setSoTimeout((int) WAIT.toMillis());
        closing.add(s);
        return s;
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    /** Sends QUESTION to the service; the answer and where it came from. */
    private static String ask(DatagramSocket client, ProxyService service, String question) throws IOException {
        byte[] q = question.getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(q, q.length, service.address()));
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        client.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII) + " from " + p.getSocketAddress();
    }
}
