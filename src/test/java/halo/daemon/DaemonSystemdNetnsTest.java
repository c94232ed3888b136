package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.os.UnixDatagramSocket;
import halo.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code halo run} as systemd runs it under Halo's unit (Type=notify, WatchdogSec): the test binds the NOTIFY_SOCKET
 * and reads what the daemon tells the service manager through start, watchdog, reload, a stopped process and stop.
 */
@Tag("root")
class DaemonSystemdNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(20);
    /** WATCHDOG_USEC as systemd passes it: 400 ms, so a keep-alive every 200 ms. */
    private static final long WATCHDOG_USEC = 400_000;

    private final List<String> seen = new ArrayList<>();

    DaemonSystemdNetnsTest() {
        super("systemd");
    }

    @Test
    void tellsSystemdItsStatesAndPetsTheWatchdogFromTheProtocolThread() throws Exception {
        Path conf = dir.resolve("dir1.conf");
        Files.writeString(conf, """
                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    advert_int 1
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """);
        String socketPath = dir.resolve("notify").toString();
        try (UnixDatagramSocket manager = UnixDatagramSocket.bound(socketPath)) {
            NodeProcess d = NodeProcess.halo("dir1", lan.exec("dir1"), conf, dir, List.of(), List.of(),
                    Map.of("NOTIFY_SOCKET", socketPath, "WATCHDOG_USEC", Long.toString(WATCHDOG_USEC)));
            nodes.add(d);

            // READY=1 first, once the VRRP sockets are open (the start-up is logged complete before it)
            byte[] datagram = manager.receive(LONG);
            String first = datagram == null ? null : new String(datagram, StandardCharsets.US_ASCII);
            assertThat(first).as("first message; log:\n" + d.log()).isEqualTo("READY=1");
            assertThat(d.log()).contains("Startup complete");

            for (int i = 0; i < 3; i++) {
                awaitMessage(manager, "WATCHDOG=1", d);
            }

            long beforeHup = System.nanoTime() / 1000;
            d.hup();
            String reloading = awaitMessage(manager, "RELOADING=1", d);
            long monotonicUsec = Long.parseLong(reloading.substring(reloading.indexOf("MONOTONIC_USEC=") + 15).trim());
            assertThat(monotonicUsec).as("MONOTONIC_USEC: CLOCK_MONOTONIC when the reload began")
                    .isBetween(beforeHup, System.nanoTime() / 1000);
            awaitMessage(manager, "READY=1", d);
            assertThat(d.log()).contains("Reload complete");

            // a stopped daemon sends no keep-alive (so systemd's watchdog restarts it); running again, it does
            d.signal("STOP");
            assertThat(Await.until(LONG, () -> processState(d.pid()) == 'T')).as("the daemon stopped").isTrue();
            while (manager.receive(Duration.ofMillis(50)) != null) {
                // what it sent before it stopped
            }
            assertThat(manager.receive(Duration.ofNanos(WATCHDOG_USEC * 3000)))
                    .as("a datagram from a stopped daemon").isNull();
            d.signal("CONT");
            awaitMessage(manager, "WATCHDOG=1", d);

            assertThat(d.stop(LONG)).isZero();
            awaitMessage(manager, "STOPPING=1", d);
        }
    }

    /** Reads datagrams until one starts with PREFIX; fails with all those seen when it does not come. */
    private String awaitMessage(UnixDatagramSocket manager, String prefix, NodeProcess d) throws Exception {
        long end = System.nanoTime() + LONG.toNanos();
        while (System.nanoTime() < end) {
            byte[] datagram = manager.receive(Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime())));
            if (datagram == null) {
                break;
            }
            String m = new String(datagram, StandardCharsets.US_ASCII);
            seen.add(m);
            if (m.startsWith(prefix)) {
                return m;
            }
        }
        throw new AssertionError("no " + prefix + " within " + LONG + "; received " + seen + "; log:\n" + d.log());
    }

    /** The state letter of /proc/PID/stat (T: stopped). */
    private static char processState(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
