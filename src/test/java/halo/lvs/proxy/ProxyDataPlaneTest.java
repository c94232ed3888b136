package halo.lvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import halo.config.ProxySettings;
import halo.lvs.Action;
import halo.lvs.DataPlaneException;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.IpvsTimeouts;
import halo.lvs.Persistence;
import halo.lvs.PlaneCounters;
import halo.lvs.Protocol;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceKey;
import halo.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The userspace data plane as the daemon drives it (table changes in batches, resyncs, counters, timeouts, the
 * connection listing), on loopback with real listeners.
 */
class ProxyDataPlaneTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final Map<ServiceKey, ProxySettings> settings = new HashMap<>();
    private final ProxyDataPlane plane = new ProxyDataPlane(ProxyEngine.start(1, null),
            key -> settings.getOrDefault(key, ProxySettings.DEFAULT), System::nanoTime);

    @AfterEach
    void close() throws Exception {
        plane.close();
        for (AutoCloseable c : closing) c.close();
    }

    private TestServer server(String name) throws IOException {
        TestServer s = TestServer.listen(new InetSocketAddress(LOOPBACK, 0), TestServer.naming(name));
        closing.add(s);
        return s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    private static IpvsDestination nat(TestServer s, int weight) {
        return IpvsDestination.of(new DestinationKey(s.address().getAddress(), s.address().getPort()),
                ForwardingMethod.NAT, weight);
    }

    /** One line through a new connection to the service: the real server's answer. */
    private static String ask(ServiceKey.Inet service, String line) throws IOException {
        try (Socket s = new Socket(service.address(), service.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void batchesServeByWeightAndCountWhatTheyCarry() throws Exception {
        TestServer a = server("a");
        TestServer b = server("b");
        ServiceKey.Inet key = new ServiceKey.Inet(LOOPBACK, freePort(), Protocol.TCP);
        IpvsService web = IpvsService.of(key, SchedulingMethod.WRR, Set.of(), null);
        plane.apply(1, List.of(new Action.AddService(web), new Action.AddDestination(key, nat(a, 3)),
                new Action.AddDestination(key, nat(b, 1))));
        assertThat(plane.generation()).isEqualTo(1);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            seen.merge(ask(key, "hello").split(" ")[0], 1, Integer::sum);
        }
        assertThat(seen).isEqualTo(Map.of("a", 6, "b", 2));
        // the counters come from the estimator's 2 s samples, each counter on its own phase (as in the kernel): the
        // totals show once a sample has been taken
        DestinationKey aKey = nat(a, 3).key();
        assertThat(Await.until(Duration.ofSeconds(10), () -> {
            PlaneCounters.ServiceCounters now = plane.counters().services().get(key);
            return now.stats().connections() == 8 && now.destinations().get(aKey).stats().connections() == 6;
        })).as("counters: %s", plane.counters()).isTrue();
        PlaneCounters.ServiceCounters c = plane.counters().services().get(key);
        assertThat(c.stats().inBytes()).isEqualTo(8 * "hello\n".length());

        // weight 0 quiesces: new connections all go to b
        plane.apply(2, List.of(new Action.EditDestination(key, nat(a, 0))));
        assertThat(ask(key, "x")).startsWith("b ");
        assertThat(ask(key, "x")).startsWith("b ");
    }

    @Test
    void persistenceIsListedAsIpvsadmListsItsTemplates() throws Exception {
        TestServer a = server("a");
        ServiceKey.Inet key = new ServiceKey.Inet(LOOPBACK, freePort(), Protocol.TCP);
        IpvsService web = IpvsService.of(key, SchedulingMethod.RR, Set.of(), new Persistence(300, 0xffffffff));
        plane.apply(1, List.of(new Action.AddService(web), new Action.AddDestination(key, nat(a, 1))));
        assertThat(ask(key, "one")).isEqualTo("a one");
        String listing = plane.connectionListing(true, false);
        assertThat(listing).startsWith("IPVS connection entries\n"
                        + "pro expire state       source             virtual            destination\n")
                .containsPattern("(?m)^TCP 0[45]:[0-9]{2}  ASSURED     127\\.0\\.0\\.1:0 +127\\.0\\.0\\.1:" + key.port()
                        + " +127\\.0\\.0\\.1:" + a.address().getPort() + "$");
    }

    @Test
    void whatThePlaneCannotCarryFailsTheBatchAndAResyncLeavesWhatItCan() throws Exception {
        TestServer a = server("a");
        ServiceKey.Inet key = new ServiceKey.Inet(LOOPBACK, freePort(), Protocol.TCP);
        IpvsService web = IpvsService.of(key, SchedulingMethod.RR, Set.of(), null);
        IpvsDestination routed = new IpvsDestination(nat(a, 1).key(), ForwardingMethod.DR, null, 1, 0, 0, null, null,
                null);
        assertThatThrownBy(() -> plane.apply(1, List.of(new Action.AddService(web),
                new Action.AddDestination(key, routed))))
                .isInstanceOf(DataPlaneException.class)
                .hasMessageContaining("DR forwarding is not supported by the proxy data plane");
        assertThat(plane.generation()).isZero();
        // the table says: the service with a NAT server, and another service to drop: after the resync only it
        plane.resync(2, new IpvsSnapshot(List.of(web.withDestinations(List.of(nat(a, 1))))));
        assertThat(plane.generation()).isEqualTo(2);
        assertThat(ask(key, "again")).isEqualTo("a again");
        plane.resync(3, new IpvsSnapshot(List.of()));
        assertThat(plane.counters().services()).isEmpty();
    }

    @Test
    void proxyProtocolFromTheServicesSettings() throws Exception {
        List<String> firstLines = new java.util.concurrent.CopyOnWriteArrayList<>();
        TestServer a = TestServer.listen(new InetSocketAddress(LOOPBACK, 0), s -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            firstLines.add(in.readLine());
            String line = in.readLine();
            s.getOutputStream().write(("a " + line + "\n").getBytes(StandardCharsets.US_ASCII));
        });
        closing.add(a);
        ServiceKey.Inet key = new ServiceKey.Inet(LOOPBACK, freePort(), Protocol.TCP);
        settings.put(key, new ProxySettings(ProxySettings.ProxyHeader.V1, false, 0));
        plane.apply(1, List.of(new Action.AddService(IpvsService.of(key, SchedulingMethod.RR, Set.of(), null)),
                new Action.AddDestination(key, nat(a, 1))));
        assertThat(ask(key, "hi")).isEqualTo("a hi");
        assertThat(firstLines).singleElement().asString()
                .matches("PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 [0-9]+ " + key.port());
    }

    @Test
    void anIpv6ServiceToAnIpv6RealServer() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        TestServer a = TestServer.listen(new InetSocketAddress(v6, 0), TestServer.naming("a6"));
        closing.add(a);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, v6)) {
            port = s.getLocalPort();
        }
        ServiceKey.Inet key = new ServiceKey.Inet(v6, port, Protocol.TCP);
        plane.apply(1, List.of(new Action.AddService(IpvsService.of(key, SchedulingMethod.SH, Set.of(),
                new Persistence(60, Persistence.HOST_PREFIX_V6))), new Action.AddDestination(key, nat(a, 1))));
        assertThat(ask(key, "six")).isEqualTo("a6 six");
        assertThat(plane.connectionListing(true, false)).containsPattern(
                "(?m)^TCP 0[01]:[0-9]{2}  ASSURED     \\[::1\\]:0 +\\[::1\\]:" + port + " +\\[::1\\]:"
                        + a.address().getPort() + "$");
    }

    @Test
    void setChangesTheTimeoutsItNames() {
        assertThat(plane.timeouts()).isEqualTo(IpvsTimeouts.DEFAULT);
        plane.timeouts(new IpvsTimeouts(0, 30, 0));
        assertThat(plane.timeouts()).isEqualTo(new IpvsTimeouts(900, 30, 300));
    }
}
