package halo.check;

import static org.assertj.core.api.Assertions.assertThat;

import halo.check.CheckerLogic.Change;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCheckTest {

    @TempDir
    Path dir;

    @Test
    void weightZeroMeansNonZeroIsFailureAndReverseFlipsIt() {
        var plain = new FileCheckerLogic(0, false);
        assertThat(plain.onValue(0)).isEqualTo(Change.UP); // first verdict
        assertThat(plain.onValue(1)).isEqualTo(Change.DOWN);
        assertThat(plain.onValue(7)).isEqualTo(Change.NONE);
        assertThat(plain.onValue(0)).isEqualTo(Change.UP);
        var reverse = new FileCheckerLogic(0, true);
        assertThat(reverse.onValue(0)).isEqualTo(Change.DOWN);
        assertThat(reverse.onValue(3)).isEqualTo(Change.UP);
    }

    @Test
    void nonZeroWeightAddsValueTimesWeight() {
        var logic = new FileCheckerLogic(5, false);
        assertThat(logic.onValue(3)).isEqualTo(Change.UP);
        assertThat(logic.weightDelta()).isEqualTo(15);
        assertThat(logic.onValue(-2)).isEqualTo(Change.NONE);
        assertThat(logic.weightDelta()).isEqualTo(-10);
        var rev = new FileCheckerLogic(5, true);
        rev.onValue(3);
        assertThat(rev.weightDelta()).isEqualTo(-15);
        var huge = new FileCheckerLogic(-1_000_000, false);
        assertThat(huge.onValue(1_000_000)).isEqualTo(Change.DOWN); // at or below INT_MIN: fault
    }

    @Test
    void valuesAreReadLikeStrtolBaseZero() throws Exception {
        Path f = dir.resolve("v");
        for (String[] c : new String[][] {{"12\n", "12"}, {"  -4", "-4"}, {"0x1f", "31"}, {"010", "8"},
                {"abc", "0"}, {"", "0"}, {"7 apples", "7"}}) {
            Files.writeString(f, c[0]);
            assertThat(FileCheckerLogic.readValue(f)).as(c[0]).isEqualTo(Long.parseLong(c[1]));
        }
        assertThat(FileCheckerLogic.readValue(dir.resolve("missing"))).isZero();
        Files.writeString(f, "99999999999");
        assertThat(FileCheckerLogic.readValue(f)).isNull();
    }

    @Test
    void engineFollowsTheFileAsItChanges() throws Exception {
        Path f = dir.resolve("rs1.state");
        Files.writeString(f, "0\n");
        RecordingListener listener = new RecordingListener();
        try (CheckerEngine engine = new CheckerEngine(listener, new SplittableRandom(5), Duration.ZERO)) {
            RunningChecker c = engine.add(CheckerSpec.file("rs1", new CheckerSpec.TrackedFile(f, 0, false)));
            assertThat(listener.awaitState(c, true, 2000)).isNotNull();
            Files.writeString(f, "1\n");
            assertThat(listener.awaitState(c, false, 5000)).isNotNull();
            Files.delete(f); // a deleted file reads as 0
            assertThat(listener.awaitState(c, true, 5000)).isNotNull();

            Path w = dir.resolve("rs2.weight");
            Files.writeString(w, "4");
            RunningChecker weighted = engine.add(CheckerSpec.file("rs2", new CheckerSpec.TrackedFile(w, 2, false)));
            assertThat(listener.await(0, e -> e.checker() == weighted && e.kind().equals("weight") && e.weight() == 8,
                    2000)).isNotNull();
            Files.writeString(w, "10");
            assertThat(listener.await(0, e -> e.checker() == weighted && e.kind().equals("weight")
                    && e.weight() == 20, 5000)).isNotNull();
        }
    }
}
