package halo.lvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.Protocol;
import halo.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TCP relay of the epoll transport (Halo's own epoll loop, {@link NativeTcpConnection}) on loopback: bytes both
 * ways at once, a FIN from the real server, back-pressure from a client that does not read, a real server that never
 * answers, IPv6.
 */
class NativeTcpRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ProxyEngine engine = ProxyEngine.start(Transport.EPOLL, 1, ProxyEngine.daemonThreads(), null);

    @AfterEach
    void close() throws Exception {
        engine.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private static int freePort(String ip) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
            return s.getLocalPort();
        }
    }

    private TestServer server(String ip, TestServer.Handler handler) throws IOException {
        TestServer s = TestServer.listen(new InetSocketAddress(ip, 0), handler);
        closing.add(s);
        return s;
    }

    private ProxyService service(String ip) throws IOException {
        return ProxyService.of(new InetSocketAddress(ip, freePort(ip)), Protocol.TCP);
    }

    private Socket connect(ProxyService service) throws IOException {
        Socket s = new Socket();
        closing.add(s);
        s.setSoTimeout((int) WAIT.toMillis());
        s.connect(service.address(), (int) WAIT.toMillis());
        return s;
    }

    private static byte[] data(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    @Test
    void bytesArriveWholeBothWaysAtOnceAndAreCounted() throws Exception {
        int size = 8 << 20;
        byte[] up = data(1, size);
        byte[] down = data(2, size);
        CompletableFuture<byte[]> serverGot = new CompletableFuture<>();
        TestServer a = server("127.0.0.2", s -> {
            // write while the client writes: neither side waits for the other to finish
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(down);
                    s.shutdownOutput();
                } catch (IOException e) {
                    serverGot.completeExceptionally(e);
                }
            });
            serverGot.complete(s.getInputStream().readAllBytes());
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RecordingBalancer balancer = new RecordingBalancer(List.of(a.address()));
        ProxyService service = service("127.0.0.1");
        engine.add(service, balancer);

        Socket s = connect(service);
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                s.getOutputStream().write(up);
                s.shutdownOutput();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        byte[] received = s.getInputStream().readAllBytes();
        sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(sha256(received)).as("the real server's bytes at the client").isEqualTo(sha256(down));
        assertThat(sha256(serverGot.get(WAIT.toSeconds(), TimeUnit.SECONDS)))
                .as("the client's bytes at the real server").isEqualTo(sha256(up));
        assertThat(Await.until(WAIT, () -> balancer.count("closed") == 1)).as(balancer.events().toString()).isTrue();
        assertThat(balancer.inBytes.get()).isEqualTo(size);
        assertThat(balancer.outBytes.get()).isEqualTo(size);
        assertThat(balancer.inPackets.get()).isPositive();
        assertThat(balancer.outPackets.get()).isPositive();
        assertThat(engine.connections(service.key())).isZero();
    }

    @Test
    void aFinFromTheRealServerIsPassedOnAndTheClientKeepsSending() throws Exception {
        CompletableFuture<String> serverGot = new CompletableFuture<>();
        TestServer a = server("127.0.0.2", s -> {
            s.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            serverGot.complete(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        });
        RecordingBalancer balancer = new RecordingBalancer(List.of(a.address()));
        ProxyService service = service("127.0.0.1");
        engine.add(service, balancer);

        Socket s = connect(service);
        assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                .as("the real server's bytes, then its FIN").isEqualTo("bye\n");
        s.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
        s.shutdownOutput();

        assertThat(serverGot.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("still here");
        assertThat(Await.until(WAIT, () -> balancer.count("closed") == 1)).as(balancer.events().toString()).isTrue();
        assertThat(balancer.events()).containsSubsequence("established " + a.address(),
                "halfClosed " + a.address(), "closed " + a.address());
    }

    @Test
    void aClientThatDoesNotReadHoldsTheRealServerBackAndThenGetsEverything() throws Exception {
        // more than loopback's socket buffers hold (a few MB each way): what does not fit must wait at the server
        int size = 64 << 20;
        byte[] down = data(3, size);
        AtomicLong written = new AtomicLong();
        TestServer a = server("127.0.0.2", s -> {
            OutputStream out = s.getOutputStream();
            for (int off = 0; off < size; off += 65536) {
                out.write(down, off, Math.min(65536, size - off));
                written.addAndGet(Math.min(65536, size - off));
            }
            s.shutdownOutput();
            s.getInputStream().read();
        });
        RecordingBalancer balancer = new RecordingBalancer(List.of(a.address()));
        ProxyService service = service("127.0.0.1");
        engine.add(service, balancer);
        Socket s = connect(service);

        // the client reads nothing: wait until the server's writing stops moving
        long[] last = {-1, System.nanoTime()};
        assertThat(Await.until(WAIT, () -> {
            long now = written.get();
            if (now != last[0]) {
                last[0] = now;
                last[1] = System.nanoTime();
                return false;
            }
            return now > 0 && System.nanoTime() - last[1] > TimeUnit.MILLISECONDS.toNanos(500);
        })).as("the server's writes stall").isTrue();
        assertThat(written.get()).as("the proxy did not take everything the server sent").isLessThan(size);

        InputStream in = s.getInputStream();
        byte[] received = in.readAllBytes();
        assertThat(received.length).isEqualTo(size);
        assertThat(sha256(received)).isEqualTo(sha256(down));
    }

    @Test
    void aRealServerThatNeverAnswersTimesOutAndTheClientIsReset() throws Exception {
        // a listener whose accept queue is full drops new SYNs: a connect to it neither succeeds nor fails
        ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"));
        closing.add(full);
        InetSocketAddress silent = (InetSocketAddress) full.getLocalSocketAddress();
        for (int i = 0; i < 2; i++) {
            Socket filler = new Socket();
            closing.add(filler);
            filler.connect(silent, (int) WAIT.toMillis());
        }
        RecordingBalancer balancer = new RecordingBalancer(List.of(silent));
        ProxyService service = service("127.0.0.1").withConnectTimeout(Duration.ofMillis(300));
        engine.add(service, balancer);
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        ProxyEngine.LOG.addHandler(handler);
        closing.add(() -> ProxyEngine.LOG.removeHandler(handler));

        Socket s = connect(service);
        String seen;
        try {
            seen = s.getInputStream().read() < 0 ? "closed" : "data";
        } catch (SocketException e) {
            seen = "reset";
        }

        assertThat(seen).isEqualTo("reset");
        assertThat(Await.until(WAIT, () -> balancer.count("closed") == 1)).as(balancer.events().toString()).isTrue();
        assertThat(balancer.count("established")).isZero();
        assertThat(engine.connections(service.key())).isZero();
        assertThat(logged).anyMatch(line -> line.contains("to real server " + Endpoints.text(silent)
                + " timed out after 300 ms"));
    }

    @Test
    void anIpv6ServiceRelaysToAnIpv6RealServerWithAProxyV2Header() throws Exception {
        CompletableFuture<byte[]> header = new CompletableFuture<>();
        TestServer a = server("::1", s -> {
            InputStream in = s.getInputStream();
            header.complete(in.readNBytes(16 + ProxyHeader.V2_IPV6_LENGTH));
            TestServer.naming("A").serve(s);
        });
        RecordingBalancer balancer = new RecordingBalancer(List.of(a.address()));
        ProxyService service = service("::1").withProxyProtocol(ProxyProtocol.V2);
        engine.add(service, balancer);

        Socket s = connect(service);
        s.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
        String answer = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();

        assertThat(answer).isEqualTo("A hi");
        byte[] expected = ProxyHeader.encode(ProxyProtocol.V2, (InetSocketAddress) s.getLocalSocketAddress(),
                service.address());
        assertThat(Arrays.equals(header.get(WAIT.toSeconds(), TimeUnit.SECONDS), expected))
                .as("the PROXY v2 header names the client and the service").isTrue();
    }
}
