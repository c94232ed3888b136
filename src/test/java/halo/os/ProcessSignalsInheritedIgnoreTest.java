package halo.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A daemon started under nohup (SIGHUP inherited as ignored) still reloads on SIGHUP, as keepalived does: the JVM alone
 * would register nothing for an ignored HUP, silently.
 */
class ProcessSignalsInheritedIgnoreTest {

    @Test
    void aHupInheritedAsIgnoredIsCaughtAnyway() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        // bash's trap '' HUP sets SIG_IGN, which exec passes on, as nohup does
        Process p = new ProcessBuilder(List.of("bash", "-c", "trap '' HUP; exec \"$0\" --enable-native-access=ALL-UNNAMED"
                + " -cp \"$1\" halo.os.HupCatcher", java, cp)).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("ready");
            new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
            assertThat(out.readLine()).as("the child's verdict").isEqualTo("caught");
        } finally {
            p.destroyForcibly();
        }
    }
}
