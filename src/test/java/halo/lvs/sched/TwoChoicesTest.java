package halo.lvs.sched;

import static halo.lvs.sched.Dests.name;
import static halo.lvs.sched.Dests.pick;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * ip_vs_twos_schedule: T = total weight of those not overloaded with weight > 0; r1 = u32 % (T + 1), then r2 likewise;
 * walking the list (same skips), each r is decreased by the weight and picks the first destination where it reaches
 * <= 0. The second pick wins only when weight2 × overhead1 > weight1 × overhead2 (overhead active × 256 + inactive).
 */
class TwoChoicesTest {
    /** Hands out the given 32-bit values in order; fails the test when asked for more. */
    private static final class Scripted implements RandomGenerator {
        private final Deque<Integer> values = new ArrayDeque<>();

        Scripted(int... values) {
            for (int v : values) {
                this.values.add(v);
            }
        }

        @Override
        public int nextInt() {
            Integer v = values.poll();
            if (v == null) {
                throw new AssertionError("more random numbers drawn than the kernel draws");
            }
            return v;
        }

        @Override
        public long nextLong() {
            throw new AssertionError("the kernel draws 32-bit numbers");
        }
    }

    private static String choose(List<Destination> ds, int r1, int r2) {
        Scripted random = new Scripted(r1, r2);
        String chosen = name(pick(new TwoChoices(random), ds));
        assertThat(random.values).isEmpty();
        return chosen;
    }

    @Test
    void theRandomNumberPicksByRunningWeightInclusiveOfTheTotal() {
        // A1 B2 C3, T + 1 = 7; r: 0 -> A (-1); 1 -> A (0); 2 -> B (1, -1); 3 -> B (2, 0); 4, 5, 6 -> C.
        // Equal (zero) loads: choice2 never wins (0 > 0 false), so the answer is choice1.
        List<Destination> ds = Dests.withWeights(1, 2, 3);
        StringBuilder out = new StringBuilder();
        for (int r = 0; r <= 6; r++) {
            out.append(choose(ds, r, 0));
        }
        assertThat(out).hasToString("AABBCCC");
        // 7 % 7 = 0 -> A.
        assertThat(choose(ds, 7, 0)).isEqualTo("A");
    }

    @Test
    void theRandomNumberIsUnsigned() {
        // 0xFFFFFFFF % 7 = 4294967295 % 7 = 3 -> B (a signed -1 % 7 would give A).
        assertThat(choose(Dests.withWeights(1, 2, 3), -1, 0)).isEqualTo("B");
    }

    @Test
    void theSecondChoiceWinsOnlyWhenStrictlyLessLoadedPerWeight() {
        List<Destination> ds = Dests.withWeights(1, 2, 3);
        ds.get(0).activeConnections(1); // A 256
        // r1 0 -> A, r2 5 -> C (0): 3 * 256 > 1 * 0 -> C.
        assertThat(choose(ds, 0, 5)).isEqualTo("C");
        ds.get(2).activeConnections(1); // C 256: 3 * 256 > 1 * 256 -> C
        assertThat(choose(ds, 0, 5)).isEqualTo("C");
        ds.get(2).activeConnections(3); // C 768: 768 > 768 no -> A
        assertThat(choose(ds, 0, 5)).isEqualTo("A");
        // Reversed: r1 -> C, r2 -> A (256): 1 * 768 > 3 * 256 no -> C.
        assertThat(choose(ds, 5, 0)).isEqualTo("C");
        ds.get(0).inactiveConnections(1); // A 257 per weight 1 vs C 768 per 3: 1 * 768 > 3 * 257 no -> C
        assertThat(choose(ds, 5, 0)).isEqualTo("C");
        ds.get(0).activeConnections(0);
        ds.get(0).inactiveConnections(255); // A 255: 1 * 768 > 3 * 255 = 765 -> A
        assertThat(choose(ds, 5, 0)).isEqualTo("A");
    }

    @Test
    void quiescedAndOverloadedAreLeftOutOfTheTotalAndTheWalk() {
        // A w0, B w5 overloaded, C w2, D w1: T + 1 = 4; r 0..2 -> C, 3 -> D.
        List<Destination> ds = Dests.withWeights(0, 5, 2, 1);
        ds.get(1).overloaded(true);
        assertThat(choose(ds, 0, 0)).isEqualTo("C");
        assertThat(choose(ds, 2, 2)).isEqualTo("C");
        assertThat(choose(ds, 3, 3)).isEqualTo("D");
        assertThat(choose(ds, 4, 4)).isEqualTo("C");
    }

    @Test
    void noneAvailableIsNullWithoutDrawingARandomNumber() {
        List<Destination> ds = Dests.withWeights(0, 3);
        ds.get(1).overloaded(true);
        Scripted random = new Scripted();
        assertThat(pick(new TwoChoices(random), ds)).isNull();
        assertThat(pick(new TwoChoices(random), List.of())).isNull();
    }
}
