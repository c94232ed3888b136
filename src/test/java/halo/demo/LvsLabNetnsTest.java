package halo.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.testing.Await;
import halo.testing.Root;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The LVS-DR lab behind `halo demo`: two Halo directors on the nftables data plane in front of two real servers, as
 * the client sees it: requests spread by weight, a stopped real server taken out and put back by its checker, and
 * the master director's crash taken over by the backup with the long-lived connection kept.
 */
@Tag("root")
class LvsLabNetnsTest {

    @Test
    void spreadsByWeightFollowsTheCheckerAndSurvivesTheMasterCrash() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        try (LvsLab lab = new LvsLab("1", new PrintStream(OutputStream.nullOutputStream()))) {
            lab.startDirector(1);
            lab.startDirector(2);
            assertThat(lab.awaitServing(Duration.ofSeconds(60))).as("dir1 holds the VIP and both real servers answer through it; logs:%n%s%s",
                    lab.directorLog(1), lab.directorLog(2)).isTrue();
            assertThat(lab.holdsVip(1)).as("dir1 (priority 150) holds the VIP").isTrue();

            // wrr 3/1 on a flow hash: 400 connections from random source ports, rs1's share 0.75 (sd 0.022)
            Map<String, Long> spread = lab.spread(400);
            long total = spread.values().stream().mapToLong(Long::longValue).sum();
            assertThat(total).as("answers").isGreaterThanOrEqualTo(400);
            assertThat(spread.getOrDefault("rs1", 0L) / (double) total).as("rs1's share of %s", spread).isBetween(0.62, 0.88);

            LvsLab.Outcome stop = lab.stopRealServer("rs1");
            assertThat(lab.spread(200)).as("after rs1 stopped (%s)", stop).containsOnlyKeys("rs2");
            // the long-lived connection is on rs2 now (if it was on rs1, it was cut and opened again)
            assertThat(Await.until(Duration.ofSeconds(20), () -> lab.longLived().servedBy().equals("rs2")))
                    .as("the long-lived connection is answered by rs2 (%s)", lab.longLived()).isTrue();
            LvsLab.LongLived onRs2 = lab.longLived();

            LvsLab.Outcome back = lab.startRealServer("rs1");
            assertThat(back.outageMicros()).as("rs1 answers again once its checker sees it").isPositive();
            // rs1's return changes the table; a connection established on healthy rs2 must not move
            assertThat(Await.until(Duration.ofSeconds(20), () -> lab.longLived().answered() > onRs2.answered() + 10))
                    .as("the long-lived connection is answered after rs1's return").isTrue();
            LvsLab.LongLived before = lab.longLived();
            assertThat(before.errors()).as("errors of the long-lived connection across rs1's return (%s)", before)
                    .isEqualTo(onRs2.errors());
            assertThat(before.servedBy()).as("the long-lived connection's real server after rs1's return").isEqualTo("rs2");

            // the backup has no flow state: a connection survives the failover when the table has not changed since it
            // began (both directors hash it the same way over the same table), so the one across the crash is new
            // (each director runs its own checkers: the backup must have taken rs1 back too, or it hashes otherwise)
            assertThat(lab.awaitSameSchedule(Duration.ofSeconds(30))).as("both directors schedule alike:%n%s%n%s",
                    lab.ruleset(1), lab.ruleset(2)).isTrue();
            assertThat(lab.reopenLongLived(Duration.ofSeconds(20))).as("a new long-lived connection is answered").isTrue();
            LvsLab.LongLived beforeCrash = lab.longLived();

            LvsLab.Outcome crash = lab.crashMaster();
            assertThat(lab.holdsVip(2)).as("dir2 holds the VIP after dir1's crash").isTrue();
            assertThat(lab.spread(50)).as("new connections after the crash (%s)", crash).isNotEmpty();
            // the same configuration gives both directors the same flow-hash table: the connection goes on through dir2
            assertThat(Await.until(Duration.ofSeconds(20), () -> lab.longLived().answered() > beforeCrash.answered() + 10))
                    .as("the long-lived connection is answered after the crash").isTrue();
            LvsLab.LongLived after = lab.longLived();
            assertThat(after.errors()).as("errors of the long-lived connection across the crash (%s)", after)
                    .isEqualTo(beforeCrash.errors());
            assertThat(after.servedBy()).as("the long-lived connection's real server after the crash")
                    .isEqualTo(beforeCrash.servedBy());
        }
    }
}
