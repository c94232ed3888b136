package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VIP firewall's nftables text: keepalived's rules (vrrp_nftables.c) and the stopping master's silence. */
class VipFirewallTest {

    @TempDir
    Path dir;

    private final List<String> logged = new ArrayList<>();
    private final DaemonLog log = new DaemonLog(Clock.systemUTC(), null, logged::add, true);

    @Test
    void nothingHeldMeansNoTableOnlyTheRemovalOfTheOldOne() {
        VipFirewall.Settings s = new VipFirewall.Settings("halo_vrrp", -1, false, false, false);
        assertThat(VipFirewall.ruleset(s, List.of(), List.of())).isEqualTo("""
                add table inet halo_vrrp
                delete table inet halo_vrrp
                add table arp halo_vrrp
                delete table arp halo_vrrp
                """);
    }

    @Test
    void droppedAddressesAsKeepalivedsRulesWithNeighbourDiscoveryLetThrough() throws Exception {
        VipFirewall.Settings s = new VipFirewall.Settings("ka", 5, false, true, true);
        String text = VipFirewall.ruleset(s, List.of(
                new VipFirewall.Held(InetAddress.getByName("192.0.2.100"), "eth0", false),
                new VipFirewall.Held(InetAddress.getByName("2001:db8::100"), "eth0", false),
                new VipFirewall.Held(InetAddress.getByName("fe80::100"), "eth0", false),
                new VipFirewall.Held(InetAddress.getByName("fe80::101"), "eth1", true)), List.of());
        assertThat(text).startsWith(VipFirewall.removeTables("ka"))
                .contains("set vips { type ipv4_addr; elements = { 192.0.2.100 }; }")
                .contains("set vips6 { type ipv6_addr; elements = { 2001:db8::100 }; }")
                .contains("set vips_link_local { type ipv6_addr . iface_index; elements = { fe80::100 . \"eth0\" }; }")
                .contains("set vips_link_local_name { type ipv6_addr . ifname; elements = { fe80::101 . \"eth1\" }; }")
                .contains("type filter hook input priority 5; policy accept;")
                .contains("type filter hook output priority 5; policy accept;")
                .contains("ip daddr @vips counter drop").contains("ip saddr @vips counter drop")
                .contains("ip6 daddr @vips6 counter drop").contains("ip6 saddr @vips6 counter drop")
                .doesNotContain("table arp ka {");
        // neighbour discovery passes before the drops (keepalived: the VIPs still answer NS)
        assertThat(text.indexOf("icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept"))
                .isLessThan(text.indexOf("ip6 daddr @vips6"));
    }

    @Test
    void silencedAddressesSendNoArpReplyNorNeighbourAdvert() throws Exception {
        VipFirewall.Settings s = new VipFirewall.Settings("halo_vrrp", -1, false, false, false);
        String text = VipFirewall.ruleset(s, List.of(), List.of(InetAddress.getByName("192.0.2.100"),
                InetAddress.getByName("2001:db8::100")));
        assertThat(text).contains("table arp halo_vrrp {")
                .contains("arp operation reply arp saddr ip @silent drop")
                .contains("set silent6 { type ipv6_addr; elements = { 2001:db8::100 }; }")
                .contains("icmpv6 type nd-neighbor-advert ip6 saddr @silent6 drop");
        // before the rule that lets neighbour discovery through
        assertThat(text.indexOf("icmpv6 type nd-neighbor-advert ip6 saddr @silent6"))
                .isLessThan(text.indexOf("icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n    ip6 saddr"));
    }

    @Test
    void settingsFromGlobalDefs() throws Exception {
        assertThat(settings("")).isEqualTo(new VipFirewall.Settings("halo_vrrp", -1, false, false, false));
        assertThat(settings("nftables\n")).isEqualTo(new VipFirewall.Settings("halo_vrrp", -1, false, false, true));
        assertThat(settings("nftables ka_table\nnftables_priority -150\nnftables_ifindex\nnftables_counters\n"))
                .isEqualTo(new VipFirewall.Settings("ka_table", -150, true, true, true));
        assertThat(settings("vrrp_iptables\n")).isEqualTo(new VipFirewall.Settings("halo_vrrp", -1, false, false, true));
    }

    private VipFirewall.Settings settings(String global) throws Exception {
        Path p = dir.resolve("keepalived.conf");
        Files.writeString(p, "global_defs {\n" + global + "}\n");
        KeepalivedConfig c = ConfigLoader.load(p, new LoadOptions("test", false)).config();
        return VipFirewall.Settings.of(c, log);
    }
}
