package halo.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deterministic discrete-event simulator: one virtual clock in nanoseconds, one event queue, and one seeded random
 * generator from which every random draw (loss, delay, duplication, reordering, clock jitter) is split. The same
 * seed and the same script replay the same run, event for event.
 */
public final class Simulation {
    private final long seed;
    private final Rng rng;
    private final EventQueue queue = new EventQueue();
    private final Map<String, Segment> segments = new LinkedHashMap<>();
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final ArrayDeque<Delivery> deliveryPool = new ArrayDeque<>();
    /**
     * Packets in flight whose arrival times never decrease (the common case: every copy gets the same delay) wait
     * here in order instead of in the heap; events still fire in one (time, sequence) order either way.
     */
    private final ArrayDeque<Delivery> inFlight = new ArrayDeque<>();
    private long now;
    private int nextPartitionGroup = 1;
    private long eventsFired;

    public Simulation(long seed) {
        this.seed = seed;
        this.rng = new Rng(seed);
    }

    public long seed() {
        return seed;
    }

    /** Virtual time in nanoseconds since the start of the run. */
    public long now() {
        return now;
    }

    /** The generator for draws a test or a scenario makes itself (fault schedules). */
    public Rng rng() {
        return rng;
    }

    public long eventsFired() {
        return eventsFired;
    }

    public Segment segment(String name, LinkModel link) {
        if (segments.containsKey(name)) throw new IllegalArgumentException("segment " + name + " exists");
        Segment s = new Segment(this, name, link, rng.split());
        segments.put(name, s);
        return s;
    }

    public Segment segment(String name) {
        return segments.get(name);
    }

    public Collection<Segment> segments() {
        return List.copyOf(segments.values());
    }

    public SimNode node(String name) {
        SimNode n = nodes.get(name);
        if (n == null) {
            n = new SimNode(this, name, rng.split());
            nodes.put(name, n);
        }
        return n;
    }

    public SimNode findNode(String name) {
        return nodes.get(name);
    }

    public List<SimNode> nodes() {
        return List.copyOf(nodes.values());
    }

    /** Runs {@code action} at virtual time {@code at} (scripted faults, probes). */
    public void at(long at, Runnable action) {
        schedule(new SimEvent() {
            @Override
            protected void fire() {
                action.run();
            }
        }, Math.max(at, now));
    }

    public void schedule(SimEvent e, long at) {
        if (at < now) throw new IllegalArgumentException("cannot schedule in the past: " + at + " < " + now);
        queue.add(e, at);
    }

    public void cancel(SimEvent e) {
        queue.remove(e);
    }

    /** Fires the next event; false when nothing is left. */
    public boolean step() {
        SimEvent e = next();
        if (e == null) return false;
        if (e == inFlight.peekFirst()) inFlight.pollFirst();
        else queue.poll();
        now = e.time;
        eventsFired++;
        e.fire();
        return true;
    }

    private SimEvent next() {
        SimEvent h = queue.peek();
        Delivery d = inFlight.peekFirst();
        if (d == null) return h;
        if (h == null) return d;
        return h.time < d.time || (h.time == d.time && h.seq < d.seq) ? h : d;
    }

    /** Fires every event up to and including time {@code until}, then sets the clock to it. */
    public void runUntil(long until) {
        for (SimEvent e = next(); e != null && e.time <= until; e = next()) step();
        if (until > now) now = until;
    }

    public void runFor(long nanos) {
        runUntil(now + nanos);
    }

    // --- partitions: nodes in different groups cannot hear each other on any segment ---

    /** Cuts {@code side} off from every other node (they still hear each other). */
    public void partition(Collection<SimNode> side) {
        int g = nextPartitionGroup++;
        for (SimNode n : side) n.partitionGroup = g;
    }

    /** Splits the LAN into the given groups; nodes in none of them stay together in the rest. */
    public void partition(List<? extends Collection<SimNode>> groups) {
        for (Collection<SimNode> side : groups) partition(side);
    }

    public void heal() {
        for (SimNode n : nodes.values()) n.partitionGroup = 0;
    }

    public boolean connected(SimNode a, SimNode b) {
        return a.partitionGroup == b.partitionGroup;
    }

    void scheduleDelivery(Delivery d, long at) {
        Delivery tail = inFlight.peekLast();
        if (tail == null || at >= tail.time) {
            d.time = at;
            d.seq = queue.takeSeq();
            inFlight.addLast(d);
        } else {
            schedule(d, at);
        }
    }

    Delivery acquireDelivery() {
        Delivery d = deliveryPool.pollFirst();
        return d != null ? d : new Delivery(this);
    }

    void releaseDelivery(Delivery d) {
        deliveryPool.addFirst(d);
    }

    /** Every node, in creation order, with its current state, for failure messages. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (SimNode n : nodes.values())
            parts.add(n.name() + (n.isUp() ? "" : "(down)") + (n.partitionGroup != 0 ? "[p" + n.partitionGroup + "]" : ""));
        return "seed=" + seed + " t=" + now + "ns " + String.join(" ", parts);
    }
}
