package halo.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.FailoverLab.Daemon;
import halo.demo.FailoverLab.Event;
import halo.demo.FailoverLab.Outcome;
import halo.testing.Await;
import halo.testing.Root;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The failover lab behind `halo demo` and bench/failover, with either daemon: each disruption moves the VIP from dir1
 * to dir2 and each restart brings it back, so every figure the benchmark prints is about a real failover.
 */
@Tag("root")
class FailoverLabNetnsTest {

    @ParameterizedTest
    @EnumSource(Daemon.class)
    void crashAndStopMoveTheVipToTheBackupAndARestartTakesItBack(Daemon daemon) throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        if (daemon == Daemon.KEEPALIVED) {
            assumeThat(SeedTopology.run(List.of("sh", "-c", "command -v keepalived || true"))).as("needs keepalived")
                    .isNotBlank();
        }
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        java.nio.file.Path work;
        try (FailoverLab lab = new FailoverLab(daemon, "0.05", 3, quiet)) {
            work = lab.workDirectory();
            lab.startDirector(1);
            lab.startDirector(2);
            assertThat(lab.awaitAnswersFrom("dir1", Duration.ofSeconds(30))).as("dir1 answers first").isTrue();

            Outcome crash = lab.disrupt(1, Event.CRASH, "dir2");
            assertThat(lab.priorityZeroAdverts(1)).as(daemon + ": a crashed dir1 sends no priority-0 advert").isZero();
            assertThat(crash.from() + " -> " + crash.to()).as(daemon + " crash").isEqualTo("dir1 -> dir2");
            // Master_Down_Interval at 0.05 s and priority 100: 3 x 50 + 30.5 ms from dir1's last advert; the client can't
            // see less than 3 x 50 less the time the crash came after that advert (a busy machine delays the crash)
            assertThat(crash.outageMicros()).as(daemon + " crash outage (us), crash %d us after the last advert",
                    lab.lastCrashLagMicros()).isBetween(150_000L - lab.lastCrashLagMicros(), 1_000_000L);
            // like a machine that went down, the crashed director comes back without the VIP: only its daemon may set it
            assertThat(lab.holdsVip(1)).as("dir1 holds the VIP after its crash").isFalse();
            assertThat(lab.holdsVip(2)).as("dir2 holds the VIP after dir1's crash").isTrue();
            assertRestored(lab, daemon, "after the crash");

            long priorityZeroBefore = lab.priorityZeroAdverts(1);
            Outcome stop = lab.disrupt(1, Event.STOP, "dir2");
            assertThat(stop.from() + " -> " + stop.to()).as(daemon + " stop").isEqualTo("dir1 -> dir2");
            // a stop hands over with a priority-0 advert (the backup then waits Skew_Time, not Master_Down_Interval):
            // checked on the wire, not by the outage's length, which a loaded machine stretches
            assertThat(Await.until(Duration.ofSeconds(5), () -> lab.priorityZeroAdverts(1) > priorityZeroBefore))
                    .as(daemon + ": dir1 sends a priority-0 advert when stopped").isTrue();
            assertThat(stop.outageMicros()).as(daemon + " stop outage (us)").isLessThan(1_000_000L);
            assertRestored(lab, daemon, "after the stop");
        }
        assertThat(work).as("the directors' files are removed").doesNotExist();
    }

    private static void assertRestored(FailoverLab lab, Daemon daemon, String when) throws IOException {
        Outcome back = lab.restore(1, "dir1");
        assertThat(back.to()).as(daemon + ": dir1 takes the VIP back " + when + "; logs:\n" + lab.directorLog(1))
                .isEqualTo("dir1");
        assertThat(lab.holdsVip(1)).as("dir1 holds the VIP " + when).isTrue();
        assertThat(lab.holdsVip(2)).as("dir2 holds the VIP " + when).isFalse();
    }
}
