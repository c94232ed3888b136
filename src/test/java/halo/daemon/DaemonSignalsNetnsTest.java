package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.SeedTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signals an operator (or a keepalived script) sends keepalived, sent to Halo's master: none may end it. A master
 * killed by one leaves without its priority-0 advert, and its VIP ends up on both directors.
 */
@Tag("root")
class DaemonSignalsNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(20);
    private static final Pattern ADVERTS_RECEIVED = Pattern.compile("\"adverts_received\":(\\d+)");

    DaemonSignalsNetnsTest() {
        super("signals");
    }

    private NodeProcess halo(String role, int priority) throws IOException {
        Path conf = dir.resolve(role + ".conf");
        Files.writeString(conf, """
                global_defs {
                    router_id %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    version 3
                    advert_int 0.3
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """.formatted(role, priority));
        // keepalived's dump files go to $TMPDIR: this test's own directory, not the machine's /tmp
        List<String> exec = new ArrayList<>(lan.exec(role));
        exec.addAll(List.of("env", "TMPDIR=" + dir));
        NodeProcess n = NodeProcess.halo(role, exec, conf, dir);
        nodes.add(n);
        return n;
    }

    private int vipCount(String role) throws IOException {
        return lan.ipOn(role, "-o", "addr", "show", "dev", "eth0").split("192\\.0\\.2\\.100/", -1).length - 1;
    }

    private static long advertsReceived(NodeProcess n) throws IOException {
        Matcher m = ADVERTS_RECEIVED.matcher(n.status());
        assertThat(m.find()).as("status has the advert counter").isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Waits until the backup has received at least N more adverts than BEFORE: the master still sends. */
    private static void awaitAdverts(NodeProcess backup, long before, int n) throws IOException {
        long end = System.nanoTime() + LONG.toNanos();
        long now = before;
        while (System.nanoTime() < end) {
            now = advertsReceived(backup);
            if (now >= before + n) {
                return;
            }
            NodeProcess.sleep(50);
        }
        throw new AssertionError("the backup received " + (now - before) + " adverts, not " + n);
    }

    @Test
    void aMasterSurvivesEveryKeepalivedSignalAndKeepsItsVipAndItsAdverts() throws Exception {
        NodeProcess master = halo("dir1", 100);
        master.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        NodeProcess backup = halo("dir2", 90);
        backup.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        backup.awaitStatus(LONG, "\"master_priority\":100");

        // keepalived --signum=DATA, STATS, JSON, STATS_CLEAR (and SIGRTMAX, its thread dump when built with it)
        String[][] dumps = {
            {"USR1", "Printing VRRP data for process"},
            {"USR2", "Printing VRRP stats for process"},
            {"RTMIN+2", "Printing VRRP as json for process"},
            {"RTMAX-1", "Printing and clearing VRRP stats for process"},
            {"RTMAX", "Received SIGRTMAX \\(thread dump\\): Halo has no thread dump"},
        };
        for (String[] dump : dumps) {
            String line = dump[1];
            int seen = master.mark(line);
            long adverts = advertsReceived(backup);
            master.signal(dump[0]);
            master.awaitLog(line, seen, LONG);
            awaitAdverts(backup, adverts, 3);
            assertThat(master.isAlive()).as("alive after SIG" + dump[0]).isTrue();
            assertThat(master.status()).as("after SIG" + dump[0]).contains("\"state\":\"MASTER\"");
            assertThat(vipCount("dir1")).as("the master's VIP after SIG" + dump[0]).isEqualTo(1);
            assertThat(vipCount("dir2")).as("the backup's VIPs after SIG" + dump[0]).isZero();
        }

        // keepalived --signum=RELOAD: the same configuration again, the master stays so
        int reloads = master.mark("Reload complete");
        long adverts = advertsReceived(backup);
        master.signal("HUP");
        master.awaitLog("Reload complete", reloads, LONG);
        awaitAdverts(backup, adverts, 3);
        assertThat(master.status()).contains("\"state\":\"MASTER\"");
        assertThat(vipCount("dir1")).isEqualTo(1);
        assertThat(vipCount("dir2")).isZero();
        assertThat(backup.count("Entering MASTER STATE")).as(backup.log()).isZero();
        assertThat(master.log()).doesNotContain("Stopping");
    }
}
