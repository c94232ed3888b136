package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * virtual_ipaddress_excluded side by side with keepalived 2.2.7: set with the VIPs when the instance becomes master
 * (IPv4 and IPv6, on the instance's interface or their own dev), never in the adverts, removed when it stops.
 */
@Tag("root")
class ExcludedAddressesNetnsTest extends DirectorsLab {

    private static final Duration LONG = Duration.ofSeconds(30);

    ExcludedAddressesNetnsTest() {
        super("evip");
    }

    private Path conf(String node, int vrid, String vip) throws Exception {
        Path p = dir.resolve(node + ".conf");
        Files.writeString(p, """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority 100
                    advert_int 1
                    virtual_ipaddress {
                        %s/24
                    }
                    virtual_ipaddress_excluded {
                        203.0.113.%d/24
                        2001:db8:%d::5/64
                        198.51.100.%d/24 dev lo
                    }
                }
                """.formatted(vrid, vip, vrid, vrid, vrid));
        return p;
    }

    /** The addresses of one VRRP advert of SOURCE as tcpdump reads them, captured on dir2. */
    private String advertAddresses(String source) throws Exception {
        List<String> cmd = new ArrayList<>(lan.exec("dir2"));
        cmd.addAll(List.of("timeout", "20", "tcpdump", "-i", "eth0", "-v", "-n", "-c", "1", "ip proto 112 and src " + source));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("addrs(\\(\\d+\\))?: (.*)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(2).strip();
    }

    private String addresses(String role) throws Exception {
        return lan.ipOn(role, "-br", "addr", "show", "dev", "eth0") + lan.ipOn(role, "-br", "addr", "show", "dev", "lo");
    }

    @Test
    void excludedAddressesComeAndGoWithMastershipAndStayOutOfAdverts() throws Exception {
        NodeProcess halo = NodeProcess.halo("halo", lan.exec("dir1"), conf("halo", 61, "192.0.2.161"), dir);
        nodes.add(halo);
        NodeProcess ka = NodeProcess.keepalived("ka", lan.exec("dir2"), conf("ka", 62, "192.0.2.162"), dir);
        nodes.add(ka);
        // backups for now: no excluded address anywhere
        halo.awaitLog("\\(VI_1\\) Entering BACKUP STATE", LONG);
        assertThat(addresses("dir1")).doesNotContain("203.0.113.61").doesNotContain("2001:db8:61::5");
        halo.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        ka.awaitLog("\\(VI_1\\) Entering MASTER STATE", LONG);
        for (String[] w : List.of(new String[] {"dir1", "61"}, new String[] {"dir2", "62"})) {
            assertThat(Await.until(LONG, () -> addresses(w[0]).contains("2001:db8:" + w[1] + "::5/64"))).isTrue();
            assertThat(lan.ipOn(w[0], "-br", "addr", "show", "dev", "eth0")).as(w[0])
                    .contains("192.0.2.1" + w[1] + "/24", "203.0.113." + w[1] + "/24", "2001:db8:" + w[1] + "::5/64");
            assertThat(lan.ipOn(w[0], "-br", "addr", "show", "dev", "lo")).as(w[0]).contains("198.51.100." + w[1] + "/24");
        }
        // the adverts carry the VIP only, keepalived's as Halo's
        assertThat(advertAddresses("192.0.2.11")).isEqualTo("192.0.2.161");
        assertThat(advertAddresses("192.0.2.12")).isEqualTo("192.0.2.162");

        assertThat(halo.stop(LONG)).isZero();
        assertThat(ka.stop(LONG)).isZero();
        assertThat(addresses("dir1")).doesNotContain("203.0.113.61").doesNotContain("2001:db8:61::5")
                .doesNotContain("198.51.100.61");
        assertThat(addresses("dir2")).doesNotContain("203.0.113.62").doesNotContain("2001:db8:62::5")
                .doesNotContain("198.51.100.62");
    }
}
