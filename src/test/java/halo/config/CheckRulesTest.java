package halo.config;

import halo.lvs.ForwardingMethod;
import halo.lvs.Protocol;
import static halo.config.Loading.ip;
import static halo.config.Loading.loadText;
import static halo.config.Loading.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** virtual_server / real_server / checker rules, each compared with keepalived 2.2.7 -t on the same text. */
class CheckRulesTest {

    @TempDir
    Path dir;

    VirtualServer onlyVs(LoadResult r) {
        assertThat(r.config()).isNotNull();
        assertThat(r.config().virtualServers()).hasSize(1);
        return r.config().virtualServers().getFirst();
    }

    @Test
    void defaultsWithKeepalivedsWarnings() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 443 {\n    real_server 192.0.2.20 443 {\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "1: Virtual server [192.0.2.10]:none:443: no protocol set - defaulting to UDP",
                "1: Virtual server [192.0.2.10]:udp:443: no scheduler set, setting default 'wlc'",
                "1: Virtual server [192.0.2.10]:udp:443: no forwarding method set, setting default NAT");
        VirtualServer vs = onlyVs(r);
        assertThat(vs.protocol()).isEqualTo(Protocol.UDP);
        assertThat(vs.scheduler()).isEqualTo("wlc");
        assertThat(vs.forwarding()).isEqualTo(ForwardingMethod.NAT);
        assertThat(vs.delayLoop()).isEqualTo(Duration.ofSeconds(60));
        assertThat(vs.quorum()).isEqualTo(1);
        assertThat(vs.persistenceTimeout()).isNull();
        RealServer rs = vs.realServers().getFirst();
        assertThat(rs.weight()).isEqualTo(1);
        assertThat(rs.forwarding()).isEqualTo(ForwardingMethod.NAT);
        assertThat(rs.checkers()).isEmpty();
        assertThat(vs.displayName()).isEqualTo("[192.0.2.10]:udp:443");
    }

