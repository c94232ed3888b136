package halo.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import halo.testing.Root;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class SchedulingTest {
    /** Runs TASK on a fresh platform thread (these settings are per thread) and returns its result. */
    static <T> T onOwnThread(java.util.concurrent.Callable<T> task) throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                result.set(task.call());
            } catch (Exception e) {
                result.set(e);
            }
        });
        t.join(10_000);
        if (result.get() instanceof Exception e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T value = (T) result.get();
        return value;
    }

    @Test
    void timerSlackIsPerThreadAndReadBack() throws Exception {
        long set = onOwnThread(() -> {
            HostOs.setTimerSlack(1);
            return HostOs.timerSlack();
        });
        assertThat(set).isEqualTo(1);
        long other = onOwnThread(HostOs::timerSlack);
        assertThat(other).as("a fresh thread keeps the default").isGreaterThan(1);
    }

    @Test
    @Tag("root")
    void realtimePriorityAppliesToTheCallingThread() throws Exception {
        assumeTrue(Root.isRoot(), "needs CAP_SYS_NICE");
        int policy = onOwnThread(() -> {
            HostOs.setRealtimePriority(10);
            int p = HostOs.schedulingPolicy();
            HostOs.setRealtimePriority(0);
            return p;
        });
        assertThat(policy).isEqualTo(HostOs.SCHED_RR);
        assertThat(onOwnThread(HostOs::schedulingPolicy)).isEqualTo(HostOs.SCHED_OTHER);
    }
}
