package halo.sim;

import java.util.Arrays;

/** A binary heap of events ordered by (time, insertion sequence): equal times fire in the order they were set. */
final class EventQueue {
    private SimEvent[] heap = new SimEvent[256];
    private int size;
    private long nextSeq;

    int size() {
        return size;
    }

    SimEvent peek() {
        return size == 0 ? null : heap[0];
    }

    void add(SimEvent e, long time) {
        if (e.heapIndex >= 0) remove(e);
        e.time = time;
        e.seq = nextSeq++;
        if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
        heap[size] = e;
        e.heapIndex = size;
        size++;
        up(e.heapIndex);
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
            heap[i] = last;
            last.heapIndex = i;
            heap[size] = null;
            if (!up(i)) down(i);
        } else {
            heap[size] = null;
        }
        gone.heapIndex = -1;
    }

    private static boolean before(SimEvent a, SimEvent b) {
        return a.time < b.time || (a.time == b.time && a.seq < b.seq);
    }

    private boolean up(int i) {
        SimEvent e = heap[i];
        int start = i;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            SimEvent p = heap[parent];
            if (!before(e, p)) break;
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = e;
        e.heapIndex = i;
        return i != start;
    }

    private void down(int i) {
        SimEvent e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && before(heap[right], heap[child])) child = right;
            if (!before(heap[child], e)) break;
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = e;
        e.heapIndex = i;
    }
}
