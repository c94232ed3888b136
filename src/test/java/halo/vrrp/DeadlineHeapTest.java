package halo.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeadlineHeapTest {

    private static final long NEVER = InstanceMachine.NEVER;

    @Test
    void theTopIsAlwaysTheEarliestDeadlineAndEqualDeadlinesGoInSequenceOrder() {
        int n = 500;
        Random random = new Random(7);
        DeadlineHeap heap = new DeadlineHeap(n);
        long[] deadline = new long[n];
        long[] seq = new long[n];
        java.util.Arrays.fill(deadline, NEVER);
        long nextSeq = 0;
        for (int op = 0; op < 50_000; op++) {
            int e = random.nextInt(n);
            // few distinct deadlines, so ties are common; some entries go idle
            long d = random.nextInt(10) == 0 ? NEVER : random.nextInt(200);
            deadline[e] = d;
            seq[e] = ++nextSeq;
            heap.set(e, d, seq[e]);
            int expected = 0;
            for (int i = 1; i < n; i++) {
                if (deadline[i] < deadline[expected] || deadline[i] == deadline[expected] && seq[i] < seq[expected]) {
                    expected = i;
                }
            }
            assertThat(heap.topDeadline()).isEqualTo(deadline[expected]);
            if (deadline[expected] != NEVER) {
                assertThat(heap.top()).as("operation %d", op).isEqualTo(expected);
            }
            assertThat(heap.deadline(e)).isEqualTo(d);
        }
    }

    @Test
    void drainsInDeadlineThenSequenceOrder() {
        DeadlineHeap heap = new DeadlineHeap(6);
        heap.set(3, 50, 1);
        heap.set(0, 20, 5);
        heap.set(5, 20, 2);
        heap.set(1, 10, 9);
        heap.set(4, 50, 0);
        // entry 2 stays idle
        List<Integer> order = new ArrayList<>();
        while (heap.topDeadline() != NEVER) {
            order.add(heap.top());
            heap.set(heap.top(), NEVER, 0);
        }
        assertThat(order).containsExactly(1, 5, 0, 4, 3);
    }

    @Test
    void aReFiledTopGoesBehindEverythingDueEarlier() {
        // the benchmark's pattern: each timer fires and moves one interval on, behind all the others
        int n = 1000;
        DeadlineHeap heap = new DeadlineHeap(n);
        for (int i = 0; i < n; i++) {
            heap.set(i, i * 10L, i);
        }
        List<long[]> fired = new ArrayList<>();
        long seq = n;
        for (int k = 0; k < 5 * n; k++) {
            int top = heap.top();
            fired.add(new long[] {heap.topDeadline(), top});
            heap.set(top, heap.topDeadline() + 10L * n, ++seq);
        }
        assertThat(fired).isSortedAccordingTo(Comparator.comparingLong((long[] f) -> f[0]));
        for (int k = 0; k < fired.size(); k++) {
            assertThat(fired.get(k)[1]).isEqualTo(k % n);
        }
    }
}
