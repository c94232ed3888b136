package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.testing.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP with keepalived's reload semantics, seen from the addresses on the interface and from the peer. */
@Tag("root")
class DaemonReloadNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(20);

    DaemonReloadNetnsTest() {
        super("reload");
    }

    private static String instance(String name, int vrid, int priority, String... vips) {
        return instanceEvery(name, vrid, priority, "0.1", vips);
    }

    private static String instanceEvery(String name, int vrid, int priority, String advertInt, String... vips) {
        return """
                vrrp_instance %s {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority %d
                    version 3
                    advert_int %s
                    virtual_ipaddress {
                        %s
                    }
                }
                """.formatted(name, vrid, priority, advertInt, String.join("\n        ", vips));
    }

    private static String global(String id) {
        return "global_defs {\n    router_id " + id + "\n}\n";
    }

    private String vips(String role) throws IOException {
        return lan.ipOn(role, "-br", "addr", "show", "dev", "eth0");
    }

    @Test
    void aReloadKeepsTheMasterAndItsAddressesAndAppliesTheDifference() throws Exception {
        Path c1 = dir.resolve("dir1.conf");
        Files.writeString(c1, global("dir1") + instanceEvery("VI_1", 51, 100, "1", "192.0.2.100/24", "192.0.2.101/24")
                + instance("VI_2", 52, 100, "192.0.2.110/24"));
        Path c2 = dir.resolve("dir2.conf");
        Files.writeString(c2, global("dir2") + instanceEvery("VI_1", 51, 90, "1", "192.0.2.100/24", "192.0.2.101/24")
                + instance("VI_2", 52, 90, "192.0.2.110/24"));
        NodeProcess d1 = NodeProcess.halo("dir1", lan.exec("dir1"), c1, dir);
        nodes.add(d1);
        d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        d1.awaitLog("\\(VI_2\\) Entering MASTER STATE", LONG);
        NodeProcess d2 = NodeProcess.halo("dir2", lan.exec("dir2"), c2, dir);
        nodes.add(d2);
        d2.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        d2.awaitLog("\\(VI_2\\) Entering BACKUP STATE", LONG);
        assertThat(vips("dir1")).contains("192.0.2.100/24", "192.0.2.101/24", "192.0.2.110/24");

        // Watch 192.0.2.100 on dir1 every few ms while the reload happens: it must never be missing.
        AtomicLong checks = new AtomicLong();
        AtomicInteger missing = new AtomicInteger();
        Thread watcher = Thread.ofPlatform().start(() -> {
            long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
                try {
                    if (!vips("dir1").contains("192.0.2.100/24")) {
                        missing.incrementAndGet();
                    }
                    checks.incrementAndGet();
                } catch (IOException e) {
                    missing.incrementAndGet();
                }
            }
        });
        // VI_1 renamed (matched by VRID, family and interface, not by name), .101 dropped, .102 added;
        // VI_2 gone; VI_3 new. The operator reloads both directors (v3 adverts carry the address list, and a backup
        // ignores a master whose list differs from its own); VI_1's 1 s interval covers the moment between the two.
        Files.writeString(c1, global("dir1") + instanceEvery("VI_one", 51, 100, "1", "192.0.2.100/24", "192.0.2.102/24")
                + instance("VI_3", 53, 100, "192.0.2.120/24"));
        Files.writeString(c2, global("dir2") + instanceEvery("VI_1", 51, 90, "1", "192.0.2.100/24", "192.0.2.102/24")
                + instance("VI_2", 52, 90, "192.0.2.110/24"));
        d1.hup();
        d2.hup();
        d1.awaitLog("Reload complete", LONG);
        d2.awaitLog("Reload complete", LONG);
        // The peer takes VI_2 over at once: the removed master said priority 0.
        d2.awaitLog("\\(VI_2\\) Entering MASTER STATE", Duration.ofSeconds(3));
        d1.awaitLog("\\(VI_3\\) Entering MASTER STATE", LONG);
        watcher.join();

        assertThat(missing.get()).as("checks with 192.0.2.100 missing, of %d", checks.get()).isZero();
        assertThat(checks.get()).isGreaterThan(10);
        String after = vips("dir1");
        assertThat(after).contains("192.0.2.100/24", "192.0.2.102/24", "192.0.2.120/24")
                .doesNotContain("192.0.2.101/24").doesNotContain("192.0.2.110/24");
        assertThat(vips("dir2")).contains("192.0.2.110/24");
        // No election for the matched instance: no state change on either side, no notification
        assertThat(d1.log().lines().filter(l -> l.contains("(VI_one) ")).toList()).noneMatch(l -> l.contains("Entering"));
        assertThat(d2.log().lines().filter(l -> l.contains("(VI_1) Entering MASTER")).toList()).as("dir2:\n%s\ndir1:\n%s", d2.log(), d1.log()).isEmpty();
        assertThat(d1.status()).contains("\"name\":\"VI_one\",\"state\":\"MASTER\"");
        // the new address is announced
        assertThat(d1.log()).contains("Sending gratuitous ARP on eth0 for 192.0.2.102");
        assertThat(d1.log()).contains("(VI_2) sent 0 priority");
    }
}
