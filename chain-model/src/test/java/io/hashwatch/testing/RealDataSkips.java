package io.hashwatch.testing;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts the tests {@link SharedData#require} skipped because ../shared is missing, and says how many at the end of
 * each module's test run, so that a build without the real data does not pass quietly. Registered for every module
 * whose tests use this test jar (META-INF/services).
 */
public final class RealDataSkips implements TestExecutionListener {
    private final AtomicInteger skipped = new AtomicInteger();

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED && result.getThrowable()
                .map(t -> String.valueOf(t.getMessage()).contains(SharedData.SKIP_NOTICE)).orElse(false)) {
            skipped.incrementAndGet();
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (skipped.get() > 0) {
            // The raw stderr, not System.err: Surefire files what the tests print, and this is for the build's log.
            new PrintStream(new FileOutputStream(FileDescriptor.err), true).println("[hashwatch] " + skipped.get() + " real-data test(s) of this module SKIPPED: ../shared"
                    + " (the real Bitcoin data) is missing; they pass only beside it (with CI=true they fail)");
        }
    }
}
