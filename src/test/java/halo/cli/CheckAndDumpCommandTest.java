package halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** halo check / halo dump-conf as an operator runs them: exit status, stderr, stdout. */
class CheckAndDumpCommandTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {}

    /** Runs check as if every interface existed, so results do not depend on this host's interfaces. */
    static Run check(String... args) {
        CheckCommand c = new CheckCommand();
        c.interfaceExists = name -> true;
        return run(c, args);
    }

    static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    Path file(String text) throws Exception {
        Path f = Files.createTempFile(dir, "keepalived", ".conf");
        Files.writeString(f, text);
        return f;
    }

    static final String VALID = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                virtual_ipaddress {
                    192.0.2.10/24
                }
            }
            """;

    static final String DIRECT_ROUTING = """
            virtual_server 192.0.2.10 80 {
                lb_algo wrr
                lb_kind DR
                protocol TCP
                real_server 192.0.2.21 80 {
                    weight 1
                }
            }
            """;

    /**
     * A DR virtual server and the userspace proxy: with auto, keepalived's verdict (valid) and a note that halo run
     * would refuse it; with the plane chosen, on the command line or in the file, an error (cannot run).
     */
    @Test
    void aVirtualServerTheDataPlaneCannotCarry() throws Exception {
        Path auto = file(DIRECT_ROUTING);
        Run r = check("-f", auto.toString());
        assertThat(r.status()).isZero();
        assertThat(r.err()).contains("virtual_server [192.0.2.10]:tcp:80: lb_kind DR is not supported by the proxy"
                + " data plane (supported by: nftables, ipvs (no IPVS in this kernel)) - halo run would"
                + " refuse to start (auto chose proxy)").contains("is valid");
        Run chosen = check("-f", auto.toString(), "--lvs-dataplane", "proxy");
        assertThat(chosen.status()).isEqualTo(4);
        assertThat(chosen.err()).contains("lb_kind DR is not supported by the proxy data plane").contains("cannot be run");
        Run inFile = check("-f", file("global_defs {\n    lvs_dataplane proxy\n}\n" + DIRECT_ROUTING).toString());
        assertThat(inFile.status()).isEqualTo(4);
        assertThat(check("-f", auto.toString(), "--lvs-dataplane", "dpdk").err())
                .contains("--lvs-dataplane dpdk: expected auto, proxy, nftables or ipvs");
    }

    @Test
    void metricsListenIsHalosOwnGlobalDefsKeyword() throws Exception {
        Run ok = check("-f", file("global_defs {\n    metrics_listen [::1]:9650\n}\n" + VALID).toString());
        assertThat(ok.status()).as(ok.err()).isZero();
        assertThat(ok.err()).contains("is valid").doesNotContain("metrics_listen");
        Run bad = check("-f", file("global_defs {\n    metrics_listen localhost:9650\n}\n" + VALID).toString());
        assertThat(bad.status()).as("runs after corrections (keepalived 2.2.7's 5)").isEqualTo(5);
        assertThat(bad.err()).contains("Invalid metrics_listen 'localhost:9650' - ignoring ('localhost' is not a"
                + " numeric IP address)");
    }

    @Test
    void validConfigurationExitsZero() throws Exception {
        Run r = check("-f", file(VALID).toString());
        assertThat(r.status()).isZero();
        assertThat(r.err()).contains("is valid");
    }

    @Test
    void correctionsExitFiveWithFileLineAndMessage() throws Exception {
        Path f = file(VALID.replace("virtual_router_id 51", "virtual_router_id 51\n    state MASTER\n    nopreempt"));
        Run r = check("-f", f.toString());
        assertThat(r.status()).isEqualTo(5);
        assertThat(r.err()).contains(f + ":5: warning: (VI_1) Warning - nopreempt will not work with initial state MASTER - clearing");
    }

    @Test
    void unknownKeywordIsFatalWithStrict() throws Exception {
        Path f = file(VALID.replace("interface eth0", "interface eth0\n    prority 100"));
        assertThat(check("-f", f.toString()).status()).isEqualTo(5);
        Run strict = check("--strict", "-f", f.toString());
        assertThat(strict.status()).isEqualTo(4);
        assertThat(strict.err()).contains(f + ":3: fatal: Unknown keyword 'prority'").contains("cannot be run");
    }

    @Test
    void aKeywordHaloDoesNotUseIsReportedAndNeverValid() throws Exception {
        Path f = file("global_defs {\n    router_id lb01\n    vrrp_strict\n}\n" + VALID.replace("interface eth0",
                "interface eth0\n    track_src_ip"));
        Run r = check("-f", f.toString());
        assertThat(r.status()).isEqualTo(5);
        assertThat(r.err()).contains(f + ":2: warning: 'router_id' is accepted but not used by Halo")
                .contains(f + ":7: warning: 'track_src_ip' is accepted but not used by Halo")
                .doesNotContain("'vrrp_strict' is accepted").contains("keepalived would run after correcting them");
        Run strict = check("--strict", "-f", f.toString());
        assertThat(strict.status()).isEqualTo(4);
        assertThat(strict.err()).contains(f + ":2: fatal: 'router_id' is accepted but not used by Halo (--strict refuses it)")
                .contains("cannot be run");
    }

    @Test
    void keywordsKeepalived227DoesNotKnowAreUnknownAsKeepalivedSays() throws Exception {
        Path f = file("global_defs {\n    vrrp_nftables\n    state_dump_file /tmp/x\n}\n" + VALID);
        Run r = check("-f", f.toString());
        assertThat(r.status()).isEqualTo(5);
        assertThat(r.err()).contains(f + ":2: warning: Unknown keyword 'vrrp_nftables'")
                .contains(f + ":3: warning: Unknown keyword 'state_dump_file'");
    }

    @Test
    void runStrictRefusesWhatHaloWouldNotUse() throws Exception {
        Path f = file("global_defs {\n    router_id lb01\n}\n" + VALID);
        Run r = run(new RunCommand(), "--strict", "-f", f.toString());
        assertThat(r.status()).isEqualTo(4);
    }

    @Test
    void missingFileCannotRunAndNoStackTrace() {
        Run r = check("-f", dir.resolve("nope.conf").toString());
        assertThat(r.status()).isEqualTo(4);
        assertThat(r.err()).contains("nope.conf").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void helpGivesTheBinarysExitCodesNotTheManPages() {
        Run r = check("--help");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("keepalived 2.2.7 binary").contains("not the 3/4/5 of keepalived(8)")
                .contains("0  valid").contains("4  cannot run").contains("5  runs after corrections");
    }

    @Test
    void badUsageIsTwo() {
        Run r = check("--no-such-flag");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--no-such-flag");
    }

    @Test
    void dumpConfPrintsNormalizedConfigurationWithDefaults() throws Exception {
        Run r = run(new DumpConfCommand(), "-f", file(VALID).toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("vrrp_instance VI_1 {")
                .contains("    priority 100\n")
                .contains("    advert_int 1\n")
                .contains("    garp_master_repeat 5\n")
                .contains("        192.0.2.10/24\n");
        // and it is itself a valid configuration
        Run again = check("-f", file(r.out()).toString());
        assertThat(again.status()).isZero();
    }

    @Test
    void dumpConfOfUnrunnableConfigurationFails() {
        Run r = run(new DumpConfCommand(), "-f", dir.resolve("nope.conf").toString());
        assertThat(r.status()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingInterfacesAreReportedAsKeepalivedDoes() throws Exception {
        CheckCommand c = new CheckCommand();
        c.interfaceExists = name -> !name.equals("ens33");
        Run r = run(c, "-f", file(VALID.replace("eth0", "ens33")).toString());
        assertThat(r.status()).isEqualTo(5);
        assertThat(r.err()).contains("warning: WARNING - interface ens33 for vrrp_instance VI_1 doesn't exist")
                .contains("warning: Non-existent interface specified in configuration");
        CheckCommand dynamic = new CheckCommand();
        dynamic.interfaceExists = name -> false;
        assertThat(run(dynamic, "-f", file("global_defs {\n    dynamic_interfaces\n}\n" + VALID).toString()).status()).isZero();
    }
}
