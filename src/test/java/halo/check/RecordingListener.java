package halo.check;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Collects checker events with their arrival time. */
final class RecordingListener implements CheckerListener {
    record Event(RunningChecker checker, String kind, boolean up, long weight, String reason, long nanos) {}

    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void stateChanged(RunningChecker checker, boolean up, String reason) {
        events.add(new Event(checker, "state", up, 0, reason, System.nanoTime()));
        synchronized (this) {
            notifyAll();
        }
    }

    @Override
    public void weightChanged(RunningChecker checker, long delta) {
        events.add(new Event(checker, "weight", false, delta, "", System.nanoTime()));
        synchronized (this) {
            notifyAll();
        }
    }

    /** Waits (bounded) for an event matching {@code p} that arrived after index {@code from}. */
    Event await(int from, Predicate<Event> p, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (this) {
            while (true) {
                for (int i = from; i < events.size(); i++) {
                    if (p.test(events.get(i))) return events.get(i);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) return null;
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    Event awaitState(RunningChecker c, boolean up, long timeoutMillis) throws InterruptedException {
        return await(0, e -> e.checker() == c && e.kind().equals("state") && e.up() == up && !seen(e), timeoutMillis);
    }

    private final List<Event> consumed = new CopyOnWriteArrayList<>();

    private boolean seen(Event e) {
        if (consumed.contains(e)) return true;
        consumed.add(e);
        return false;
    }
}
