package halo.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TcpProbeTest {

    static ProbeResult probe(InetSocketAddress a, long timeoutMs) throws Exception {
        return new TcpProbe(ConnectOptions.to(a, Duration.ofMillis(timeoutMs))).start().get();
    }

    /**
     * The connect loop started (its native calls linked: over a second on a loaded host), as a daemon's is long before
     * a check is timed: the timings below are the checks'.
     */
    @BeforeAll
    static void startTheConnectLoop() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThat(probe(new InetSocketAddress(s.getInetAddress(), s.getLocalPort()), 5000).success()).isTrue();
        }
    }

    @Test
    void connectsOverIpv4AndIpv6() throws Exception {
        for (String host : new String[] {"127.0.0.1", "::1"}) {
            try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName(host))) {
                InetSocketAddress a = new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
                ProbeResult r = probe(a, 1000);
                assertThat(r.success()).as(host).isTrue();
                assertThat(r.detail()).isEqualTo("TCP connection to [" + host + "]:tcp:" + s.getLocalPort() + " success.");
            }
        }
    }

    @Test
    void refusedFailsAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        ProbeResult r = probe(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).endsWith("failed.");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
    }

    /** A listener whose accept queue is full drops SYNs: the check times out after connect_timeout. */
    @Test
    void unansweredConnectTimesOut() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress a = new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
            List<Socket> fill = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket c = new Socket();
                    try {
                        c.connect(a, 200);
                        fill.add(c);
                    } catch (java.io.IOException e) {
                        c.close();
                        break; // queue full
                    }
                }
                long t0 = System.nanoTime();
                ProbeResult r = probe(a, 400);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(r.success()).isFalse();
                assertThat(r.detail()).endsWith("timedout.");
                assertThat(ms).isBetween(380L, 1500L);
            } finally {
                for (Socket c : fill) c.close();
            }
        }
    }
}
