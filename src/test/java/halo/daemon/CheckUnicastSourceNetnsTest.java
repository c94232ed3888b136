package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * check_unicast_src (and the global vrrp_check_unicast_src) with unicast_peer's min_ttl / max_ttl, side by side with
 * keepalived 2.2.7: a keepalived master on dir2 sends unicast adverts (TTL 255) to dir1, where Halo and then keepalived
 * run the same backup configuration; both drop or take the adverts alike, with the same log line.
 */
@Tag("root")
class CheckUnicastSourceNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(30);

    CheckUnicastSourceNetnsTest() {
        super("ucsrc");
    }

    private Path conf(String name, String global, int priority, String source, String peers, String extra) throws Exception {
        Path p = dir.resolve(name + ".conf");
        Files.writeString(p, """
                global_defs {
                    %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    advert_int 1
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    %s
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """.formatted(global, priority, source, peers, extra));
        return p;
    }

    /** dir1 runs CONFIG with Halo, then with keepalived, against keepalived's master on dir2. */
    private void bothSee(String global, String peers, String extra, String logLine, boolean master) throws Exception {
        Path backup = conf("backup", global, 100, "192.0.2.11", peers, extra);
        for (boolean halo : List.of(true, false)) {
            NodeProcess d1 = halo ? NodeProcess.halo("halo", lan.exec("dir1"), backup, dir)
                    : NodeProcess.keepalived("ka1", lan.exec("dir1"), backup, dir);
            nodes.add(d1);
            String who = (halo ? "Halo" : "keepalived") + " with " + peers + " " + extra + " " + global;
            if (logLine != null) {
                d1.awaitLog(java.util.regex.Pattern.quote(logLine), LONG);
            }
            if (master) {
                d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
            } else {
                d1.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
                assertThat(Await.until(Duration.ofSeconds(4), () -> d1.log().contains("Entering MASTER STATE")))
                        .as(who).isFalse();
            }
            if (logLine == null) {
                assertThat(d1.log()).as(who).doesNotContain("not a unicast peer").doesNotContain("not in range");
            }
            assertThat(d1.stop(LONG)).isZero();
        }
    }

    @Test
    void advertsFromAnotherThanTheUnicastPeersOrOutsideTheirTtlRangeAreDropped() throws Exception {
        NodeProcess master = NodeProcess.keepalived("ka2", lan.exec("dir2"),
                conf("master", "", 150, "192.0.2.12", "192.0.2.11", ""), dir);
        nodes.add(master);
        master.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);

        // without the check any sender goes
        bothSee("", "192.0.2.99", "", null, false);
        // a sender not among the peers
        bothSee("", "192.0.2.99", "check_unicast_src",
                "(VI_1) unicast source address 192.0.2.12 not a unicast peer", true);
        bothSee("vrrp_check_unicast_src", "192.0.2.99", "",
                "(VI_1) unicast source address 192.0.2.12 not a unicast peer", true);
        // the peer, but its TTL (255) out of range; then in range
        bothSee("", "192.0.2.12 min_ttl 10 max_ttl 254", "check_unicast_src", "(VI_1) TTL/HL 255 not in range 10 - 254", true);
        bothSee("", "192.0.2.12 min_ttl 255 max_ttl 255", "check_unicast_src", null, false);
    }

    /** The TTL of one VRRP advert from dir1 as tcpdump on dir2 reads it. */
    private String advertTtl() throws Exception {
        List<String> cmd = new java.util.ArrayList<>(lan.exec("dir2"));
        cmd.addAll(List.of("timeout", "20", "tcpdump", "-i", "eth0", "-v", "-n", "-c", "1", "ip proto 112 and src 192.0.2.11"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ttl (\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }

    @Test
    void unicastTtlSetsTheTtlOfUnicastAdverts() throws Exception {
        Path c = conf("ttl", "", 150, "192.0.2.11", "192.0.2.12", "unicast_ttl 64");
        for (boolean halo : List.of(true, false)) {
            NodeProcess d1 = halo ? NodeProcess.halo("halo", lan.exec("dir1"), c, dir)
                    : NodeProcess.keepalived("ka1", lan.exec("dir1"), c, dir);
            nodes.add(d1);
            d1.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
            assertThat(advertTtl()).as(halo ? "Halo" : "keepalived").isEqualTo("64");
            assertThat(d1.stop(LONG)).isZero();
        }
    }
}
