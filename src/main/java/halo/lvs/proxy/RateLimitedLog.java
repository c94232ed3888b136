package halo.lvs.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Log lines that a burst would repeat thousands of times (a real server refusing, a full connection table, no
 * destination): the first of a kind is written, the next ones within the interval are counted and the count is
 * written with the next line of that kind after the interval.
 */
final class RateLimitedLog {
    private final Logger logger;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        long lastWritten;
        long suppressed;
    }

    RateLimitedLog(Logger logger, long intervalNanos, LongSupplier nanoClock) {
        this.logger = logger;
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
        // loaded now rather than at the first line: out of descriptors (EMFILE) no class file can be opened
        new Window();
    }

    /** Writes MESSAGE unless a line of the same KIND was written within the interval. */
    void log(Level level, String kind, String message) {
        if (!logger.isLoggable(level)) {
            return;
        }
        long now = nanoClock.getAsLong();
        Window w = windows.computeIfAbsent(kind, k -> new Window());
        long suppressed;
        synchronized (w) {
            if (w.lastWritten != 0 && now - w.lastWritten < intervalNanos) {
                w.suppressed++;
                return;
            }
            w.lastWritten = now == 0 ? 1 : now;
            suppressed = w.suppressed;
            w.suppressed = 0;
        }
        logger.log(level, suppressed == 0 ? message : message + " (" + suppressed + " more like it not logged)");
    }
}
