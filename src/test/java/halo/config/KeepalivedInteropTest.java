package halo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dump-conf's output is a keepalived.conf that keepalived itself (2.2.7, Debian's) accepts: for every seed, the
 * normalized text gives no keepalived complaint except the host's own (missing interfaces, script users).
 */
class KeepalivedInteropTest {

    static final Path KEEPALIVED = Path.of("/usr/sbin/keepalived");

    /** Messages that depend on this host, not on the text. */
    static final List<String> HOST_DEPENDENT = List.of("doesn't exist", "Non-existent interface", "SECURITY VIOLATION",
            "Unable to set default user", "Error setting global script", "Disabling track script",
            "since own interface", "No VIP specified");

    static List<String> keepalivedSays(Path conf) throws Exception {
        Process p = new ProcessBuilder(KEEPALIVED.toString(), "-t", "-f", conf.toString(), "-l")
                .redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return out.lines().distinct().filter(l -> HOST_DEPENDENT.stream().noneMatch(l::contains)).toList();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void keepalivedAcceptsEveryDumpedSeed(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(KEEPALIVED), "keepalived is installed");
        try (var files = Files.list(Path.of("src/test/resources/seeds"))) {
            for (Path seed : files.sorted().toList()) {
                KeepalivedConfig c = ConfigLoader.load(seed, new LoadOptions("test", false)).config();
                Path dumped = dir.resolve(seed.getFileName());
                Files.writeString(dumped, ConfigWriter.write(c));
                assertThat(keepalivedSays(dumped)).as(seed.toString()).isEmpty();
            }
        }
    }
}
