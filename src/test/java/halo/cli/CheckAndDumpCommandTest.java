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

    @Test
    void validConfigurationExitsZero() throws Exception {
        Run r = run(new CheckCommand(), "-f", file(VALID).toString());
        assertThat(r.status()).isZero();
        assertThat(r.err()).contains("is valid");
    }

    @Test
    void correctionsExitFourWithFileLineAndMessage() throws Exception {
        Path f = file(VALID.replace("virtual_router_id 51", "virtual_router_id 51\n    state MASTER\n    nopreempt"));
        Run r = run(new CheckCommand(), "-f", f.toString());
        assertThat(r.status()).isEqualTo(4);
        assertThat(r.err()).contains(f + ":5: warning: (VI_1) Warning - nopreempt will not work with initial state MASTER - clearing");
    }

    @Test
    void unknownKeywordIsFatalWithStrict() throws Exception {
        Path f = file(VALID.replace("interface eth0", "interface eth0\n    prority 100"));
        assertThat(run(new CheckCommand(), "-f", f.toString()).status()).isEqualTo(4);
        Run strict = run(new CheckCommand(), "--strict", "-f", f.toString());
        assertThat(strict.status()).isEqualTo(3);
        assertThat(strict.err()).contains(f + ":3: fatal: Unknown keyword 'prority'").contains("cannot be run");
    }

    @Test
    void missingFileCannotRunAndNoStackTrace() {
        Run r = run(new CheckCommand(), "-f", dir.resolve("nope.conf").toString());
        assertThat(r.status()).isEqualTo(3);
        assertThat(r.err()).contains("nope.conf").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void badUsageIsTwo() {
        Run r = run(new CheckCommand(), "--no-such-flag");
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
        Run again = run(new CheckCommand(), "-f", file(r.out()).toString());
        assertThat(again.status()).isZero();
    }

    @Test
    void dumpConfOfUnrunnableConfigurationFails() {
        Run r = run(new DumpConfCommand(), "-f", dir.resolve("nope.conf").toString());
        assertThat(r.status()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
    }
}
