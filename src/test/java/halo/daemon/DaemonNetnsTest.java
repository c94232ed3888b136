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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Halo's daemon on real network namespaces (two directors on a bridge), and mixed with real keepalived: what an
 * operator sees in the logs, in {@code ip addr} and in {@code halo status}.
 */
@Tag("root")
class DaemonNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(20);

    DaemonNetnsTest() {
        super("vrrp");
    }

    /** A director's keepalived.conf: one instance on eth0 with the VIP 192.0.2.100 (or 2001:db8::100). */
    private Path conf(String node, int priority, String instanceExtra) throws IOException {
        return conf(node, priority, instanceExtra, "", "", "192.0.2.100/24 dev eth0 label eth0:vip");
    }

    private Path conf(String node, int priority, String instanceExtra, String global, String blocks, String vip) throws IOException {
        String text = """
                global_defs {
                    router_id %s
                %s
                }
                %s
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority %d
                %s
                    virtual_ipaddress {
                        %s
                    }
                }
                """.formatted(node, global, blocks, priority, instanceExtra, vip);
        Path p = dir.resolve(node + "-" + nodes.size() + ".conf");
        Files.writeString(p, text);
        return p;
    }

    private NodeProcess halo(String role, Path config) throws IOException {
        NodeProcess n = NodeProcess.halo(role + "-" + nodes.size(), lan.exec(role), config, dir);
        nodes.add(n);
        return n;
    }

    private NodeProcess keepalived(String role, Path config) throws IOException {
        NodeProcess n = NodeProcess.keepalived(role + "-" + nodes.size(), lan.exec(role), config, dir);
        nodes.add(n);
        return n;
    }

    private boolean holdsVip(String role, String vip) throws IOException {
        return lan.ipOn(role, "-br", "addr", "show", "dev", "eth0").contains(vip + "/");
    }

    private static final String V2_PASS = """
                advert_int 1
                authentication {
                    auth_type PASS
                    auth_pass s3cret
                }
            """;

    /** VRRPv3 at 0.3 s: quick tests, with room for a loaded machine's scheduling hiccups (Master_Down_Interval ~1 s). */
    private static final String V3_FAST = """
                version 3
                advert_int 0.3
            """;

    @Test
    void electsTheHigherPriorityStopsGracefullyAndPreemptsBack() throws Exception {
        // The backup starts once the master is up: two JVMs started together race to the first Master_Down_Interval
        NodeProcess d1 = halo("dir1", conf("dir1", 100, V3_FAST));
        d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        NodeProcess d2 = halo("dir2", conf("dir2", 90, V3_FAST));
        d2.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        assertThat(holdsVip("dir1", "192.0.2.100")).isTrue();
        assertThat(lan.ipOn("dir1", "addr", "show", "dev", "eth0")).contains("eth0:vip");
        assertThat(holdsVip("dir2", "192.0.2.100")).isFalse();
        assertThat(d1.status()).contains("\"name\":\"VI_1\",\"state\":\"MASTER\"").contains("\"vips_set\":true");
        d2.awaitStatus(LONG, "\"state\":\"BACKUP\"", "\"master_address\":\"192.0.2.11\"", "\"master_priority\":100");

        // graceful stop: priority 0 advert, VIP removed, the backup takes over after Skew_Time
        int before1 = d2.mark("\\(VI_1\\) Entering MASTER STATE");
        assertThat(d1.stop(LONG)).isZero();
        assertThat(d1.log()).contains("(VI_1) sent 0 priority").contains("(VI_1) removing VIPs.").contains("Stopped Halo");
        d2.awaitLog("\\(VI_1\\) Entering MASTER STATE", before1, LONG);
        assertThat(holdsVip("dir2", "192.0.2.100")).isTrue();
        assertThat(holdsVip("dir1", "192.0.2.100")).isFalse();
        assertThat(d2.status()).contains("\"priority_zero_received\":1");

        // the higher priority comes back and preempts
        NodeProcess d1again = halo("dir1", conf("dir1", 100, V3_FAST));
        d1again.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        d2.awaitLog("\\(VI_1\\) Entering BACKUP STATE$", LONG);
        assertThat(holdsVip("dir1", "192.0.2.100")).isTrue();
        assertThat(holdsVip("dir2", "192.0.2.100")).isFalse();
    }

    @Test
    void aCrashedMasterIsReplacedAfterMasterDownInterval() throws Exception {
        NodeProcess d1 = halo("dir1", conf("dir1", 100, V3_FAST));
        d1.awaitLog("Entering MASTER STATE", LONG);
        NodeProcess d2 = halo("dir2", conf("dir2", 90, V3_FAST));
        d2.awaitLog("Entering BACKUP STATE", LONG);
        int masters = d2.mark("\\(VI_1\\) Entering MASTER STATE");
        long before = System.nanoTime();
        d1.kill9();
        d2.awaitLog("\\(VI_1\\) Entering MASTER STATE", masters, LONG);
        long tookMs = (System.nanoTime() - before) / 1_000_000;
        // Master_Down_Interval = 3 x 300 ms + (256 - 90) x 300 / 256 ms = 1094.5 ms; the backup must wait for it
        // (one advert interval less at most: the last advert came up to one interval before the kill)
        assertThat(tookMs).isGreaterThanOrEqualTo(1094 - 300);
        assertThat(d2.log()).contains("(VI_1) Receive advertisement timeout");
        assertThat(holdsVip("dir2", "192.0.2.100")).isTrue();
    }

    @Test
    void aBackupsFirstTakeoverLoadsNoClassBetweenItsTimerAndItsFirstGratuitousArp() throws Exception {
        // A backup usually takes over once, with code it never ran: a class loaded, a lambda or a pattern switch
        // linked on that path costs milliseconds the clients wait for (measured: 2-5 ms before this was cleared).
        NodeProcess d1 = halo("dir1", conf("dir1", 100, V3_FAST));
        d1.awaitLog("Entering MASTER STATE", LONG);
        NodeProcess d2 = NodeProcess.halo("dir2-" + nodes.size(), lan.exec("dir2"), conf("dir2", 90, V3_FAST), dir,
                List.of(), List.of("-Xlog:class+load=info:stdout"));
        nodes.add(d2);
        d2.awaitLog("Entering BACKUP STATE", LONG);
        d2.awaitMore("adverts_received", 2, LONG); // the receive path has run before the takeover
        d1.kill9();
        d2.awaitLog("Sending gratuitous ARP on eth0", LONG);
        String log = d2.log();
        int timer = log.indexOf("(VI_1) Receive advertisement timeout");
        int garp = log.indexOf("Sending gratuitous ARP on eth0", timer);
        assertThat(timer).as("the Master_Down_Timer fired").isPositive();
        String takeover = log.substring(timer, garp);
        assertThat(takeover).as("the takeover's log").contains("Entering MASTER STATE").doesNotContain(" source: ");
        assertThat(log.substring(0, timer)).as("class loading is logged").contains(" source: ");
    }

    @Test
    void aBackupHeldUpLongerThanMasterDownIntervalDoesNotTakeOverFromALiveMaster() throws Exception {
        // A backup that could not run for a while (a GC pause, a stolen CPU, here SIGSTOP) finds its
        // Master_Down_Timer long expired, and the master's adverts waiting in its socket: it must read them first.
        NodeProcess d1 = halo("dir1", conf("dir1", 100, V3_FAST));
        d1.awaitLog("Entering MASTER STATE", LONG);
        NodeProcess d2 = halo("dir2", conf("dir2", 90, V3_FAST));
        d2.awaitLog("Entering BACKUP STATE", LONG);
        d2.awaitMore("adverts_received", 2, LONG);
        int d1Backups = d1.mark("Entering BACKUP STATE"); // it started in BACKUP, as keepalived does
        for (int round = 0; round < 3; round++) {
            long received = d2.counter("adverts_received");
            long sent = d1.counter("adverts_sent");
            d2.signal("STOP");
            // 5 more adverts from the master: at least 4 x 300 ms held up, more than Master_Down_Interval (~1.1 s)
            long sentWhileStopped = d1.awaitCounter("adverts_sent", sent, 5, LONG) - sent;
            d2.signal("CONT");
            // the backup has read what waited in its socket and 2 adverts more: a takeover would have come by now
            d2.awaitCounter("adverts_received", received, sentWhileStopped + 2, LONG);
        }
        assertThat(d2.count("Entering MASTER STATE")).as(d2.log()).isZero();
        assertThat(d1.count("Entering BACKUP STATE")).isEqualTo(d1Backups);
        assertThat(holdsVip("dir1", "192.0.2.100")).isTrue();
        assertThat(holdsVip("dir2", "192.0.2.100")).isFalse();
    }

    @Test
    void interfaceDownMeansFaultAndTheBackupTakesOver() throws Exception {
        NodeProcess d1 = halo("dir1", conf("dir1", 100, V3_FAST));
        d1.awaitLog("Entering MASTER STATE", LONG);
        NodeProcess d2 = halo("dir2", conf("dir2", 90, V3_FAST));
        d2.awaitLog("Entering BACKUP STATE", LONG);
        int masters = d2.mark("\\(VI_1\\) Entering MASTER STATE");
        lan.link("dir1", false);
        d1.awaitLog("\\(VI_1\\) Entering FAULT STATE", LONG);
        d2.awaitLog("\\(VI_1\\) Entering MASTER STATE", masters, LONG);
        assertThat(d1.status()).contains("\"state\":\"FAULT\"");
        int d1masters = d1.mark("\\(VI_1\\) Entering MASTER STATE");
        lan.link("dir1", true);
        d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", d1masters, LONG);
        d2.awaitLog("\\(VI_1\\) Entering BACKUP STATE$", LONG);
    }

    @Test
    void nopreemptKeepsTheIncumbentMaster() throws Exception {
        NodeProcess d2 = halo("dir2", conf("dir2", 90, V3_FAST + "    nopreempt\n"));
        d2.awaitLog("Entering MASTER STATE", LONG);
        NodeProcess d1 = halo("dir1", conf("dir1", 100, V3_FAST + "    nopreempt\n"));
        d1.awaitLog("Entering BACKUP STATE", LONG);
        // several Master_Down_Intervals later (12 adverts of 300 ms, Master_Down_Interval ~1.1 s) it still waits
        d1.awaitMore("adverts_received", 12, LONG);
        assertThat(d1.count("Entering MASTER STATE")).isZero();
        assertThat(holdsVip("dir2", "192.0.2.100")).isTrue();
        assertThat(d1.status()).contains("\"state\":\"BACKUP\"");
    }

    @Test
    void aFailingTrackScriptDemotesTheMaster() throws Exception {
        Path down = dir.resolve("down");
        String script = """
                vrrp_script chk_down {
                    script "/usr/bin/test ! -e %s"
                    interval 0.3
                    weight -20
                    fall 2
                    rise 1
                }
                """.formatted(down);
        NodeProcess d1 = halo("dir1", conf("dir1", 100, V3_FAST + "    track_script {\n        chk_down\n    }\n", "", script,
                "192.0.2.100/24 dev eth0"));
        d1.awaitLog("Entering MASTER STATE", LONG);
        NodeProcess d2 = halo("dir2", conf("dir2", 90, V3_FAST));
        d2.awaitLog("Entering BACKUP STATE", LONG);
        int d2masters = d2.mark("\\(VI_1\\) Entering MASTER STATE");
        Files.writeString(down, "");
        // 100 - 20 = 80 < 90: the backup stops accepting the demoted master and takes over
        d2.awaitLog("\\(VI_1\\) Entering MASTER STATE", d2masters, LONG);
        d1.awaitLog("\\(VI_1\\) Entering BACKUP STATE$", LONG);
        assertThat(d1.status()).contains("\"effective_priority\":80");
        int d1masters = d1.mark("\\(VI_1\\) Entering MASTER STATE");
        Files.delete(down);
        d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", d1masters, LONG);
        assertThat(d1.status()).contains("\"effective_priority\":100");
    }

    @Test
    void unicastPeersElectAndFailOver() throws Exception {
        String d1uni = V3_FAST + "    unicast_src_ip 192.0.2.11\n    unicast_peer {\n        192.0.2.12\n    }\n";
        String d2uni = V3_FAST + "    unicast_src_ip 192.0.2.12\n    unicast_peer {\n        192.0.2.11\n    }\n";
        NodeProcess d1 = halo("dir1", conf("dir1", 100, d1uni));
        d1.awaitLog("Entering MASTER STATE", LONG);
        NodeProcess d2 = halo("dir2", conf("dir2", 90, d2uni));
        d2.awaitLog("Entering BACKUP STATE", LONG);
        d2.awaitStatus(LONG, "\"master_address\":\"192.0.2.11\"");
        int masters = d2.mark("Entering MASTER STATE");
        d1.kill9();
        d2.awaitLog("Entering MASTER STATE", masters, LONG);
        assertThat(holdsVip("dir2", "192.0.2.100")).isTrue();
    }

    @Test
    void vrrpVersion3OverIpv6() throws Exception {
        Path c1 = conf("dir1", 100, "    advert_int 0.3\n", "", "", "2001:db8::100/64 dev eth0");
        Path c2 = conf("dir2", 90, "    advert_int 0.3\n", "", "", "2001:db8::100/64 dev eth0");
        NodeProcess d1 = halo("dir1", c1);
        d1.awaitLog("Entering MASTER STATE", LONG);
        NodeProcess d2 = halo("dir2", c2);
        d2.awaitLog("Entering BACKUP STATE", LONG);
        assertThat(d1.status()).contains("\"family\":\"inet6\"").contains("\"version\":3");
        assertThat(lan.ipOn("dir1", "-6", "addr", "show", "dev", "eth0")).contains("2001:db8::100/64");
        d2.awaitStatus(LONG, "\"master_address\":\"fe80:");
        int before2 = d2.mark("Entering MASTER STATE");
        d1.stop(LONG);
        d2.awaitLog("Entering MASTER STATE", before2, LONG);
        assertThat(lan.ipOn("dir2", "-6", "addr", "show", "dev", "eth0")).contains("2001:db8::100/64");
    }

    @Test
    void haloAndKeepalivedFormOneGroupWithPassAuthentication() throws Exception {
        // keepalived master, Halo backup
        NodeProcess k1 = keepalived("dir1", conf("dir1", 100, V2_PASS));
        k1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        NodeProcess h2 = halo("dir2", conf("dir2", 90, V2_PASS));
        h2.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        // 5 adverts of 1 s: more than Master_Down_Interval (3.65 s) with keepalived's adverts accepted
        h2.awaitMore("adverts_received", 5, LONG);
        assertThat(h2.count("Entering MASTER STATE")).isZero();
        h2.awaitStatus(LONG, "\"master_address\":\"192.0.2.11\"");
        // keepalived stops: Halo takes over from its priority-0 advert
        int before3 = h2.mark("\\(VI_1\\) Entering MASTER STATE");
        k1.stop(LONG);
        h2.awaitLog("\\(VI_1\\) Entering MASTER STATE", before3, LONG);
        assertThat(holdsVip("dir2", "192.0.2.100")).isTrue();
        // keepalived comes back with the higher priority and preempts Halo
        NodeProcess k1again = keepalived("dir1", conf("dir1", 100, V2_PASS));
        k1again.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        h2.awaitLog("\\(VI_1\\) Entering BACKUP STATE$", LONG);
        assertThat(Await.until(LONG, () -> holdsVip("dir1", "192.0.2.100")))
                .as("keepalived sets its VIPs after its log line").isTrue();
        assertThat(k1again.log()).doesNotContain("bad checksum").doesNotContain("authentication");
    }

    @Test
    void haloMastersKeepalivedAtTenMillisecondAdverts() throws Exception {
        String v3fast = "    version 3\n    advert_int 0.01\n";
        String vip = "192.0.2.100/24 dev eth0 label eth0:vip";
        // Master_Down_Interval is ~36 ms: a daemon not scheduled for that long on a busy host misses it. Halo takes
        // SCHED_RR for itself under 100 ms; keepalived needs vrrp_rt_priority, as its users at such intervals set it.
        NodeProcess h1 = halo("dir1", conf("dir1", 100, v3fast));
        h1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        assertThat(h1.log()).contains("Set realtime priority 1 (SCHED_RR) for the VRRP thread");
        // Halo is master first, then keepalived joins: it must hear the 10 ms adverts from its first moment on
        NodeProcess k2 = keepalived("dir2", conf("dir2", 90, v3fast, "    vrrp_rt_priority 1", "", vip));
        k2.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        // 150 adverts later keepalived still sees a healthy master: no timeout, no takeover
        h1.awaitMore("adverts_sent", 150, LONG);
        assertThat(k2.count("Entering MASTER STATE")).as(k2.log()).isZero();
        int before4 = k2.mark("\\(VI_1\\) Entering MASTER STATE");
        h1.kill9();
        k2.awaitLog("\\(VI_1\\) Entering MASTER STATE", before4, LONG);
        assertThat(Await.until(LONG, () -> holdsVip("dir2", "192.0.2.100")))
                .as("keepalived sets its VIPs after its log line").isTrue();
    }

    @Test
    void haloAndKeepalivedOverUnicast() throws Exception {
        String k1uni = V2_PASS + "    unicast_src_ip 192.0.2.11\n    unicast_peer {\n        192.0.2.12\n    }\n";
        String h2uni = V2_PASS + "    unicast_src_ip 192.0.2.12\n    unicast_peer {\n        192.0.2.11\n    }\n";
        // Halo is master first, then keepalived joins and must stay backup on Halo's unicast adverts
        NodeProcess h2 = halo("dir2", conf("dir2", 100, h2uni));
        h2.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        NodeProcess k1 = keepalived("dir1", conf("dir1", 90, k1uni));
        k1.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        // 5 more adverts of 1 s from Halo: more than keepalived's Master_Down_Interval (3.65 s)
        h2.awaitMore("adverts_sent", 5, LONG);
        assertThat(k1.count("Entering MASTER STATE")).isZero();
        int before5 = k1.mark("\\(VI_1\\) Entering MASTER STATE");
        h2.stop(LONG);
        k1.awaitLog("\\(VI_1\\) Entering MASTER STATE", before5, LONG);
    }
}
