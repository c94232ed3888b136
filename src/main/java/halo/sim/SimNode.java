package halo.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A simulated host: interfaces on segments, a clock of its own (drift and timer jitter), timers, and the software it
 * runs. Crash drops the software and every pending timer; restore boots a fresh copy.
 */
public final class SimNode {
    private final Simulation sim;
    private final String name;
    private final Map<String, SimInterface> interfaces = new LinkedHashMap<>();
    private Supplier<? extends NodeSoftware> softwareFactory;
    private NodeSoftware software;
    private boolean up;
    /** Incremented at every boot and every crash, so timers armed in an earlier life never fire. */
    private int epoch;
    int partitionGroup;
    private long driftPpm;
    private long timerJitterNanos;
    private final Rng clockRng;

    SimNode(Simulation sim, String name, Rng clockRng) {
        this.sim = sim;
        this.name = name;
        this.clockRng = clockRng;
    }

    public String name() {
        return name;
    }

    public Simulation simulation() {
        return sim;
    }

    public SimInterface attach(String ifname, Segment segment, byte[] ipv4, byte[] ipv6) {
        if (interfaces.containsKey(ifname)) throw new IllegalArgumentException(name + " already has " + ifname);
        SimInterface i = new SimInterface(this, ifname, interfaces.size(), segment, ipv4.clone(), ipv6.clone());
        interfaces.put(ifname, i);
        segment.add(i);
        return i;
    }

    public SimInterface iface(String ifname) {
        return interfaces.get(ifname);
    }

    public List<SimInterface> interfaces() {
        return Collections.unmodifiableList(new ArrayList<>(interfaces.values()));
    }

    public void setSoftware(Supplier<? extends NodeSoftware> factory) {
        this.softwareFactory = factory;
    }

    /** The software of the current boot, or null while the node is down. */
    public NodeSoftware software() {
        return software;
    }

    public boolean isUp() {
        return up;
    }

    /**
     * Clock imperfection: the node's clock runs {@code driftPpm} parts per million fast (negative: slow), and each
     * timer fires late by a uniform draw in [0, timerJitterNanos] (scheduling latency).
     */
    public void setClock(long driftPpm, long timerJitterNanos) {
        if (driftPpm <= -1_000_000) throw new IllegalArgumentException("drift too negative");
        this.driftPpm = driftPpm;
        this.timerJitterNanos = timerJitterNanos;
    }

    /** The node's own clock in nanoseconds. */
    public long now() {
        long g = sim.now();
        return driftPpm == 0 ? g : g + Math.round(g * (driftPpm / 1e6));
    }

    private long globalFor(long local) {
        if (driftPpm == 0) return local;
        long g = (long) Math.ceil(local / (1 + driftPpm / 1e6));
        while (g + Math.round(g * (driftPpm / 1e6)) < local) g++;
        return g;
    }

    /** Boots (or reboots after a crash) the node: a fresh copy of its software starts. */
    public void boot() {
        if (up) return;
        if (softwareFactory == null) throw new IllegalStateException(name + " has no software");
        up = true;
        epoch++;
        software = softwareFactory.get();
        software.start(this);
    }

    /** Power cut: no goodbye packets, all state and timers lost. */
    public void crash() {
        if (!up) return;
        up = false;
        epoch++;
        software = null;
    }

    /** Orderly shutdown: the software may send its last packets (VRRP priority 0), then the node is down. */
    public void shutdown() {
        if (!up) return;
        NodeSoftware s = software;
        s.stop();
        crash();
    }

    /** Sets an interface's link up or down and tells the software (track_interface). */
    public void setLink(String ifname, boolean linkUp) {
        SimInterface i = interfaces.get(ifname);
        if (i == null) throw new IllegalArgumentException(name + " has no interface " + ifname);
        if (i.isUp() == linkUp) return;
        i.setUp(linkUp);
        if (up) software.linkChanged(i, linkUp);
    }

    /**
     * Sends an IP packet carrying {@code payload[offset, offset+length)}; a multicast {@code dst} reaches every
     * interface on the segment, a unicast one only its owner. The source is the interface's address of dst's family.
     */
    public void send(SimInterface out, byte[] dst, int ttl, byte[] payload, int offset, int length) {
        if (!up) return;
        if (out.node() != this) throw new IllegalArgumentException(out + " is not on " + name);
        out.segment().transmit(out, dst, ttl, payload, offset, length);
    }

    /** A reusable timer on this node's clock; it never fires after a crash. */
    public Timer timer(Runnable action) {
        return new Timer(action);
    }

    void deliver(SimInterface in, byte[] src, byte[] dst, int ttl, byte[] payload, int offset, int length) {
        if (up && in.isUp()) software.receive(in, src, dst, ttl, payload, offset, length);
    }

    public final class Timer extends SimEvent {
        private final Runnable action;
        private int armedEpoch;
        private long deadline = -1;

        private Timer(Runnable action) {
            this.action = action;
        }

        /** Fires when the node's clock reads {@code localNanos} (plus timer jitter). */
        public void setAt(long localNanos) {
            if (!up) return;
            armedEpoch = epoch;
            deadline = localNanos;
            long g = Math.max(globalFor(localNanos), sim.now());
            if (timerJitterNanos > 0) g += clockRng.nextLong(timerJitterNanos + 1);
            sim.schedule(this, g);
        }

        public void setAfter(long nanos) {
            setAt(now() + nanos);
        }

        public void cancel() {
            deadline = -1;
            sim.cancel(this);
        }

        public boolean isArmed() {
            return isScheduled();
        }

        /** The local time it was set to fire at, or -1. */
        public long deadline() {
            return deadline;
        }

        @Override
        protected void fire() {
            if (!up || armedEpoch != epoch) return;
            deadline = -1;
            action.run();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
