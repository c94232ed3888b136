package halo.vrrp;

import java.util.List;

/** A virtual clock that fires the instances' deadlines in order. */
final class Clock {
    long now;

    Clock(long start) {
        this.now = start;
    }

    static long ms(long ms) {
        return ms * 1_000_000L;
    }

    static long us(long us) {
        return us * 1_000L;
    }

    /** Fires every deadline up to and including {@code until}, then sets the clock to {@code until}. */
    void runUntil(long until, InstanceMachine... instances) {
        runUntil(until, List.of(instances));
    }

    void runUntil(long until, List<InstanceMachine> instances) {
        for (int guard = 0; guard < 1_000_000; guard++) {
            InstanceMachine next = null;
            long at = Long.MAX_VALUE;
            for (InstanceMachine i : instances) {
                if (i.nextDeadline() < at) {
                    at = i.nextDeadline();
                    next = i;
                }
            }
            if (next == null || at > until) {
                now = until;
                return;
            }
            now = Math.max(now, at);
            next.onTimer(now);
        }
        throw new AssertionError("too many timer events");
    }
}
