package halo.check;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CheckerEngineTest {

    final RecordingListener listener = new RecordingListener();
    final CheckerEngine engine = new CheckerEngine(listener, new SplittableRandom(1), Duration.ZERO);
    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        engine.close();
        for (AutoCloseable c : closeables) c.close();
    }

    static CheckTiming timing(long loopMs, long timeoutMs, int retry, long dbrMs, boolean alpha) {
        return new CheckTiming(Duration.ofMillis(loopMs), Duration.ofMillis(timeoutMs), retry,
                Duration.ofMillis(dbrMs), Duration.ZERO, alpha);
    }

    /** A TCP listener that accepts and closes, and can be stopped and restarted on the same port. */
    static final class Listener implements AutoCloseable {
        final InetAddress address;
        int port;
        ServerSocket socket;
        Thread acceptor;

        Listener(InetAddress address) throws IOException, InterruptedException {
            this.address = address;
            start();
        }

        void start() throws IOException, InterruptedException {
            for (int attempt = 0; ; attempt++) {
                socket = new ServerSocket();
                socket.setReuseAddress(true);
                try {
                    // a backlog above the 500 checkers of manyCheckersRunConcurrently: the kernel completes their
                    // connects whatever the accepting thread's pace on a loaded machine (a full backlog drops SYNs, and
                    // the retransmission comes after the 1 s connect timeout)
                    socket.bind(new InetSocketAddress(address, port), 1024);
                    break;
                } catch (java.net.BindException e) {
                    socket.close();
                    if (attempt >= 40) throw e;
                    Thread.sleep(50); // the previous listener's close completes when its accept() returns
                }
            }
            port = socket.getLocalPort();
            ServerSocket s = socket;
            acceptor = Thread.ofVirtual().start(() -> {
                while (!s.isClosed()) {
                    try (Socket c = s.accept()) {
                        c.getInputStream(); // accept and close
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        void stop() throws IOException, InterruptedException {
            socket.close();
            acceptor.join(2000); // the listening socket is released once accept() returns
        }

        InetSocketAddress address() {
            return new InetSocketAddress(address, port);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void tcpCheckGoesDownWithinTheBoundAndComesBack() throws Exception {
        Listener l = new Listener(InetAddress.getLoopbackAddress());
        closeables.add(l);
        CheckTiming t = timing(300, 200, 2, 100, true);
        RunningChecker c = engine.add(CheckerSpec.tcp("rs1", t, ConnectOptions.to(l.address(), t.connectTimeout())));
        assertThat(c.isUp()).isFalse(); // alpha
        assertThat(listener.awaitState(c, true, 3000)).isNotNull();
        assertThat(c.isUp()).isTrue();

        long died = System.nanoTime();
        l.stop();
        RecordingListener.Event down = listener.awaitState(c, false, 5000);
        assertThat(down).isNotNull();
        assertThat(down.reason()).startsWith("TCP_CHECK on service [127.0.0.1]:tcp:" + l.port + " failed after 2 retries.");
        long ms = (down.nanos() - died) / 1_000_000;
        long bound = 200 * 3 + 100 * 2 + 300;
        // Slack for thread scheduling on a loaded 2-core CI host; the rule itself is checked exactly in
        // StandardCheckerLogicTest.downIsDeclaredWithinTheDocumentedBound.
        assertThat(ms).isLessThanOrEqualTo(bound + 400);
        // Refused connections fail at once: 3 failures spaced by 100 ms take at least 200 ms.
        assertThat(ms).isGreaterThanOrEqualTo(200);

        l.start();
        assertThat(listener.awaitState(c, true, 3000)).isNotNull();
    }

    @Test
    void httpRetriesAreCountedOnTheServerAndDownComesAfterRetryPlusOne() throws Exception {
        TestWebServer web = new TestWebServer(InetAddress.getLoopbackAddress());
        closeables.add(web);
        CheckTiming t = timing(200, 500, 3, 50, false);
        ConnectOptions co = ConnectOptions.to(web.address(), t.connectTimeout());
        HttpProbe http = new HttpProbe(co, false, HttpProtocol.HTTP_1_0, Optional.empty(), false,
                List.of(HttpUrl.of("/health")));
        RunningChecker c = engine.add(CheckerSpec.http("rs", t, http, false, false, co));
        waitProbes(c, 2);
        assertThat(c.isUp()).isTrue();
        // Started up, stayed up: one first verdict (UP), nothing else.
        assertThat(listener.events).singleElement().extracting(RecordingListener.Event::up).isEqualTo(true);
        assertThat(listener.awaitState(c, true, 10)).isNotNull();

        web.respond(TestWebServer.response(503, "Service Unavailable", "busy"));
        int before = web.requests.size();
        RecordingListener.Event down = listener.awaitState(c, false, 5000);
        assertThat(down).isNotNull();
        int failing = web.requests.size() - before;
        // The probe in flight when the answer changed may have been answered 200 already.
        assertThat(failing).isBetween(4, 5);
        assertThat(down.reason()).contains("HTTP status code error");

        web.respond(TestWebServer.ok("fine"));
        assertThat(listener.awaitState(c, true, 3000)).isNotNull();
    }

    @Test
    void aHungServerDoesNotDelayOtherCheckers() throws Exception {
        TestWebServer hung = new TestWebServer(InetAddress.getLoopbackAddress());
        TestWebServer fast = new TestWebServer(InetAddress.getLoopbackAddress());
        closeables.add(hung);
        closeables.add(fast);
        hung.mode(TestWebServer.Mode.HANG);
        // The hung probe gives up after 30 s: far longer than ten quick probes take even on a loaded machine.
        CheckTiming slow = timing(100, 30_000, 0, 100, false);
        CheckTiming quick = timing(50, 500, 0, 50, false);
        ConnectOptions hco = ConnectOptions.to(hung.address(), slow.connectTimeout());
        ConnectOptions fco = ConnectOptions.to(fast.address(), quick.connectTimeout());
        RunningChecker h = engine.add(CheckerSpec.http("hung", slow, new HttpProbe(hco, false, HttpProtocol.HTTP_1_0,
                Optional.empty(), false, List.of(HttpUrl.of("/"))), false, false, hco));
        RunningChecker f = engine.add(CheckerSpec.http("fast", quick, new HttpProbe(fco, false, HttpProtocol.HTTP_1_0,
                Optional.empty(), false, List.of(HttpUrl.of("/"))), false, false, fco));
        assertThat(Await.until(Duration.ofSeconds(10), () -> hung.requests.size() == 1)).isTrue();
        long before = f.probes();
        assertThat(Await.until(Duration.ofSeconds(10), () -> f.probes() >= before + 10)).isTrue();
        // Ten probes of the other checker completed while the hung probe was still waiting for its answer.
        assertThat(h.probes()).isZero();
        assertThat(f.isUp()).isTrue();
    }

    @Test
    void manyCheckersRunConcurrently() throws Exception {
        Listener l = new Listener(InetAddress.getLoopbackAddress());
        closeables.add(l);
        CheckTiming t = timing(200, 1000, 0, 100, true);
        List<RunningChecker> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            all.add(engine.add(CheckerSpec.tcp("rs" + i, t, ConnectOptions.to(l.address(), t.connectTimeout()))));
        }
        Await.until(Duration.ofSeconds(10), () -> all.stream().allMatch(RunningChecker::isUp));
        assertThat(all).allMatch(RunningChecker::isUp);
        l.stop();
        Await.until(Duration.ofSeconds(10), () -> all.stream().noneMatch(RunningChecker::isUp));
        assertThat(all).noneMatch(RunningChecker::isUp);
    }

    /**
     * A second checker on its own server, probed at the same pace on the same timer: its probes are the clock that
     * shows time has passed in which a still-scheduled checker would have been probed too.
     */
    RunningChecker sentinel(CheckTiming t) throws IOException {
        TestWebServer web = new TestWebServer(InetAddress.getLoopbackAddress());
        closeables.add(web);
        ConnectOptions co = ConnectOptions.to(web.address(), t.connectTimeout());
        return engine.add(CheckerSpec.http("sentinel", t, new HttpProbe(co, false, HttpProtocol.HTTP_1_0,
                Optional.empty(), false, List.of(HttpUrl.of("/"))), false, false, co));
    }

    @Test
    void removedCheckerStopsProbing() throws Exception {
        TestWebServer web = new TestWebServer(InetAddress.getLoopbackAddress());
        closeables.add(web);
        CheckTiming t = timing(50, 500, 0, 50, false);
        ConnectOptions co = ConnectOptions.to(web.address(), t.connectTimeout());
        RunningChecker c = engine.add(CheckerSpec.http("rs", t, new HttpProbe(co, false, HttpProtocol.HTTP_1_0,
                Optional.empty(), false, List.of(HttpUrl.of("/"))), false, false, co));
        RunningChecker sentinel = sentinel(t);
        waitProbes(c, 2);
        engine.remove(c);
        int n = web.requests.size();
        long seen = sentinel.probes();
        waitProbes(sentinel, seen + 6);
        // A probe already on its way when it was removed may still arrive; none is started after.
        assertThat(web.requests.size()).isBetween(n, n + 1);
    }

    @Test
    void aDisabledCheckerIsNotProbedAndKeepsItsState() throws Exception {
        TestWebServer web = new TestWebServer(InetAddress.getLoopbackAddress());
        closeables.add(web);
        CheckTiming t = timing(50, 500, 0, 50, false);
        ConnectOptions co = ConnectOptions.to(web.address(), t.connectTimeout());
        RunningChecker c = engine.add(CheckerSpec.http("rs", t, new HttpProbe(co, false, HttpProtocol.HTTP_1_0,
                Optional.empty(), false, List.of(HttpUrl.of("/"))), false, false, co));
        RunningChecker sentinel = sentinel(t);
        waitProbes(c, 2);
        engine.setEnabled(c, false);
        // A probe started before it was disabled completes (and counts); no probe starts after.
        assertThat(Await.until(Duration.ofSeconds(5), () -> {
            synchronized (c) {
                return c.running == null;
            }
        })).isTrue();
        long n = c.probes();
        web.respond(TestWebServer.response(500, "Error", "x"));
        waitProbes(sentinel, sentinel.probes() + 6);
        assertThat(c.probes()).isEqualTo(n);
        assertThat(c.isUp()).isTrue();
        engine.setEnabled(c, true);
        assertThat(listener.awaitState(c, false, 3000)).isNotNull();
    }

    static void waitProbes(RunningChecker c, long n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (c.probes() < n && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(c.probes()).isGreaterThanOrEqualTo(n);
    }
}
