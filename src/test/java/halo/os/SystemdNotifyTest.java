package halo.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify's messages as a service manager receives them, on a socket this test binds. */
class SystemdNotifyTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static String text(byte[] datagram) {
        return datagram == null ? null : new String(datagram, StandardCharsets.US_ASCII);
    }

    @Test
    void sendsEachStateToTheNotifySocket() throws Exception {
        String path = dir.resolve("notify").toString();
        try (UnixDatagramSocket manager = UnixDatagramSocket.bound(path);
             SystemdNotify notify = SystemdNotify.from(Map.of("NOTIFY_SOCKET", path), 42)) {
            assertThat(notify.isActive()).isTrue();
            notify.ready();
            notify.reloading(5_000_000_000L);
            notify.watchdog();
            notify.stopping();
            assertThat(text(manager.receive(WAIT))).isEqualTo("READY=1");
            assertThat(text(manager.receive(WAIT))).isEqualTo("RELOADING=1\nMONOTONIC_USEC=5000000");
            assertThat(text(manager.receive(WAIT))).isEqualTo("WATCHDOG=1");
            assertThat(text(manager.receive(WAIT))).isEqualTo("STOPPING=1");
        }
    }

    @Test
    void reachesAnAbstractSocket() throws Exception {
        String name = "@halo-notify-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        try (UnixDatagramSocket manager = UnixDatagramSocket.bound(name);
             SystemdNotify notify = SystemdNotify.from(Map.of("NOTIFY_SOCKET", name), 42)) {
            notify.ready();
            assertThat(text(manager.receive(WAIT))).isEqualTo("READY=1");
        }
    }

    @Test
    void withoutNotifySocketSendsNothingAndHasNoWatchdog() {
        try (SystemdNotify notify = SystemdNotify.from(Map.of("WATCHDOG_USEC", "1000000"), 42)) {
            assertThat(notify.isActive()).isFalse();
            assertThat(notify.watchdogIntervalNanos()).isZero();
            notify.ready(); // no socket: nothing to fail on
        }
    }

    @Test
    void watchdogIntervalIsHalfOfWatchdogUsecForThisProcessOnly() {
        assertThat(SystemdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "3000000"), 42)).isEqualTo(1_500_000_000L);
        assertThat(SystemdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "3000000", "WATCHDOG_PID", "42"), 42))
                .isEqualTo(1_500_000_000L);
        // the watchdog is another process's (a child started with the parent's environment)
        assertThat(SystemdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "3000000", "WATCHDOG_PID", "41"), 42)).isZero();
        assertThat(SystemdNotify.watchdogInterval(Map.of(), 42)).isZero();
        assertThat(SystemdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "soon"), 42)).isZero();
        assertThat(SystemdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "0"), 42)).isZero();
    }

    @Test
    void aNonAbsolutePathIsNoSocket() {
        try (SystemdNotify notify = SystemdNotify.from(Map.of("NOTIFY_SOCKET", "relative/notify"), 42)) {
            assertThat(notify.isActive()).isFalse();
        }
    }
}
