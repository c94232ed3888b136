package halo.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts what ran and what was skipped, root-only tests (tagged "root", on the class or the method) apart, and
 * writes it for bin/test, which says how many root-only tests ran and fails a root run that skipped any. Surefire's
 * own reports do not carry tags. Writes only when {@code -Dhalo.testCounts=DIR} is set (pom.xml sets it to
 * target/halo-test-counts), two files per listener (one per test JVM under surefire): counts-PID-N.txt
 * ({@code key=value} lines) and skipped-PID-N.txt (one line per skipped test: "root|other CLASS#METHOD: reason").
 */
public final class TestCounts implements TestExecutionListener {

    static final TestTag ROOT = TestTag.create("root");

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Path dir;
    /** Surefire may run each class as a test plan of its own: counts add up over plans, files are rewritten. */
    private final String fileSuffix = ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet() + ".txt";
    private final Set<String> done = new HashSet<>();
    private final List<String> skippedTests = new ArrayList<>();
    private long passed;
    private long failed;
    private long skipped;
    private long rootRan;
    private long rootSkipped;
    private TestPlan plan;

    public TestCounts() {
        this(dirFromProperty());
    }

    /** @param dir where to write, null for nowhere */
    TestCounts(Path dir) {
        this.dir = dir;
    }

    private static Path dirFromProperty() {
        String d = System.getProperty("halo.testCounts");
        return d == null || d.isBlank() ? null : Path.of(d);
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        // @Disabled and friends: the identifier may be a container, whose tests never start
        synchronized (this) {
            forEachTest(id, test -> skip(test, reason));
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.isTest()) {
            record(id, result);
        } else if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
            // A class whose @BeforeAll failed or aborted: its tests never start and are not reported on their own.
            forEachTest(id, test -> record(test, result));
        }
    }

    private void record(TestIdentifier test, TestExecutionResult result) {
        synchronized (this) {
            if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                skip(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
                return;
            }
            if (!done.add(test.getUniqueId())) {
                return;
            }
            if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                passed++;
            } else {
                failed++;
            }
            if (isRoot(test)) {
                rootRan++;
            }
        }
    }

    private void skip(TestIdentifier test, String reason) {
        if (!done.add(test.getUniqueId())) {
            return;
        }
        skipped++;
        boolean root = isRoot(test);
        if (root) {
            rootSkipped++;
        }
        skippedTests.add((root ? "root " : "other ") + name(test) + ": " + String.valueOf(reason).replace('\n', ' '));
    }

    private void forEachTest(TestIdentifier id, java.util.function.Consumer<TestIdentifier> action) {
        if (id.isTest()) {
            action.accept(id);
        } else if (plan != null) {
            plan.getDescendants(id).stream().filter(TestIdentifier::isTest).forEach(action);
        }
    }

    private boolean isRoot(TestIdentifier test) {
        // Jupiter gives a method the tags of its class too; walk up anyway for engines that do not.
        for (Optional<TestIdentifier> t = Optional.of(test); t.isPresent(); t = plan == null ? Optional.empty() : plan.getParent(t.get())) {
            if (t.get().getTags().contains(ROOT)) {
                return true;
            }
        }
        return false;
    }

    private static String name(TestIdentifier test) {
        Optional<TestSource> source = test.getSource();
        if (source.isPresent() && source.get() instanceof MethodSource m) {
            return m.getClassName() + "#" + m.getMethodName();
        }
        if (source.isPresent() && source.get() instanceof ClassSource c) {
            return c.getClassName();
        }
        return test.getDisplayName();
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (dir == null) {
            return;
        }
        synchronized (this) {
            write();
        }
    }

    private void write() {
        try {
            Path d = Files.createDirectories(dir);
            Files.writeString(d.resolve("counts-" + fileSuffix), "passed=" + passed + "\nfailed=" + failed
                    + "\nskipped=" + skipped + "\nroot_ran=" + rootRan + "\nroot_skipped=" + rootSkipped + "\n",
                    StandardCharsets.UTF_8);
            Files.write(d.resolve("skipped-" + fileSuffix), skippedTests, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
