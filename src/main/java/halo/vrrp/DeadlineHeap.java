package halo.vrrp;

import java.util.Arrays;

/**
 * An indexed binary min-heap of a fixed set of entries {@code 0..size-1}, each with a deadline (nanoseconds; an idle
 * entry holds {@link InstanceMachine#NEVER} and sinks to the bottom) and a sequence number that orders equal deadlines
 * (the caller's: keepalived runs timers with equal deadlines in the order they were set). Every entry is always in
 * the heap, so changing a deadline is one sift, never an allocation. Keys sit in {@code long[]}s beside the heap, so
 * sifting compares longs in a few cache lines instead of calling into the entries.
 */
final class DeadlineHeap {
    private final int[] heap;      // position -> entry
    private final long[] keys;     // position -> deadline of heap[position]
    private final long[] seqs;     // position -> sequence of heap[position]
    private final int[] position;  // entry -> position

    /** A heap of {@code size} entries, all idle. */
    DeadlineHeap(int size) {
        heap = new int[size];
        keys = new long[size];
        seqs = new long[size];
        position = new int[size];
        Arrays.fill(keys, InstanceMachine.NEVER);
        for (int i = 0; i < size; i++) {
            heap[i] = i;
            position[i] = i;
        }
    }

    int size() {
        return heap.length;
    }

    /** The entry with the earliest deadline; only when {@link #size()} &gt; 0. */
    int top() {
        return heap[0];
    }

    /** The earliest deadline; {@link InstanceMachine#NEVER} when empty. */
    long topDeadline() {
        return heap.length == 0 ? InstanceMachine.NEVER : keys[0];
    }

    /** The sequence number of the earliest entry. */
    long topSeq() {
        return seqs[0];
    }

    long deadline(int entry) {
        return keys[position[entry]];
    }

    long seq(int entry) {
        return seqs[position[entry]];
    }

    /** Files {@code entry} under ({@code deadline}, {@code seq}), moving it up or down. */
    void set(int entry, long deadline, long seq) {
        int at = position[entry];
        if (before(deadline, seq, keys[at], seqs[at])) {
            siftUp(at, 0, entry, deadline, seq);
        } else {
            siftDown(at, entry, deadline, seq);
        }
    }

    private static boolean before(long t1, long s1, long t2, long s2) {
        // non-short-circuit: no branch to mispredict when choosing between two children
        return t1 < t2 | (t1 == t2 & s1 < s2);
    }

    /** Moves an entry up from {@code at}, no higher than {@code top}, and files it there. */
    private void siftUp(int at, int top, int entry, long key, long seq) {
        while (at > top) {
            int parent = (at - 1) >>> 1;
            if (!before(key, seq, keys[parent], seqs[parent])) {
                break;
            }
            place(at, heap[parent], keys[parent], seqs[parent]);
            at = parent;
        }
        place(at, entry, key, seq);
    }

    /**
     * Moves an entry whose deadline got later down from {@code start}. Bottom-up (Wegener): the hole goes down along
     * the earlier child to a leaf, one comparison per level, and the entry climbs back from there. A re-filed timer is
     * usually the latest of all (now + its interval), so it climbs no step: half the comparisons of the textbook sift.
     */
    private void siftDown(int start, int entry, long key, long seq) {
        int n = heap.length;
        int at = start;
        while (true) {
            int child = 2 * at + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n) {
                long left = keys[child];
                long right = keys[child + 1];
                child += right < left ? 1 : 0;
                if (right == left) { // rare: equal deadlines go in sequence order
                    child += seqs[child + 1] < seqs[child] ? 1 : 0;
                }
            }
            place(at, heap[child], keys[child], seqs[child]);
            at = child;
        }
        siftUp(at, start, entry, key, seq);
    }

    private void place(int at, int entry, long key, long seq) {
        heap[at] = entry;
        keys[at] = key;
        seqs[at] = seq;
        position[entry] = at;
    }
}
