package halo.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * What bin/test relies on, through a real JUnit launcher as surefire drives it: root-only tests are counted run or
 * skipped (a skip in {@code @BeforeAll} included), and under {@code -Dhalo.requireRoot=true} a skip is a failure.
 */
class TestCountsTest {

    /** Root-only: one test runs, one skips (a missing tool). Not named *Test: surefire must not run it on its own. */
    @Tag("root")
    static class RootOnly {
        @Test
        void runs() {}

        @Test
        void needsATool() {
            assumeTrue(false, "needs tshark");
        }
    }

    /** Root-only as a whole: the class's setup skips, so its two tests never start. */
    @Tag("root")
    static class RootOnlyWhole {
        @BeforeAll
        static void namespaces() {
            assumeTrue(false, "needs root for network namespaces");
        }

        @Test
        void one() {}

        @Test
        void two() {}
    }

    /** Not root-only: one passes, one fails, one skips. */
    static class Plain {
        @Test
        void passes() {}

        @Test
        void fails() {
            throw new AssertionError("no");
        }

        @Test
        void skips() {
            assumeTrue(false, "keepalived is installed");
        }
    }

    private static TestExecutionSummary run(Path dir, boolean requireRoot) {
        String before = System.getProperty(Root.REQUIRED_PROPERTY);
        System.setProperty(Root.REQUIRED_PROPERTY, Boolean.toString(requireRoot));
        try {
            // Only the listeners given here: the suite's own TestCounts must not count these fixtures.
            Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                    .enableTestExecutionListenerAutoRegistration(false).build());
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(RootOnly.class), selectClass(RootOnlyWhole.class), selectClass(Plain.class))
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                    .build();
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            launcher.execute(request, summary, new TestCounts(dir));
            return summary.getSummary();
        } finally {
            if (before == null) {
                System.clearProperty(Root.REQUIRED_PROPERTY);
            } else {
                System.setProperty(Root.REQUIRED_PROPERTY, before);
            }
        }
    }

    private static List<String> file(Path dir, String prefix) throws IOException {
        try (var files = Files.list(dir)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
            assertThat(found).hasSize(1);
            return Files.readAllLines(found.getFirst());
        }
    }

    @Test
    void countsRootOnlyTestsRunAndSkippedAndNamesEverySkip(@TempDir Path dir) throws IOException {
        TestExecutionSummary s = run(dir, false);
        assertThat(s.getTestsSucceededCount()).isEqualTo(2);
        assertThat(s.getTestsFailedCount()).isEqualTo(1);

        assertThat(file(dir, "counts-")).containsExactly("passed=2", "failed=1", "skipped=4", "root_ran=1", "root_skipped=3");
        assertThat(file(dir, "skipped-")).containsExactlyInAnyOrder(
                "root " + RootOnly.class.getName() + "#needsATool: Assumption failed: needs tshark",
                "root " + RootOnlyWhole.class.getName() + "#one: Assumption failed: needs root for network namespaces",
                "root " + RootOnlyWhole.class.getName() + "#two: Assumption failed: needs root for network namespaces",
                "other " + Plain.class.getName() + "#skips: Assumption failed: keepalived is installed");
    }

    @Test
    void underRequireRootEverySkipFailsInstead(@TempDir Path dir) throws IOException {
        TestExecutionSummary s = run(dir, true);
        assertThat(s.getTestsAbortedCount()).isZero();
        assertThat(s.getContainersAbortedCount()).isZero();
        assertThat(s.getTestsSucceededCount()).isEqualTo(2);
        // fails fails as before; needsATool and skips fail now; RootOnlyWhole's setup fails, so its class fails and
        // its tests never start (counted failed: they did not pass)
        assertThat(s.getTestsFailedCount()).isEqualTo(3);
        assertThat(s.getContainersFailedCount()).isEqualTo(1);
        assertThat(s.getFailures()).extracting(f -> f.getException().getMessage()).containsExactlyInAnyOrder("no",
                "skipped as root: Assumption failed: needs tshark (bin/test runs as root, where every test must run: "
                        + "install what it needs with scripts/install-test-deps)",
                "skipped as root: Assumption failed: keepalived is installed (bin/test runs as root, where every test "
                        + "must run: install what it needs with scripts/install-test-deps)",
                "skipped as root: Assumption failed: needs root for network namespaces (bin/test runs as root, where "
                        + "every test must run: install what it needs with scripts/install-test-deps)");

        assertThat(file(dir, "counts-")).containsExactly("passed=2", "failed=5", "skipped=0", "root_ran=4", "root_skipped=0");
        assertThat(file(dir, "skipped-")).isEmpty();
    }
}
