package halo.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.demo.FailoverLab.Daemon;
import halo.demo.FailoverLab.Event;
import halo.demo.FailoverLab.Outcome;
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
        assumeThat(SeedTopology.isRoot()).as("needs root for network namespaces").isTrue();
        if (daemon == Daemon.KEEPALIVED) {
            assumeThat(SeedTopology.run(List.of("sh", "-c", "command -v keepalived || true"))).as("needs keepalived")
                    .isNotBlank();
        }
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (FailoverLab lab = new FailoverLab(daemon, "0.05", 3, quiet)) {
            lab.startDirector(1);
            lab.startDirector(2);
            assertThat(lab.awaitAnswersFrom("dir1", Duration.ofSeconds(30))).as("dir1 answers first").isTrue();

            Outcome crash = lab.disrupt(1, Event.CRASH, "dir2");
            assertThat(crash.from() + " -> " + crash.to()).as(daemon + " crash").isEqualTo("dir1 -> dir2");
            // Master_Down_Interval at 0.05 s and priority 100: 3 x 50 + 30.5 ms; the client can't see less than 3 x 50
            assertThat(crash.outageMicros()).as(daemon + " crash outage (us)").isBetween(150_000L, 1_000_000L);
            assertRestored(lab, daemon, "after the crash");

            Outcome stop = lab.disrupt(1, Event.STOP, "dir2");
            assertThat(stop.from() + " -> " + stop.to()).as(daemon + " stop").isEqualTo("dir1 -> dir2");
            assertThat(stop.outageMicros()).as(daemon + " stop outage (us)").isLessThan(150_000L);
            assertRestored(lab, daemon, "after the stop");
        }
    }

    private static void assertRestored(FailoverLab lab, Daemon daemon, String when) throws IOException {
        Outcome back = lab.restore(1, "dir1");
        assertThat(back.to()).as(daemon + ": dir1 takes the VIP back " + when + "; logs:\n" + lab.directorLog(1))
                .isEqualTo("dir1");
    }
}
