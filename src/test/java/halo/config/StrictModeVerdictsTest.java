package halo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.config.source.Diagnostic;
import halo.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vrrp_strict / strict_mode and the firewall keywords read as keepalived 2.2.7 reads them: each configuration goes
 * through the real {@code keepalived -t} (in a network namespace with an eth0, so that no host-dependent message
 * mixes in) and through Halo's loader; the exit code is the same, and each of keepalived's messages is one of Halo's.
 */
@Tag("root")
class StrictModeVerdictsTest {

    @TempDir
    Path dir;

    private static final String VIP = "virtual_ipaddress {\n192.0.2.100/24\n}";

    /** name -> (global_defs lines, instance lines, VIP block). */
    private static Map<String, String[]> cases() {
        Map<String, String[]> c = new LinkedHashMap<>();
        c.put("auth", new String[] {"vrrp_strict", "authentication {\nauth_type PASS\nauth_pass abc\n}", VIP});
        c.put("master", new String[] {"vrrp_strict", "state MASTER", VIP});
        c.put("owner", new String[] {"vrrp_strict", "state MASTER\npriority 255", VIP});
        c.put("preempt_delay", new String[] {"vrrp_strict", "preempt_delay 5", VIP});
        c.put("garp_lower", new String[] {"vrrp_strict", "garp_lower_prio_repeat 2", VIP});
        c.put("higher_prio", new String[] {"vrrp_strict", "higher_prio_send_advert", VIP});
        c.put("lower_prio", new String[] {"vrrp_strict\nvrrp_lower_prio_no_advert false", "lower_prio_no_advert off", VIP});
        c.put("global_garp", new String[] {"vrrp_strict\nvrrp_garp_lower_prio_repeat 2\nvrrp_higher_prio_send_advert", "", VIP});
        c.put("accept_v2", new String[] {"vrrp_strict", "accept", VIP});
        c.put("accept_v3", new String[] {"vrrp_strict", "accept\nversion 3", VIP});
        c.put("no_vip", new String[] {"vrrp_strict", "", ""});
        c.put("no_vip_v3", new String[] {"", "version 3", ""});
        c.put("unicast", new String[] {"vrrp_strict", "unicast_peer {\n192.0.2.12\n}", VIP});
        c.put("down_timer", new String[] {"vrrp_strict", "down_timer_adverts 5", VIP});
        c.put("ipv6", new String[] {"vrrp_strict", "", "virtual_ipaddress {\n2001:db8::100/64\n}"});
        c.put("ipv6_not_strict", new String[] {"", "", "virtual_ipaddress {\n2001:db8::100/64\n}"});
        c.put("ipv6_v2", new String[] {"vrrp_strict", "version 2", "virtual_ipaddress {\nfe80::1/64\n2001:db8::100/64\n}"});
        c.put("no_accept", new String[] {"", "no_accept", VIP});
        c.put("nftables", new String[] {"nftables mytable\nnftables_priority 10\nnftables_counters\nnftables_ifindex", "", VIP});
        c.put("nftables_twice", new String[] {"nftables a\nnftables b\nnftables_priority x", "", VIP});
        c.put("vrrp_iptables", new String[] {"vrrp_iptables", "", VIP});
        c.put("vrrp_ipsets", new String[] {"vrrp_ipsets", "", VIP});
        c.put("strict_mode", new String[] {"", "strict_mode\nauthentication {\nauth_type PASS\nauth_pass abc\n}", VIP});
        c.put("strict_mode_invalid", new String[] {"vrrp_strict", "strict_mode maybe\nstate MASTER", VIP});
        c.put("strict_mode_off", new String[] {"vrrp_strict", "strict_mode off\nstate MASTER", VIP});
        return c;
    }

    @Test
    void sameVerdictsAndMessagesAsKeepalived() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for a network namespace").isTrue();
        String ns = "halo-strict-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        run("ip", "netns", "add", ns);
        try {
            run("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
            run("ip", "-n", ns, "link", "set", "eth0", "up");
            List<String> differences = new ArrayList<>();
            for (Map.Entry<String, String[]> e : cases().entrySet()) {
                String[] c = e.getValue();
                Path conf = dir.resolve(e.getKey() + ".conf");
                Files.writeString(conf, "global_defs {\n" + c[0] + "\n}\nvrrp_instance VI_1 {\ninterface eth0\n"
                        + "virtual_router_id 5\npriority 100\n" + c[1] + "\n" + c[2] + "\n}\n");
                Process p = new ProcessBuilder("ip", "netns", "exec", ns, "keepalived", "-t", "-f", conf.toString(), "-l")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                int keepalived = p.exitValue();
                LoadResult r = ConfigLoader.load(conf, new LoadOptions("test", false));
                int halo = r.exitStatus();
                List<String> haloSays = r.diagnostics().stream().map(Diagnostic::message).toList();
                List<String> missing = out.lines().filter(l -> !l.isBlank())
                        .map(l -> l.replaceFirst("^\\([^)]*Line \\d+\\) ", ""))
                        .filter(l -> haloSays.stream().noneMatch(h -> h.startsWith(l))).toList();
                if (keepalived != halo || !missing.isEmpty()) {
                    differences.add(e.getKey() + ": keepalived exits " + keepalived + ", Halo " + halo
                            + "; keepalived says, Halo does not: " + missing + "; Halo says " + haloSays);
                }
            }
            assertThat(differences).isEmpty();
        } finally {
            run("ip", "netns", "del", ns);
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }
}
