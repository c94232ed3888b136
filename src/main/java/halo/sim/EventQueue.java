package halo.sim;

import java.util.Arrays;

/**
 * Events ordered by (time, insertion sequence): equal times fire in the order they were set. A 4-ary heap whose
 * keys live in arrays beside it, so sifting compares longs in a few cache lines instead of chasing event objects
 * (the benchmark keeps some 3,000 events queued and moves one per advert).
 */
final class EventQueue {
    private static final int ARITY = 4;
    private SimEvent[] heap = new SimEvent[256];
    private long[] times = new long[256];
    private long[] seqs = new long[256];
    private int size;
    private long nextSeq;

    int size() {
        return size;
    }

    /** Takes the next insertion sequence number (for events kept outside the heap, in the same order). */
    long takeSeq() {
        return nextSeq++;
    }

    SimEvent peek() {
        return size == 0 ? null : heap[0];
    }

    void add(SimEvent e, long time) {
        if (e.heapIndex >= 0) remove(e);
        e.time = time;
        e.seq = nextSeq++;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
            times = Arrays.copyOf(times, size * 2);
            seqs = Arrays.copyOf(seqs, size * 2);
        }
        siftUp(size++, e);
    }

    SimEvent poll() {
        if (size == 0) return null;
        SimEvent top = heap[0];
        removeAt(0);
        return top;
    }

    boolean remove(SimEvent e) {
        int i = e.heapIndex;
        if (i < 0 || i >= size || heap[i] != e) return false;
        removeAt(i);
        return true;
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void removeAt(int i) {
        SimEvent gone = heap[i];
        size--;
        if (i != size) {
            SimEvent last = heap[size];
            heap[size] = null;
            if (i > 0 && before(last.time, last.seq, times[(i - 1) / ARITY], seqs[(i - 1) / ARITY])) {
                siftUp(i, last);
            } else {
                siftDown(i, last);
            }
        } else {
            heap[size] = null;
        }
        gone.heapIndex = -1;
    }

    private static boolean before(long t1, long s1, long t2, long s2) {
        return t1 < t2 || (t1 == t2 && s1 < s2);
    }

    private void place(int i, SimEvent e, long t, long s) {
        heap[i] = e;
        times[i] = t;
        seqs[i] = s;
        e.heapIndex = i;
    }

    private void siftUp(int i, SimEvent e) {
        long t = e.time, s = e.seq;
        while (i > 0) {
            int parent = (i - 1) / ARITY;
            if (!before(t, s, times[parent], seqs[parent])) break;
            place(i, heap[parent], times[parent], seqs[parent]);
            i = parent;
        }
        place(i, e, t, s);
    }

    private void siftDown(int i, SimEvent e) {
        long t = e.time, s = e.seq;
        while (true) {
            int first = i * ARITY + 1;
            if (first >= size) break;
            int best = first;
            int end = Math.min(first + ARITY, size);
            for (int c = first + 1; c < end; c++) {
                if (before(times[c], seqs[c], times[best], seqs[best])) best = c;
            }
            if (!before(times[best], seqs[best], t, s)) break;
            place(i, heap[best], times[best], seqs[best]);
            i = best;
        }
        place(i, e, t, s);
    }
}
