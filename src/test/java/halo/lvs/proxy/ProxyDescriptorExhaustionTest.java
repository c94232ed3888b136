package halo.lvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptor exhaustion (EMFILE): the proxy, in a process of its own with a low descriptor limit, logs it, keeps
 * serving the connections it has, refuses or delays the rest, and serves new ones once descriptors are free again.
 */
class ProxyDescriptorExhaustionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Descriptors for the proxy's JVM: its own (jars, epoll, pipes) plus room for a few proxied connections. */
    private static final int LIMIT = 120;

    @TempDir
    Path dir;

    @Test
    void runningOutOfDescriptorsIsLoggedAndServingResumesWhenTheyAreBack() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (TestServer server = TestServer.listen(new InetSocketAddress("127.0.0.2", 0), TestServer.naming("A"))) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                port = s.getLocalPort();
            }
            Path log = dir.resolve("proxy.log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process proxy = new ProcessBuilder("sh", "-c", "ulimit -n " + LIMIT + " && exec \"$@\"", "sh", java,
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx64m",
                    "-cp", System.getProperty("java.class.path"), ProxyProcessMain.class.getName(),
                    Integer.toString(port), server.address().getAddress().getHostAddress(),
                    Integer.toString(server.address().getPort()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertThat(Await.until(WAIT, () -> Files.readString(log).contains("ready")))
                        .as(() -> read(log)).isTrue();
                InetSocketAddress service = new InetSocketAddress("127.0.0.1", port);
                Socket first = connect(service);
                clients.add(first);
                assertThat(exchange(first, "first")).isEqualTo("A first");

                // more connections than the proxy has descriptors for (the kernel queues them in the backlog)
                for (int i = 0; i < LIMIT; i++) {
                    clients.add(connect(service));
                }
                assertThat(Await.until(WAIT, () -> read(log).contains("Too many open files")))
                        .as(() -> read(log)).isTrue();
                assertThat(exchange(first, "still")).as("an open connection keeps working").isEqualTo("A still");
                assertThat(proxy.isAlive()).isTrue();

                for (Socket c : clients.subList(1, clients.size())) {
                    c.close();
                }
                Socket late = connect(service);
                clients.add(late);
                assertThat(exchange(late, "late")).as(() -> read(log)).isEqualTo("A late");
            } finally {
                proxy.getOutputStream().close();
                if (!proxy.waitFor(10, TimeUnit.SECONDS)) {
                    proxy.destroyForcibly();
                }
            }
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Socket connect(InetSocketAddress service) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout((int) WAIT.toMillis());
        s.connect(service, (int) WAIT.toMillis());
        return s;
    }

    private static String exchange(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
}
