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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** virtual_routes / virtual_rules follow mastership; static_ipaddress / static_routes / static_rules follow the daemon. */
@Tag("root")
class DaemonRoutesNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(20);

    DaemonRoutesNetnsTest() {
        super("routes");
    }

    private Path conf(String node, int priority, String extra) throws IOException {
        Path p = dir.resolve(node + ".conf");
        Files.writeString(p, """
                global_defs {
                    router_id %s
                }
                %s
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    version 3
                    advert_int 0.2
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                    virtual_routes {
                        198.51.100.128/25 via 192.0.2.1 dev eth0
                        blackhole 203.0.113.200/32
                    }
                    virtual_rules {
                        from 192.0.2.100/32 table 101 priority 1000
                    }
                }
                """.formatted(node, extra, priority));
        return p;
    }

    /** The routes and rules once TEXT has appeared (or gone): the log line comes just before the change. */
    private String awaitRoutes(String text, boolean present) throws IOException {
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        String now = routes();
        while (now.contains(text) != present && System.nanoTime() < end) {
            NodeProcess.sleep(20);
            now = routes();
        }
        return now;
    }

    private String routes() throws IOException {
        return lan.ipOn("dir1", "route") + lan.ipOn("dir1", "rule");
    }

    @Test
    void routesAndRulesFollowMastershipAndStaticOnesTheDaemon() throws Exception {
        String statics = """
                static_ipaddress {
                    198.51.100.5/24 dev eth0
                }
                static_routes {
                    203.0.113.0/24 via 198.51.100.1 dev eth0
                }
                static_rules {
                    from 198.51.100.5/32 table 100 priority 2000
                }
                """;
        NodeProcess d1 = NodeProcess.halo("dir1", lan.exec("dir1"), conf("dir1", 100, statics), dir);
        nodes.add(d1);
        d1.awaitLog("Startup complete", LONG);
        String backup = routes();
        assertThat(backup).contains("203.0.113.0/24 via 198.51.100.1 dev eth0", "2000:\tfrom 198.51.100.5 lookup 100")
                .doesNotContain("198.51.100.128/25").doesNotContain("203.0.113.200").doesNotContain("lookup 101");
        assertThat(lan.ipOn("dir1", "-br", "addr", "show", "dev", "eth0")).contains("198.51.100.5/24");

        d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        String master = awaitRoutes("lookup 101", true);
        // as ip route shows keepalived's own: proto keepalived
        assertThat(master).contains("198.51.100.128/25 via 192.0.2.1 dev eth0 proto keepalived",
                "blackhole 203.0.113.200 proto keepalived", "1000:\tfrom 192.0.2.100 lookup 101");

        NodeProcess d2 = NodeProcess.halo("dir2", lan.exec("dir2"), conf("dir2", 150, ""), dir);
        nodes.add(d2);
        d1.awaitLog("\\(VI_1\\) Entering BACKUP STATE$", LONG);
        String demoted = awaitRoutes("lookup 101", false);
        assertThat(demoted).doesNotContain("198.51.100.128/25").doesNotContain("203.0.113.200").doesNotContain("lookup 101")
                .contains("203.0.113.0/24 via 198.51.100.1", "from 198.51.100.5 lookup 100");

        assertThat(d1.stop(LONG)).isZero();
        String stopped = routes();
        assertThat(stopped).doesNotContain("203.0.113.0/24").doesNotContain("lookup 100");
        assertThat(lan.ipOn("dir1", "-br", "addr", "show", "dev", "eth0")).doesNotContain("198.51.100.5");
    }
    @Test
    void aVipDeletedBehindOurBackComesBackAsKeepalivedBringsItBack() throws Exception {
        String conf = """
                global_defs {
                    router_id %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority 100
                    advert_int 1
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """;
        Path c1 = dir.resolve("halo.conf");
        Files.writeString(c1, conf.formatted("halo", 51, "192.0.2.100"));
        Path c2 = dir.resolve("ka.conf");
        Files.writeString(c2, conf.formatted("ka", 52, "192.0.2.101"));
        NodeProcess halo = NodeProcess.halo("halo", lan.exec("dir1"), c1, dir);
        nodes.add(halo);
        NodeProcess ka = NodeProcess.keepalived("ka", lan.exec("dir2"), c2, dir);
        nodes.add(ka);
        Map<NodeProcess, String[]> where = Map.of(halo, new String[] {"dir1", "192.0.2.100"}, ka, new String[] {"dir2", "192.0.2.101"});
        for (NodeProcess n : List.of(halo, ka)) {
            n.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        }
        for (NodeProcess n : List.of(halo, ka)) {
            String[] w = where.get(n);
            lan.ipOn(w[0], "addr", "del", w[1] + "/24", "dev", "eth0");
        }
        for (NodeProcess n : List.of(halo, ka)) {
            String[] w = where.get(n);
            n.awaitLog("Netlink reflector reports IP " + w[1].replace(".", "\\.") + " removed from eth0", LONG);
            n.awaitLog("\\(VI_1\\) Entering BACKUP STATE$", LONG);
            n.awaitLog("\\(VI_1\\) Entering MASTER STATE", 1, LONG);
            assertThat(lan.ipOn(w[0], "-br", "addr", "show", "dev", "eth0")).as(n.log()).contains(w[1] + "/24");
        }
        // the same steps, in the same words, on both
        for (NodeProcess n : List.of(halo, ka)) {
            assertThat(n.log().lines().filter(l -> l.contains("(VI_1) sent 0 priority")).count()).as(n.log()).isEqualTo(1);
        }
    }
}
