package halo.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class RootTest {

    @Test
    void agreesWithIdDashU() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).isZero();
        assertThat(Root.isRoot()).isEqualTo(out.equals("0"));
    }

    @Test
    void underRequireRootASkipBecomesAFailureSayingWhatWasMissing() {
        String before = System.getProperty(Root.REQUIRED_PROPERTY);
        try {
            TestAbortedException skip = new TestAbortedException("Assumption failed: needs tshark");
            System.setProperty(Root.REQUIRED_PROPERTY, "true");
            assertThat(EveryTestRunsAsRoot.harden(skip)).isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("skipped as root: Assumption failed: needs tshark").hasCause(skip);
            IllegalStateException other = new IllegalStateException("x");
            assertThat(EveryTestRunsAsRoot.harden(other)).isSameAs(other);

            System.setProperty(Root.REQUIRED_PROPERTY, "false");
            assertThat(EveryTestRunsAsRoot.harden(skip)).isSameAs(skip);
        } finally {
            if (before == null) {
                System.clearProperty(Root.REQUIRED_PROPERTY);
            } else {
                System.setProperty(Root.REQUIRED_PROPERTY, before);
            }
        }
    }
}
