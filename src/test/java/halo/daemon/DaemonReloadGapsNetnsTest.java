package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import halo.testing.Await;
import halo.testing.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP beyond plain instances, judged side by side with keepalived 2.2.7 where keepalived shows it: a sync group
 * keeps its state and addresses, track_file and vrrp_track_process definitions are read again, and a removed
 * instance's socket is closed (the host leaves its multicast group).
 */
@Tag("root")
class DaemonReloadGapsNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(20);

    DaemonReloadGapsNetnsTest() {
        super("rlgap");
    }

    private static String global(String id) {
        return "global_defs {\n    router_id " + id + "\n}\n";
    }

    private static String instance(String name, int vrid, String extra, String... vips) {
        return """
                vrrp_instance %s {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority 100
                    advert_int 1
                %s
                    virtual_ipaddress {
                        %s
                    }
                }
                """.formatted(name, vrid, extra, String.join("\n        ", vips));
    }

    private static String group(String... members) {
        return "vrrp_sync_group VG_1 {\n    group {\n        " + String.join("\n        ", members) + "\n    }\n}\n";
    }

    private String addresses(String role) throws IOException {
        return lan.ipOn(role, "-br", "addr", "show", "dev", "eth0");
    }

    /** Counts the moments a watched address is missing while a reload happens (checked every few ms for 4 s). */
    private Thread watch(String role, String address, AtomicLong checks, AtomicInteger missing) {
        return Thread.ofPlatform().start(() -> {
            long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
                try {
                    if (!addresses(role).contains(address)) {
                        missing.incrementAndGet();
                    }
                    checks.incrementAndGet();
                } catch (IOException e) {
                    missing.incrementAndGet();
                }
            }
        });
    }

    @Test
    void aSyncGroupKeepsItsStateAndAddressesAcrossAReloadAsWithKeepalived() throws Exception {
        Path haloConf = dir.resolve("halo.conf");
        Path kaConf = dir.resolve("ka.conf");
        Files.writeString(haloConf, global("halo") + group("VI_1", "VI_2")
                + instance("VI_1", 51, "", "192.0.2.51/24") + instance("VI_2", 52, "", "192.0.2.52/24"));
        Files.writeString(kaConf, global("ka") + group("VI_1", "VI_2")
                + instance("VI_1", 61, "", "192.0.2.61/24") + instance("VI_2", 62, "", "192.0.2.62/24"));
        NodeProcess halo = NodeProcess.halo("halo", lan.exec("dir1"), haloConf, dir);
        nodes.add(halo);
        NodeProcess ka = NodeProcess.keepalived("ka", lan.exec("dir2"), kaConf, dir);
        nodes.add(ka);
        for (NodeProcess n : nodes) {
            n.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
            n.awaitLog("\\(VI_2\\) Entering MASTER STATE", LONG);
        }
        // the masters' first adverts and gratuitous ARPs are done: what follows in the logs comes from the reload
        halo.awaitMore("adverts_sent", 4, LONG);
        for (String vip : List.of("192\\.0\\.2\\.61", "192\\.0\\.2\\.62")) {
            ka.awaitLog("gratuitous ARPs? on eth0 for " + vip, LONG);
        }
        int haloBefore = halo.log().split("\n").length;
        int kaBefore = ka.log().split("\n").length;

        // the same group, VI_1 with one more address
        Files.writeString(haloConf, global("halo") + group("VI_1", "VI_2")
                + instance("VI_1", 51, "", "192.0.2.51/24", "192.0.2.151/24") + instance("VI_2", 52, "", "192.0.2.52/24"));
        Files.writeString(kaConf, global("ka") + group("VI_1", "VI_2")
                + instance("VI_1", 61, "", "192.0.2.61/24", "192.0.2.161/24") + instance("VI_2", 62, "", "192.0.2.62/24"));
        AtomicLong haloChecks = new AtomicLong();
        AtomicInteger haloMissing = new AtomicInteger();
        AtomicLong kaChecks = new AtomicLong();
        AtomicInteger kaMissing = new AtomicInteger();
        Thread haloWatch = watch("dir1", "192.0.2.52/24", haloChecks, haloMissing);
        Thread kaWatch = watch("dir2", "192.0.2.62/24", kaChecks, kaMissing);
        halo.hup();
        ka.hup();
        halo.awaitLog("Reload complete", LONG);
        ka.awaitLog("Reloading", LONG); // keepalived 2.2.7 logs nothing at the end of a reload
        haloWatch.join();
        kaWatch.join();

        assertThat(kaMissing.get()).as("keepalived: checks with its VIP missing, of %d", kaChecks.get()).isZero();
        assertThat(haloMissing.get()).as("halo: checks with its VIP missing, of %d", haloChecks.get()).isZero();
        assertThat(haloChecks.get()).isGreaterThan(10);
        String kaAfter = ka.log().lines().skip(kaBefore).reduce("", (a, b) -> a + b + "\n");
        String haloAfter = halo.log().lines().skip(haloBefore).reduce("", (a, b) -> a + b + "\n");
        // no election: neither the members nor the group change state
        assertThat(kaAfter).doesNotContain("Entering");
        assertThat(haloAfter).doesNotContain("Entering");
        assertThat(addresses("dir2")).contains("192.0.2.61/24", "192.0.2.161/24", "192.0.2.62/24");
        assertThat(addresses("dir1")).contains("192.0.2.51/24", "192.0.2.151/24", "192.0.2.52/24");
        assertThat(halo.status()).contains("\"name\":\"VI_1\",\"state\":\"MASTER\"", "\"name\":\"VI_2\",\"state\":\"MASTER\"");
    }

    private static int effectivePriority(String status, String instance) {
        Matcher m = Pattern.compile("\"name\":\"" + instance + "\".*?\"effective_priority\":(\\d+)").matcher(status);
        assertThat(m.find()).as(status).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private int awaitPriority(NodeProcess n, String instance, int want) throws IOException {
        long end = System.nanoTime() + LONG.toNanos();
        int p = effectivePriority(n.status(), instance);
        while (p != want && System.nanoTime() < end) {
            NodeProcess.sleep(50);
            p = effectivePriority(n.status(), instance);
        }
        return p;
    }

    @Test
    void aReloadReadsTrackFilesAndTrackProcessesAgain() throws Exception {
        Path a = dir.resolve("a.track");
        Path b = dir.resolve("b.track");
        Files.writeString(a, "5\n");
        Files.writeString(b, "2\n");
        Path conf = dir.resolve("dir1.conf");
        Files.writeString(conf, global("dir1")
                + "track_file tf {\n    file " + a + "\n    weight 10\n}\n"
                + instance("VI_1", 51, "    track_file {\n        tf\n    }", "192.0.2.51/24"));
        NodeProcess d1 = NodeProcess.halo("dir1", lan.exec("dir1"), conf, dir);
        nodes.add(d1);
        d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        assertThat(awaitPriority(d1, "VI_1", 150)).isEqualTo(150);

        // tf now reads b.track with weight 20: 100 + 2 x 20
        Files.writeString(conf, global("dir1")
                + "track_file tf {\n    file " + b + "\n    weight 20\n}\n"
                + instance("VI_1", 51, "    track_file {\n        tf\n    }", "192.0.2.51/24"));
        d1.hup();
        d1.awaitLog("Reload complete", LONG);
        assertThat(awaitPriority(d1, "VI_1", 140)).isEqualTo(140);
        assertThat(d1.status()).contains("\"name\":\"VI_1\",\"state\":\"MASTER\"");
        // the new path is watched, the old one no longer
        Files.writeString(b, "3\n");
        assertThat(awaitPriority(d1, "VI_1", 160)).isEqualTo(160);
        // a's change is not read; b's next one, a number out of range (logged, ignored), shows that the watcher got
        // past it, and the status comes from the protocol thread after what the watcher handed it
        String invalidB = "Invalid number read from " + Pattern.quote(b.toString()) + " - ignoring";
        int invalid = d1.mark(invalidB);
        Files.writeString(a, "1\n");
        Files.writeString(b, "99999999999\n");
        d1.awaitLog(invalidB, invalid, LONG);
        assertThat(effectivePriority(d1.status(), "VI_1")).isEqualTo(160);
        Files.writeString(b, "3\n");

        // a vrrp_track_process added by a reload counts at once: no such process, weight 0, so FAULT
        Files.writeString(conf, global("dir1")
                + "track_file tf {\n    file " + b + "\n    weight 20\n}\n"
                + "vrrp_track_process nosuch {\n    process halo-no-such-process\n    weight 0\n}\n"
                + instance("VI_1", 51, "    track_file {\n        tf\n    }\n    track_process {\n        nosuch\n    }",
                "192.0.2.51/24"));
        int mark = d1.mark("Reload complete");
        d1.hup();
        d1.awaitLog("Reload complete", mark, LONG);
        d1.awaitLog("\\(VI_1\\) entering FAULT state \\(tracked process nosuch quorum not achieved\\)", LONG);
        d1.awaitStatus(LONG, "\"name\":\"VI_1\",\"state\":\"FAULT\"");
        assertThat(addresses("dir1")).doesNotContain("192.0.2.51/24");
    }

    private String multicastGroups(String role) throws IOException {
        return lan.ipOn(role, "-6", "maddr", "show", "dev", "eth0");
    }

    @Test
    void aRemovedInstancesSocketIsClosedAsWithKeepalived() throws Exception {
        String v6 = """
                vrrp_instance VI_6 {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority 100
                    advert_int 1
                    virtual_ipaddress {
                        2001:db8::%d/64
                    }
                }
                """;
        Path haloConf = dir.resolve("halo.conf");
        Path kaConf = dir.resolve("ka.conf");
        Files.writeString(haloConf, global("halo") + instance("VI_1", 51, "", "192.0.2.51/24") + v6.formatted(56, 56));
        Files.writeString(kaConf, global("ka") + instance("VI_1", 61, "", "192.0.2.61/24") + v6.formatted(66, 66));
        NodeProcess halo = NodeProcess.halo("halo", lan.exec("dir1"), haloConf, dir);
        nodes.add(halo);
        NodeProcess ka = NodeProcess.keepalived("ka", lan.exec("dir2"), kaConf, dir);
        nodes.add(ka);
        for (NodeProcess n : nodes) {
            n.awaitLog("\\(VI_6\\) Entering MASTER STATE", LONG);
        }
        // VRRP's IPv6 group, joined by the instance's socket
        assertThat(multicastGroups("dir2")).contains("ff02::12");
        assertThat(multicastGroups("dir1")).contains("ff02::12");

        Files.writeString(haloConf, global("halo") + instance("VI_1", 51, "", "192.0.2.51/24"));
        Files.writeString(kaConf, global("ka") + instance("VI_1", 61, "", "192.0.2.61/24"));
        halo.hup();
        ka.hup();
        halo.awaitLog("Reload complete", LONG);
        ka.awaitLog("Reloading", LONG); // keepalived 2.2.7 logs nothing at the end of a reload
        // the socket is closed: the host leaves the group, and the removed master's address is gone
        Await.until(LONG, () -> !multicastGroups("dir2").contains("ff02::12")
                && !multicastGroups("dir1").contains("ff02::12")
                && !lan.ipOn("dir1", "-br", "-6", "addr", "show", "dev", "eth0").contains("2001:db8::56")
                && !lan.ipOn("dir2", "-br", "-6", "addr", "show", "dev", "eth0").contains("2001:db8::66"));
        assertThat(multicastGroups("dir2")).doesNotContain("ff02::12");
        assertThat(multicastGroups("dir1")).doesNotContain("ff02::12");
        assertThat(lan.ipOn("dir1", "-br", "-6", "addr", "show", "dev", "eth0")).doesNotContain("2001:db8::56");
        assertThat(lan.ipOn("dir2", "-br", "-6", "addr", "show", "dev", "eth0")).doesNotContain("2001:db8::66");
        // VI_1 goes on
        assertThat(halo.status()).contains("\"name\":\"VI_1\",\"state\":\"MASTER\"");
    }
}
