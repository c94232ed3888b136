package halo.lvs.proxy;

import halo.lvs.Protocol;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A round-robin balancer for tests that records what the engine told it. */
final class RecordingBalancer implements Balancer {
    record Pick(InetSocketAddress client, InetSocketAddress destination) implements Picked { }

    private final List<InetSocketAddress> destinations;
    private int next;
    private final List<String> events = new ArrayList<>();
    final AtomicLong inBytes = new AtomicLong();
    final AtomicLong outBytes = new AtomicLong();
    final AtomicLong inPackets = new AtomicLong();
    final AtomicLong outPackets = new AtomicLong();
    volatile Thread caller;
    volatile boolean callsFromTwoThreads;

    RecordingBalancer(List<InetSocketAddress> destinations) {
        this.destinations = destinations;
    }

    private synchronized void record(String event) {
        Thread t = Thread.currentThread();
        if (caller != null && caller != t) {
            callsFromTwoThreads = true;
        }
        caller = t;
        events.add(event);
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    synchronized long count(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).count();
    }

    @Override
    public Picked open(InetSocketAddress client, InetSocketAddress service, Protocol protocol) {
        synchronized (this) {
            if (destinations.isEmpty()) {
                record("refused " + protocol);
                return null;
            }
            InetSocketAddress d = destinations.get(next++ % destinations.size());
            record("open " + protocol + " " + d);
            return new Pick(client, d);
        }
    }

    @Override
    public void established(Picked p) {
        record("established " + p.destination());
    }

    @Override
    public void halfClosed(Picked p) {
        record("halfClosed " + p.destination());
    }

    @Override
    public void closed(Picked p) {
        record("closed " + p.destination());
    }

    @Override
    public void traffic(Picked p, long inP, long outP, long inB, long outB) {
        inPackets.addAndGet(inP);
        outPackets.addAndGet(outP);
        inBytes.addAndGet(inB);
        outBytes.addAndGet(outB);
    }
}
