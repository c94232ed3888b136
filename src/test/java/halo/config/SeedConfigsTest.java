package halo.config;

import halo.lvs.ForwardingMethod;
import halo.lvs.Protocol;
import static halo.config.Loading.ip;
import static halo.config.Loading.loadSeed;
import static halo.config.Loading.notUsed;
import static halo.config.Loading.prefix;
import static halo.config.Loading.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The keepalived.conf blocks of the tutorials in ../shared/seeds, as users copy them. Each gives the model a user
 * expects and the warnings keepalived 2.2.7 gives with -t (its messages for missing interfaces and script files,
 * which depend on the host, are left out: Halo's config layer does no I/O).
 */
class SeedConfigsTest {

    @Test
    void lvsDrMasterWithTcpChecks() {
        LoadResult r = loadSeed("seed000-node1.conf");
        // keepalived 2.2.7: "(Line 33) Unknown keyword 'nb_get_retry'" - it is not a TCP_CHECK keyword
        assertThat(warnings(r)).containsExactly(
                "33: Unknown keyword 'nb_get_retry'",
                "42: Unknown keyword 'nb_get_retry'");
        assertThat(r.exitStatus()).isEqualTo(5);
        KeepalivedConfig c = r.config();
        assertThat(c.global().routerId()).isEqualTo("LVS_Master");
        VrrpInstance vi = c.vrrpInstance("VI_1").orElseThrow();
        assertThat(vi.state()).isEqualTo(InitialState.MASTER);
        assertThat(vi.interfaceName()).isEqualTo("ens33");
        assertThat(vi.virtualRouterId()).isEqualTo(66);
        assertThat(vi.priority()).isEqualTo(100);
        assertThat(vi.advertInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(vi.version()).isEqualTo(2);
        assertThat(vi.preempt()).isTrue();
        assertThat(vi.authentication()).isEqualTo(new Authentication(Authentication.Type.PASS, "1111"));
        assertThat(vi.virtualAddresses()).extracting(VirtualAddress::address).containsExactly(prefix("192.168.1.100/32"));
        assertThat(vi.multicastGroup()).isEqualTo(ip("224.0.0.18"));
        assertThat(vi.garp().masterRepeat()).isEqualTo(5);
        assertThat(vi.garp().masterDelay()).isEqualTo(Duration.ofSeconds(5));

        VirtualServer vs = c.virtualServers().getFirst();
        assertThat(vs.address()).isEqualTo(new VirtualServerAddress.Socket(ip("192.168.1.100"), 80));
        assertThat(vs.protocol()).isEqualTo(Protocol.TCP);
        assertThat(vs.scheduler()).isEqualTo("wrr");
        assertThat(vs.forwarding()).isEqualTo(ForwardingMethod.DR);
        assertThat(vs.persistenceTimeout()).isEqualTo(Duration.ofSeconds(50));
        assertThat(vs.delayLoop()).isEqualTo(Duration.ofSeconds(6));
        assertThat(vs.quorum()).isEqualTo(1);
        assertThat(vs.realServers()).extracting(RealServer::address).containsExactly(ip("192.168.1.30"), ip("192.168.1.40"));
        RealServer rs = vs.realServers().getFirst();
        assertThat(rs.port()).isEqualTo(80);
        assertThat(rs.weight()).isEqualTo(3);
        assertThat(rs.forwarding()).isEqualTo(ForwardingMethod.DR);
        Checker.Tcp tcp = (Checker.Tcp) rs.checkers().getFirst();
        // nb_get_retry was ignored: retry keeps TCP_CHECK's default of 1
        assertThat(tcp.common()).isEqualTo(new Checker.Common(ip("192.168.1.30"), 80, null, 0, null, 0,
                Duration.ofSeconds(3), 1, Duration.ofSeconds(3), Duration.ofSeconds(6), Duration.ofSeconds(6), false, false));
    }

    @Test
    void lvsDrBackupNode() {
        LoadResult r = loadSeed("seed000-node2.conf");
        assertThat(warnings(r)).containsExactly(
                "31: Unknown keyword 'nb_get_retry'",
                "40: Unknown keyword 'nb_get_retry'");
        VrrpInstance vi = r.config().vrrpInstances().getFirst();
        assertThat(vi.state()).isEqualTo(InitialState.BACKUP);
        assertThat(vi.priority()).isLessThan(100);
        assertThat(vi.virtualRouterId()).isEqualTo(66);
        assertThat(r.config().virtualServers()).hasSize(1);
    }

    @Test
    void nginxPairsRunAndSayRouterIdIsNotUsed() {
        for (String seed : List.of("seed002-a.conf", "seed002-b.conf", "seed002-c.conf", "seed002-d.conf")) {
            LoadResult r = loadSeed(seed);
            // keepalived calls them valid; Halo runs them too but says router_id does nothing in Halo
            assertThat(r.diagnostics().stream().filter(d -> !d.message().endsWith(Loading.NOT_USED))).as(seed).isEmpty();
            assertThat(notUsed(r)).as(seed).containsExactly("3: router_id");
            assertThat(r.exitStatus()).isEqualTo(LoadResult.RUNS_AFTER_CORRECTIONS);
            VrrpInstance vi = r.config().vrrpInstances().getFirst();
            assertThat(vi.name()).isEqualTo("VI_1");
            assertThat(vi.interfaceName()).isEqualTo("eth0");
            assertThat(vi.virtualRouterId()).isEqualTo(50);
            assertThat(vi.virtualAddresses()).extracting(VirtualAddress::address).containsExactly(prefix("10.0.0.3/32"));
        }
        assertThat(loadSeed("seed002-a.conf").config().vrrpInstances().getFirst().state()).isEqualTo(InitialState.MASTER);
        assertThat(loadSeed("seed002-b.conf").config().vrrpInstances().getFirst().state()).isEqualTo(InitialState.BACKUP);
    }

    @Test
    void nginxWithCheckScript() {
        LoadResult r = loadSeed("seed002-e.conf");
        assertThat(warnings(r)).isEmpty();
        KeepalivedConfig c = r.config();
        VrrpScript check = c.vrrpScript("check").orElseThrow();
        assertThat(check.script().commandLine()).isEqualTo("/server/scripts/check_list");
        assertThat(check.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(check.timeout()).isEqualTo(check.interval());
        assertThat(check.weight()).isEqualTo(-5);
        assertThat(check.fall()).isEqualTo(2);
        assertThat(check.rise()).isEqualTo(1);
        assertThat(c.vrrpInstances().getFirst().trackScripts()).containsExactly(TrackRef.of("check"));
        assertThat(c.vrrpInstances().getFirst().priority()).isEqualTo(150);
    }

    @Test
    void lvsDrWithStrayTextLine() {
        LoadResult r = loadSeed("seed003-dr.conf");
        assertThat(warnings(r)).containsExactly(
                "40: Unknown keyword '适用于长连接的情况'",
                "48: Unknown keyword 'nb_get_retry'",
                "57: Unknown keyword 'nb_get_retry'");
        KeepalivedConfig c = r.config();
        assertThat(c.global().routerId()).isEqualTo("LVS_DEVEL");
        assertThat(c.global().strict()).isFalse();
        VrrpInstance vi = c.vrrpInstances().getFirst();
        assertThat(vi.interfaceName()).isEqualTo("enp0s8");
        assertThat(vi.preempt()).isTrue(); // "#nopreempt" is a comment
        VirtualServer vs = c.virtualServers().getFirst();
        assertThat(vs.persistenceTimeout()).isNull();
        assertThat(vs.protocol()).isEqualTo(Protocol.TCP); // the line after the stray text still counts
        assertThat(vs.realServers()).extracting(RealServer::address).containsExactly(ip("10.0.2.62"), ip("10.0.2.63"));
    }

    @Test
    void singleMasterWithLabelsAndMulticastGroup() {
        LoadResult r = loadSeed("seed004-single-master.conf");
        assertThat(warnings(r)).containsExactly("11: (VI_1) Ignoring track_interface eth0 since own interface");
        KeepalivedConfig c = r.config();
        assertThat(c.global().notificationEmails()).containsExactly("root@localhost");
        assertThat(c.global().notificationEmailFrom()).isEqualTo("keepalived@localhost");
        assertThat(c.global().smtpServer()).isEqualTo("127.0.0.1");
        assertThat(c.global().smtpConnectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.global().multicastGroup4()).isEqualTo(ip("224.0.100.100"));
        VrrpInstance vi = c.vrrpInstances().getFirst();
        assertThat(vi.multicastGroup()).isEqualTo(ip("224.0.100.100"));
        VirtualAddress vip = vi.virtualAddresses().getFirst();
        assertThat(vip.address()).isEqualTo(prefix("172.18.100.66/16"));
        assertThat(vip.device()).isEqualTo("eth0");
        assertThat(vip.label()).isEqualTo("eth0:0");
        assertThat(vi.trackInterfaces()).isEmpty(); // its own interface: keepalived drops it
        assertThat(vi.authentication().password()).isEqualTo("571f97b2");
    }

    @Test
    void dualMasterHasTwoInstances() {
        LoadResult r = loadSeed("seed004-dual-master.conf");
        assertThat(r.diagnostics().stream().filter(d -> !d.message().endsWith(Loading.NOT_USED))).isEmpty();
        assertThat(notUsed(r)).containsExactly("2: notification_email", "5: notification_email_from",
                "6: smtp_server", "7: smtp_connect_timeout", "8: router_id");
        assertThat(r.config().vrrpInstances()).extracting(VrrpInstance::name, VrrpInstance::virtualRouterId,
                        VrrpInstance::state, VrrpInstance::priority)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("VI_1", 6, InitialState.MASTER, 100),
                        org.assertj.core.groups.Tuple.tuple("VI_2", 8, InitialState.BACKUP, 98));
    }

    @Test
    void ipvsSingleMasterWithHttpGetAndSorryServer() {
        LoadResult r = loadSeed("seed004-ipvs-single-master.conf");
        // nb_get_retry written in real_server (after the HTTP_GET block) is unknown there
        assertThat(warnings(r)).containsExactly("43: Unknown keyword 'nb_get_retry'");
        KeepalivedConfig c = r.config();
        VrrpInstance vi = c.vrrpInstances().getFirst();
        assertThat(vi.notifyScripts().master()).isEqualTo(ScriptCommand.of("/etc/keepalived/notify.sh master"));
        assertThat(vi.notifyScripts().master().argv()).containsExactly("/etc/keepalived/notify.sh", "master");
        assertThat(vi.notifyScripts().fault().commandLine()).isEqualTo("/etc/keepalived/notify.sh fault");
        VirtualServer vs = c.virtualServers().getFirst();
        assertThat(vs.delayLoop()).isEqualTo(Duration.ofSeconds(3));
        assertThat(vs.sorryServer().address()).isEqualTo(ip("127.0.0.1"));
        assertThat(vs.sorryServer().port()).isEqualTo(80);
        RealServer rs = vs.realServers().getFirst();
        // connect_timeout and delay_before_retry written on the real server are inherited by its checker
        Checker.Http http = (Checker.Http) rs.checkers().getFirst();
        assertThat(http.ssl()).isFalse();
        assertThat(http.urls()).containsExactly(new Checker.Url("/", null,
                List.of(new Checker.StatusRange(200, 200)), null, null, false, List.of()));
        assertThat(http.common().connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(http.common().delayBeforeRetry()).isEqualTo(Duration.ofSeconds(1));
        assertThat(http.common().retry()).isEqualTo(1);
        assertThat(http.common().delayLoop()).isEqualTo(Duration.ofSeconds(3));
        assertThat(http.common().connectPort()).isEqualTo(80);
    }

    @Test
    void slideFragmentsGiveKeepalivedsWarningsAndFwmarkCorrections() {
        LoadResult r = loadSeed("seed004-lvs-dual-master.conf");
        List<String> w = warnings(r);
        // the fragments left outside their vrrp_instance are unknown at top level, blocks ignored as keepalived does
        assertThat(w).contains(
                "27: Unknown keyword 'track_interface'",
                "27: Unexpected '{' - ignoring",
                "28: Unknown keyword 'eth0'",
                "30: Unknown keyword 'notify_master'",
                "45: Unknown keyword 'virtual_ipaddress'",
                "46: Unknown keyword '172.16.0.90/16'",
                "59: Unknown keyword 'nat_mask'",
                "70: nb_get_retry is deprecated - please use 'retry'",
                "34: (VI_2) No VIP specified; at least one is sensible",
                "60: Warning: Virtual server FWM 3: protocol specified for fwmark - protocol will be ignored",
                "62: WARNING - fwmark virtual server FWM 3, real server [172.16.0.11]:none:80 has port specified - clearing",
                "61: WARNING - virtual server FWM 3, sorry server has port specified - clearing");
        KeepalivedConfig c = r.config();
        assertThat(c.vrrpInstances()).extracting(VrrpInstance::name).containsExactly("VI_1", "VI_2");
        assertThat(c.vrrpInstance("VI_2").orElseThrow().virtualAddresses()).isEmpty();
        assertThat(c.vrrpInstance("VI_1").orElseThrow().trackInterfaces()).isEmpty();
        VirtualServer vs = c.virtualServers().getFirst();
        assertThat(vs.address()).isEqualTo(new VirtualServerAddress.Fwmark(3, AddressFamily.IPV4));
        assertThat(vs.protocol()).isNull();
        assertThat(vs.sorryServer().port()).isZero();
        RealServer rs = vs.realServers().getFirst();
        assertThat(rs.port()).isZero();
        Checker.Http http = (Checker.Http) rs.checkers().getFirst();
        assertThat(http.common().retry()).isEqualTo(3); // the deprecated spelling is honoured in HTTP_GET
        assertThat(http.common().connectPort()).isEqualTo(80); // as written on the real server
        assertThat(http.common().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void misspelledVrrpScriptBlocksAreIgnoredAndTheirTrackScriptsDropped() {
        LoadResult r = loadSeed("seed004-nginx.conf");
        assertThat(warnings(r)).containsSubsequence(
                "11: Unknown keyword 'vrp_script'",
                "11: Unexpected '{' - ignoring",
                "12: Unknown keyword 'script'",
                "13: Unknown keyword 'interval'",
                "14: Unknown keyword 'weight'",
                "17: Unknown keyword 'vrp_script'",
                "21: Unknown keyword 'fall'",
                "38: (VI_1) track script chk_down not found, ignoring...",
                "39: (VI_1) track script chk_nginx not found, ignoring...");
        KeepalivedConfig c = r.config();
        assertThat(c.vrrpScripts()).isEmpty();
        assertThat(c.vrrpInstances().getFirst().trackScripts()).isEmpty();
        assertThat(r.exitStatus()).isEqualTo(5);
    }

    @Test
    void everySeedSurvivesDumpAndReload(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/test/resources/seeds"))) {
            for (java.nio.file.Path f : files.sorted().toList()) {
                LoadResult first = ConfigLoader.load(f, new LoadOptions("test", false));
                KeepalivedConfig c = first.config();
                String text = ConfigWriter.write(c);
                LoadResult again = Loading.loadText(dir, text);
                // the dump corrects what keepalived corrects; only facts about the result may be reported again
                var before = first.diagnostics().stream().map(d -> d.message()).toList();
                assertThat(again.diagnostics()).as(f + "\n" + text).allMatch(d -> before.contains(d.message()));
                assertThat(again.config()).as(f.toString()).isEqualTo(c);
            }
        }
    }
}
