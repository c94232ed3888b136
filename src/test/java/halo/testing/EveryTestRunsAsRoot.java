package halo.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * As root under bin/test (CI), a skipped test is a hidden failure: namespaces, keepalived, tshark are all there, so
 * an assumption that does not hold means a broken install or a broken test. With {@code -Dhalo.requireRoot=true}
 * this turns every assumption failure (in a test, {@code @BeforeEach} or {@code @BeforeAll}) into a test failure
 * that says what was missing. Registered for every test class through JUnit's extension auto-detection
 * (META-INF/services; enabled in pom.xml).
 */
public final class EveryTestRunsAsRoot implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw harden(throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw harden(throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw harden(throwable);
    }

    static Throwable harden(Throwable throwable) {
        if (!Root.required() || !isAssumptionFailure(throwable)) {
            return throwable;
        }
        return new AssertionError("skipped as root: " + throwable.getMessage() + " (bin/test runs as root, where every "
                + "test must run: install what it needs with scripts/install-test-deps)", throwable);
    }

    /** JUnit 5's and, through AssertJ's assumptions, JUnit 4's assumption failures. */
    static boolean isAssumptionFailure(Throwable t) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            switch (c.getName()) {
                case "org.opentest4j.TestAbortedException", "org.junit.AssumptionViolatedException",
                     "org.junit.internal.AssumptionViolatedException" -> {
                    return true;
                }
                default -> {
                }
            }
        }
        return false;
    }
}
