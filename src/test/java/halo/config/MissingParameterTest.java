package halo.config;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.source.Diagnostic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keyword missing its parameter, side by side with keepalived 2.2.7's -t on the same file: keepalived stops at once
 * with "missing a parameter" and exits 2 where its handler reads the word unchecked (lib/parser.c null_strvec), and
 * goes on with its own warning (exit 5) where the handler checks first. Halo gives the same verdict and message.
 */
class MissingParameterTest {

    static final Path KEEPALIVED = Path.of("/usr/sbin/keepalived");

    @TempDir
    Path dir;

    record Verdict(int status, String message) {}

    static final String INSTANCE = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority 100
                advert_int 1
                virtual_ipaddress {
                    192.0.2.10/24
                }
            }
            """;

    Verdict keepalived(Path conf, int line) throws Exception {
        assertThat(Files.isExecutable(KEEPALIVED)).as("keepalived 2.2.7 is installed (Debian package keepalived)").isTrue();
        Process p = new ProcessBuilder(KEEPALIVED.toString(), "-t", "-f", conf.toString(), "-l")
                .redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String at = "Line " + line + ") ";
            String message = out.lines().filter(l -> l.contains(at)).map(l -> l.substring(l.indexOf(at) + at.length()))
                    .findFirst().orElse(null);
            return new Verdict(p.exitValue(), message);
        } finally {
            p.destroyForcibly();
        }
    }

    Verdict halo(Path conf, int line) {
        LoadResult r = ConfigLoader.load(conf, new LoadOptions("test", false));
        String message = r.diagnostics().stream().filter(d -> d.location() != null && d.location().line() == line)
                .map(Diagnostic::message).findFirst().orElse(null);
        return new Verdict(r.exitStatus(), message);
    }

    void sameAsKeepalived(String text, int line, Verdict expected) throws Exception {
        Path conf = Files.createTempFile(dir, "missing", ".conf");
        Files.writeString(conf, text);
        assertThat(keepalived(conf, line)).as("keepalived -t on\n%s", text).isEqualTo(expected);
        assertThat(halo(conf, line)).as("halo check on\n%s", text).isEqualTo(expected);
    }

    @Test
    void priorityAloneStopsBothWithKeepalivedsMessage() throws Exception {
        sameAsKeepalived(INSTANCE.replace("priority 100", "priority"), 4, new Verdict(2,
                "*** Configuration line starting `priority` is missing a parameter after keyword `priority` at word position 2"));
    }

    @Test
    void otherKeywordsReadUncheckedStopToo() throws Exception {
        for (String keyword : List.of("virtual_router_id", "advert_int", "interface")) {
            String text = INSTANCE.lines().map(l -> l.trim().startsWith(keyword + " ") ? "    " + keyword : l)
                    .reduce("", (a, b) -> a + b + "\n");
            int line = text.lines().toList().indexOf("    " + keyword) + 1;
            sameAsKeepalived(text, line, new Verdict(2, "*** Configuration line starting `" + keyword
                    + "` is missing a parameter after keyword `" + keyword + "` at word position 2"));
        }
    }

    @Test
    void aHandlerThatChecksFirstWarnsAndRuns() throws Exception {
        sameAsKeepalived("global_defs {\n    notify_fifo\n}\n" + INSTANCE.replace("eth0", "lo"), 2,
                new Verdict(5, "No notify_fifo name specified"));
    }
}