    @Test
    void virtualServerWithoutRealServersIsIgnored() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lb_algo rr\n    lb_kind DR\n}\n");
        assertThat(warnings(r)).containsExactly("1: Virtual server [192.0.2.10]:tcp:80 has no real servers - ignoring");
        assertThat(r.config().virtualServers()).isEmpty();
        assertThat(r.exitStatus()).isEqualTo(5);
    }

    @Test
    void unknownSchedulerAndMethod() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lb_algo foo\n    lb_kind NATX\n"
                + "    real_server 192.0.2.20 80 {\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "3: Invalid lvs_scheduler 'foo' - ignoring (expected one of rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos)",
                "4: PARSER : unknown [NATX] routing method for virtual server. (expected NAT, DR or TUN)",
                "1: Virtual server [192.0.2.10]:tcp:80: no scheduler set, setting default 'wlc'",
                "1: Virtual server [192.0.2.10]:tcp:80: no forwarding method set, setting default NAT");
        VirtualServer vs = onlyVs(r);
        assertThat(vs.scheduler()).isEqualTo("wlc");
        assertThat(vs.forwarding()).isEqualTo(ForwardingMethod.NAT);
    }

    @Test
    void synonymsAreAccepted() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lvs_sched sh\n    sh-port\n"
                + "    lvs_method TUN type gue port 6080\n    persistence_timeout\n"
                + "    real_server 192.0.2.20 80 {\n        HTTP_GET {\n            url {\n                path /health\n"
                + "                status_code 200-299 301\n            }\n            retry 4\n        }\n    }\n}\n");
        assertThat(r.diagnostics()).isEmpty();
        VirtualServer vs = onlyVs(r);
        assertThat(vs.scheduler()).isEqualTo("sh");
        assertThat(vs.schedulerFlags()).containsExactly("sh-port");
        assertThat(vs.forwarding()).isEqualTo(ForwardingMethod.TUN);
        assertThat(vs.tunnel()).isEqualTo(new Tunnel(Tunnel.Type.GUE, 6080, null));
        assertThat(vs.persistenceTimeout()).isEqualTo(Duration.ofSeconds(360));
        Checker.Http http = (Checker.Http) vs.realServers().getFirst().checkers().getFirst();
        assertThat(http.urls().getFirst().statusCodes())
                .containsExactly(new Checker.StatusRange(200, 299), new Checker.StatusRange(301, 301));
        assertThat(http.common().retry()).isEqualTo(4);
        assertThat(http.common().delayBeforeRetry()).isEqualTo(Duration.ofSeconds(3));
        assertThat(http.common().warmup()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void nbGetRetryIsUnknownInTcpCheckAndDeprecatedInHttpGet() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lb_algo rr\n    lb_kind DR\n"
                + "    real_server 192.0.2.20 80 {\n        nb_get_retry 2\n        TCP_CHECK {\n            nb_get_retry 3\n        }\n"
                + "        HTTP_GET {\n            url {\n                path /\n            }\n            nb_get_retry 5\n        }\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "6: Unknown keyword 'nb_get_retry'",
                "8: Unknown keyword 'nb_get_retry'",
                "14: nb_get_retry is deprecated - please use 'retry'");
        List<Checker> checkers = onlyVs(r).realServers().getFirst().checkers();
        assertThat(checkers.get(0).common().retry()).isEqualTo(1);
        assertThat(checkers.get(1).common().retry()).isEqualTo(5);
    }

    @Test
    void checkerValuesInheritFromRealAndVirtualServer() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lb_algo rr\n    lb_kind NAT\n"
                + "    delay_loop 10\n    alpha\n    real_server 192.0.2.20 8080 {\n        connect_timeout 2\n        retry 7\n"
                + "        TCP_CHECK {\n            delay_before_retry 0.5\n        }\n        MISC_CHECK {\n"
                + "            misc_path \"/usr/local/bin/check 192.0.2.20\"\n        }\n        DNS_CHECK {\n            name example.org\n"
                + "            connect_port 53\n        }\n    }\n}\n");
        assertThat(warnings(r)).isEmpty();
        RealServer rs = onlyVs(r).realServers().getFirst();
        assertThat(rs.port()).isEqualTo(8080); // NAT: ports may differ
        Checker.Common tcp = rs.checkers().get(0).common();
        assertThat(tcp).isEqualTo(new Checker.Common(ip("192.0.2.20"), 8080, null, 0, null, 0, Duration.ofSeconds(2), 7,
                Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(10), true, false));
        Checker.Misc misc = (Checker.Misc) rs.checkers().get(1);
        assertThat(misc.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(misc.common().retry()).isEqualTo(7);
        assertThat(misc.common().connectPort()).isZero();
        Checker.Dns dns = (Checker.Dns) rs.checkers().get(2);
        assertThat(dns.type()).isEqualTo("SOA");
        assertThat(dns.name()).isEqualTo("example.org");
        assertThat(dns.common().delayBeforeRetry()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void drPortsMustMatch() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lb_algo rr\n    lb_kind DR\n"
                + "    real_server 192.0.2.21 81 {\n        TCP_CHECK {\n        }\n    }\n    real_server 192.0.2.21 81 {\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "9: VS [192.0.2.10]:tcp:80: real server [192.0.2.21]:tcp:81 is duplicated - removing second rs",
                "5: WARNING - virtual server [192.0.2.10]:tcp:80 and real server [192.0.2.21]:tcp:81 ports don't match - resetting");
        RealServer rs = onlyVs(r).realServers().getFirst();
        assertThat(rs.port()).isEqualTo(80);
        assertThat(rs.checkers().getFirst().common().connectPort()).isEqualTo(81); // as written, like keepalived
    }

    @Test
    void quorumAndHysteresisCorrected() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lb_algo rr\n    lb_kind DR\n"
                + "    quorum 10\n    hysteresis 20\n    real_server 192.0.2.21 80 {\n        weight 3\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "1: Warning - quorum 10 for [192.0.2.10]:tcp:80 exceeds total weight of real servers 3, reducing quorum to 3",
                "1: Virtual server [192.0.2.10]:tcp:80: hysteresis 20 >= quorum 3; setting hysteresis to 2");
        VirtualServer vs = onlyVs(r);
        assertThat(vs.quorum()).isEqualTo(3);
        assertThat(vs.hysteresis()).isEqualTo(2);
    }

    @Test
    void schedulerFlagNeedsItsScheduler() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lb_algo rr\n    sh-port\n    lb_kind DR\n"
                + "    real_server 192.0.2.21 80 {\n    }\n}\n");
        assertThat(warnings(r)).containsExactly("4: sh-port only applies to sh scheduler - ignoring");
        assertThat(onlyVs(r).schedulerFlags()).isEmpty();
    }

    @Test
    void zeroPortNeedsPersistence() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 0 {\n    protocol TCP\n    lb_algo rr\n    lb_kind DR\n"
                + "    real_server 192.0.2.21 0 {\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "1: Virtual server [192.0.2.10]:tcp:0: zero port only valid for persistent services - setting");
        assertThat(onlyVs(r).persistenceTimeout()).isEqualTo(Duration.ofSeconds(360));
    }

    @Test
    void groupsAndFwmarks() {
        LoadResult r = loadText(dir, "virtual_server_group G1 {\n    192.0.2.1-10 80\n    fwmark 5\n}\n"
                + "virtual_server group G1 {\n    protocol TCP\n    lb_algo rr\n    lb_kind NAT\n"
                + "    real_server 192.0.2.20 8080 {\n        weight 2\n    }\n}\n");
        assertThat(warnings(r)).isEmpty();
        KeepalivedConfig c = r.config();
        assertThat(c.virtualServerGroup("G1").orElseThrow().entries()).containsExactly(
                new VirtualServerGroup.Range(ip("192.0.2.1"), ip("192.0.2.10"), 80), new VirtualServerGroup.Fwmark(5));
        VirtualServer vs = onlyVs(r);
        assertThat(vs.address()).isEqualTo(new VirtualServerAddress.Group("G1"));
        assertThat(vs.realServers().getFirst().weight()).isEqualTo(2);
    }

    @Test
    void undefinedGroup() {
        LoadResult r = loadText(dir, "virtual_server group NOPE {\n    protocol TCP\n    real_server 192.0.2.20 80 {\n    }\n}\n");
        assertThat(warnings(r)).containsExactly("1: Virtual server group NOPE is not defined - skipping virtual server");
        assertThat(r.config().virtualServers()).isEmpty();
    }

    @Test
    void invalidAddresses() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.300 80 {\n    protocol TCP\n}\n"
                + "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lb_algo rr\n    lb_kind DR\n"
                + "    real_server 192.0.2.999 80 {\n    }\n    real_server 192.0.2.20 80 {\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "1: Invalid virtual server IP address/port 192.0.2.300/80 - skipping",
                "8: Invalid real server ip address/port 192.0.2.999/80 - skipping");
        assertThat(onlyVs(r).realServers()).extracting(RealServer::address).containsExactly(ip("192.0.2.20"));
    }

    @Test
    void checkersOfEveryKind() {
        String text = "track_file tf {\n    file /run/tf\n    weight 2\n}\nbfd_instance b1 {\n    neighbor_ip 192.0.2.30\n}\n"
                + "virtual_server 192.0.2.10 53 {\n    protocol UDP\n    lb_algo rr\n    lb_kind NAT\n"
                + "    real_server 192.0.2.20 53 {\n"
                + "        UDP_CHECK {\n            payload 0a0b\n            require_reply 0aXX\n        }\n"
                + "        PING_CHECK {\n        }\n"
                + "        SMTP_CHECK {\n            helo_name mx.example.org\n            connect_port 25\n        }\n"
                + "        SSL_GET {\n            url {\n                path /\n                digest 9b3a0c85a887a256d6939da88aabd8cd\n            }\n            enable_sni\n        }\n"
                + "        FILE_CHECK {\n            track_file tf\n            weight -3 reverse\n        }\n"
                + "        BFD_CHECK {\n            name b1\n        }\n"
                + "    }\n}\n";
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).isEmpty();
        List<Checker> cs = onlyVs(r).realServers().getFirst().checkers();
        assertThat(cs).hasSize(6);
        Checker.Udp udp = (Checker.Udp) cs.get(0);
        assertThat(udp.payload()).isEqualTo("0a0b");
        assertThat(udp.requireReply()).isEqualTo("0axx");
        assertThat(cs.get(1)).isInstanceOf(Checker.Ping.class);
        assertThat(((Checker.Smtp) cs.get(2)).heloName()).isEqualTo("mx.example.org");
        assertThat(cs.get(2).common().connectPort()).isEqualTo(25);
        Checker.Http ssl = (Checker.Http) cs.get(3);
        assertThat(ssl.ssl()).isTrue();
        assertThat(ssl.enableSni()).isTrue();
        assertThat(ssl.urls().getFirst().digest()).isEqualTo("9b3a0c85a887a256d6939da88aabd8cd");
        assertThat(ssl.urls().getFirst().statusCodes()).isEmpty(); // the digest decides
        assertThat((Checker.File) cs.get(4)).isEqualTo(new Checker.File(cs.get(4).common(), "tf", -3, true));
        assertThat(((Checker.Bfd) cs.get(5)).name()).isEqualTo("b1");
        assertThat(r.config().bfdInstances().getFirst().minRx()).isEqualTo(Duration.ofMillis(10));
        assertThat(r.config().trackFiles().getFirst().weight()).isEqualTo(2);
    }

    @Test
    void fwmarkVirtualServerClearsPortsAndProtocol() {
        LoadResult r = loadText(dir, "virtual_server fwmark 3 {\n    protocol TCP\n    lb_algo rr\n    lb_kind DR\n"
                + "    sorry_server 192.0.2.99 80\n    real_server 192.0.2.11 80 {\n        TCP_CHECK {\n        }\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "2: Warning: Virtual server FWM 3: protocol specified for fwmark - protocol will be ignored",
                "6: WARNING - fwmark virtual server FWM 3, real server [192.0.2.11]:none:80 has port specified - clearing",
                "5: WARNING - virtual server FWM 3, sorry server has port specified - clearing");
        VirtualServer vs = onlyVs(r);
        assertThat(vs.protocol()).isNull();
        assertThat(vs.realServers().getFirst().port()).isZero();
        assertThat(vs.realServers().getFirst().checkers().getFirst().common().connectPort()).isEqualTo(80);
        assertThat(vs.sorryServer().port()).isZero();
    }

    @Test
    void checkersMissingTheirEssentialsAreSkipped() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 80 {\n    protocol tcp\n    lb_algo rr\n    lb_kind dr\n"
                + "    real_server 192.0.2.20 80 {\n        MISC_CHECK {\n        }\n        HTTP_GET {\n        }\n"
                + "        TCP_CHECK {\n            connect_port 0\n        }\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "4: PARSER : unknown [dr] routing method for virtual server. (expected NAT, DR or TUN)",
                "11: number '0' outside range [1, 65535]",
                "11: Invalid checker connect_port '0'",
                "1: Virtual server [192.0.2.10]:tcp:80: no forwarding method set, setting default NAT",
                "6: No script path has been specified for MISC_CHECKER - skipping",
                "8: HTTP/SSL_GET checker has no urls specified - ignoring");
        VirtualServer vs = onlyVs(r);
        assertThat(vs.protocol()).isEqualTo(Protocol.TCP); // protocol is case-insensitive, lb_kind is not
        assertThat(vs.realServers().getFirst().checkers()).singleElement()
                .satisfies(c -> assertThat(c.common().connectPort()).isEqualTo(80));
    }

    @Test
    void valuesCheckedAsKeepalived() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lb_algo rr\n    lb_kind NAT\n"
                + "    delay_loop abc\n    persistence_timeout 0\n    quorum 0\n    real_server 192.0.2.20 80 {\n"
                + "        weight 70000\n        TCP_CHECK {\n            connect_timeout -1\n            retry -2\n        }\n    }\n"
                + "    real_server 192.0.2.21 80 {\n        weight -1\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "5: invalid number 'abc'",
                "5: virtual server delay loop 'abc' invalid - ignoring",
                "6: number '0' outside range [1, 2678400]",
                "6: persistence_timeout invalid",
                "7: number '0' outside range [1, 4294967295]",
                "7: Quorum 0 must be in [1, 4294967295]. Setting to 1.",
                "11: negative number '-1'",
                "11: connect_timeout -1 invalid - ignoring",
                "12: negative number '-2'",
                "12: Invalid retry connection value '-2'",
                "16: negative number '-1'",
                "16: Real server weight -1 is outside range 0-2147483647");
        VirtualServer vs = onlyVs(r);
        assertThat(vs.delayLoop()).isEqualTo(Duration.ofSeconds(60));
        assertThat(vs.persistenceTimeout()).isNull();
        assertThat(vs.quorum()).isEqualTo(1);
        assertThat(vs.realServers()).extracting(RealServer::weight).containsExactly(70000, 1);
        Checker.Common c = vs.realServers().getFirst().checkers().getFirst().common();
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.retry()).isEqualTo(1);
    }

    @Test
    void checkersTakeOnlyTheirOwnKeywords() {
        LoadResult r = loadText(dir, "track_file tf {\n    file /run/tf\n}\n"
                + "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lb_algo rr\n    lb_kind NAT\n    retry 4\n"
                + "    real_server 192.0.2.20 80 {\n        MISC_CHECK {\n            misc_path /bin/true\n"
                + "            connect_ip 192.0.2.21\n            retry 2\n        }\n"
                + "        FILE_CHECK {\n            track_file tf\n            retry 3\n        }\n    }\n}\n");
        // keepalived 2.2.7: MISC_CHECK does not connect, FILE_CHECK takes only track_file and weight
        assertThat(warnings(r)).containsExactly("12: Unknown keyword 'connect_ip'", "17: Unknown keyword 'retry'");
        List<Checker> cs = onlyVs(r).realServers().getFirst().checkers();
        assertThat(cs.get(0).common().retry()).isEqualTo(2);
        assertThat(cs.get(0).common().connectIp()).isEqualTo(ip("192.0.2.20"));
        assertThat(cs.get(1).common().retry()).isEqualTo(4); // the virtual server's
    }

    @Test
    void sorryInhibitOpsAndMiscTimeoutAsKeepalived() {
        LoadResult r = loadText(dir, "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lb_algo rr\n    lb_kind NAT\n"
                + "    sorry_server_inhibit\n    ops\n    real_server 192.0.2.20 80 {\n        MISC_CHECK {\n"
                + "            misc_path /bin/true\n            misc_timeout 1.5\n        }\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "5: Ignoring sorry_server inhibit used before or without sorry_server",
                "10: invalid number '1.5'",
                "10: Invalid misc_timeout value '1.5'",
                "1: Virtual server [192.0.2.10]:tcp:80: one packet scheduling requires UDP - resetting");
        VirtualServer vs = onlyVs(r);
        assertThat(vs.otherSettings()).isEmpty();
        assertThat(((Checker.Misc) vs.realServers().getFirst().checkers().getFirst()).timeout()).isEqualTo(vs.delayLoop());
    }

    @Test
    void connectTimeoutAndBfdAsKeepalived() {
        LoadResult r = loadText(dir, "bfd_instance b1 {\n    neighbor_ip 192.0.2.30\n    weight 5\n    ttl 10\n    max_hops 20\n}\n"
                + "virtual_server 192.0.2.10 80 {\n    protocol TCP\n    lb_algo rr\n    lb_kind NAT\n    connect_timeout 0\n"
                + "    real_server 192.0.2.20 80 {\n        connect_timeout 0\n        TCP_CHECK {\n            connect_timeout 0\n"
                + "        }\n        BFD_CHECK {\n            name b1\n            weight 3\n        }\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "11: number '0' outside range [0.000001, 4294.967295]",
                "11: virtual server connect_timeout 0 invalid - ignoring",
                "13: number '0' outside range [0.000001, 4294.967295]",
                "13: real server connect_timeout 0 invalid - ignoring",
                "15: number '0' outside range [0.000001, 4294.967295]",
                "15: connect_timeout 0 invalid - ignoring",
                "19: Unknown keyword 'weight'",
                "1: BFD instance b1: max_hops exceeds ttl/hoplimit - setting to ttl/hoplimit");
        BfdInstance b = r.config().bfdInstances().getFirst();
        assertThat(b.maxHops()).isEqualTo(10);
        assertThat(b.weight()).isEqualTo(5);
        assertThat(onlyVs(r).realServers().getFirst().checkers().getFirst().common().connectTimeout())
                .isEqualTo(Duration.ofSeconds(5));
    }
}
