package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.os.HostOs;
import halo.os.ProcessSignals;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real-time signal sent to this JVM (SIGRTMAX-3: no one else's) after {@link ProcessSignals#catchRealTime}: caught
 * when java.base/jdk.internal.misc is open to Halo, else ignored; either way the JVM lives on. The test JVM runs
 * without the flag (surefire's argLine), so it checks the fallback the daemon uses when started by hand.
 */
class RealTimeSignalTest {

    @Test
    void aRealTimeSignalNeverEndsTheProcess() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(HostOs.isAvailable(), "needs Linux with native access");
        int number = ProcessSignals.realTimeMax(3);
        CountDownLatch caught = new CountDownLatch(1);
        boolean catches = ProcessSignals.catchRealTime(number, "SIGRTMAX-3", (n, name) -> caught.countDown());
        assertThat(catches).isEqualTo(ProcessSignals.catchesRealTimeSignals());
        Process kill = new ProcessBuilder("kill", "-" + number, Long.toString(ProcessHandle.current().pid()))
                .inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        if (catches) {
            assertThat(caught.await(10, TimeUnit.SECONDS)).as("the handler ran").isTrue();
        } else {
            // the kernel delivers a signal to a process before kill(1) returns: had it not been ignored, this JVM
            // would be gone by now; it also did not reach a handler
            assertThat(caught.await(500, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(ProcessSignals.realTimeUnavailabilityCause()).hasMessageContaining("--add-opens");
        }
    }
}
