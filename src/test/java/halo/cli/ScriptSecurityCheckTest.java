package halo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.testing.Root;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived 2.2.7's exit status 6 of {@code -t} (KEEPALIVED_CHK_EXIT_CONFIG_TEST_SECURITY): scripts that would run
 * while enable_script_security is off, as root. Side by side with the real keepalived binary.
 */
@Tag("root")
class ScriptSecurityCheckTest {

    static final Path KEEPALIVED = Path.of("/usr/sbin/keepalived");

    @TempDir
    Path dir;

    record Run(int status, String out) {}

    static Run keepalived(Path conf) throws Exception {
        assertThat(Files.isExecutable(KEEPALIVED)).as("keepalived 2.2.7 is installed").isTrue();
        Process p = new ProcessBuilder(KEEPALIVED.toString(), "-t", "-f", conf.toString(), "-l")
                .redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return new Run(p.exitValue(), out);
        } finally {
            p.destroyForcibly();
        }
    }

    static CheckAndDumpCommandTest.Run halo(Path conf, boolean root) {
        CheckCommand c = new CheckCommand();
        c.interfaceExists = name -> true;
        c.runsAsRoot = () -> root;
        return CheckAndDumpCommandTest.run(c, "-f", conf.toString());
    }

    Path file(String text) throws Exception {
        Path f = Files.createTempFile(dir, "keepalived", ".conf");
        Files.writeString(f, text);
        return f;
    }

    static String config(String global, String script) {
        return """
                global_defs {
                %s
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    virtual_ipaddress {
                        192.0.2.10/24
                    }
                    notify_master %s
                }
                """.formatted(global, script);
    }

    @Test
    void scriptsWithoutScriptSecurityExitSixAsKeepalivedDoes() throws Exception {
        assumeThat(Root.isRoot() || Root.required()).as("keepalived checks scripts as root").isTrue();
        assertThat(Root.isRoot()).as("runs as root").isTrue();
        Path f = file(config("    startup_script /bin/true", "/bin/true"));
        Run k = keepalived(f);
        CheckAndDumpCommandTest.Run h = halo(f, true);
        assertThat(k.status()).as(k.out()).isEqualTo(6);
        assertThat(h.status()).as(h.err()).isEqualTo(k.status());
        for (String says : new String[] {
                "SECURITY VIOLATION - start/shutdown scripts are being executed but script_security not enabled.",
                "SECURITY VIOLATION - scripts are being executed but script_security not enabled."}) {
            assertThat(k.out()).contains(says);
            assertThat(h.err()).contains("warning: " + says);
        }
        // not as root, Halo does not judge scripts (keepalived runs them as its own user then)
        assertThat(halo(f, false).status()).isNotEqualTo(6);
    }

    @Test
    void scriptsThatCannotRunAreNoViolation() throws Exception {
        assumeThat(Root.isRoot() || Root.required()).as("keepalived checks scripts as root").isTrue();
        assertThat(Root.isRoot()).as("runs as root").isTrue();
        Path f = file(config("    router_id r1", dir.resolve("missing.sh").toString()));
        Run k = keepalived(f);
        CheckAndDumpCommandTest.Run h = halo(f, true);
        assertThat(k.out()).doesNotContain("SECURITY VIOLATION");
        assertThat(k.status()).isNotEqualTo(6);
        assertThat(h.err()).doesNotContain("SECURITY VIOLATION");
        assertThat(h.status()).isNotEqualTo(6);
    }

    @Test
    void helpSaysTheCodesAreTheBinarys() {
        CheckAndDumpCommandTest.Run h = CheckAndDumpCommandTest.run(new CheckCommand(), "--help");
        assertThat(h.out()).contains("Exit codes are the keepalived 2.2.7 binary's")
                .contains("  6  run as root: scripts that would run without enable_script_security");
    }
}
