package halo.check;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Runs checkers: one timer thread schedules every checker; each probe runs on its own virtual thread, bounded
 * by its timeouts, so thousands of checks run at once and a slow or hung real server delays nobody else.
 * Results go through each checker's {@link CheckerLogic}; state and weight changes go to the listener on one
 * event thread, in order.
 */
public final class CheckerEngine implements AutoCloseable {

    private static final Logger LOG = System.getLogger("halo.check");
    /** keepalived's BOOTSTRAP_DELAY: the first check waits one second plus the random warmup. */
    public static final Duration BOOTSTRAP_DELAY = Duration.ofSeconds(1);

    private final CheckerListener listener;
    private final RandomGenerator random;
    private final Duration bootstrapDelay;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService events;
    private final ThreadFactory probeThreads = Thread.ofVirtual().name("halo-check-probe-", 0).factory();
    private final Set<RunningChecker> checkers = ConcurrentHashMap.newKeySet();
    private final FileWatcher files = new FileWatcher(this::readFile);
    private volatile boolean closed;

    public CheckerEngine(CheckerListener listener) {
        this(listener, RandomGenerator.getDefault(), BOOTSTRAP_DELAY);
    }

    /**
     * @param random         source for the warmup spread (inject a seeded one in tests)
     * @param bootstrapDelay fixed delay before each checker's first probe (keepalived: 1 s)
     */
    public CheckerEngine(CheckerListener listener, RandomGenerator random, Duration bootstrapDelay) {
        this.listener = listener;
        this.random = random;
        this.bootstrapDelay = bootstrapDelay;
        this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("halo-check-timer")
                .factory());
        this.timer.setRemoveOnCancelPolicy(true);
        this.events = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("halo-check-events")
                .factory());
    }

    /** Starts a checker: first probe after the bootstrap delay plus a random part of warmup. */
    public RunningChecker add(CheckerSpec spec) {
        return add(spec, null);
    }

    /**
     * Reload: starts a checker that replaces {@code previous} (the same checker in the old configuration), keeping
     * its up/down state and whether it has run, as keepalived's migrate_checkers does; the previous one is removed.
     */
    public RunningChecker add(CheckerSpec spec, RunningChecker previous) {
        if (closed) throw new IllegalStateException("engine closed");
        RunningChecker c = new RunningChecker(spec);
        if (previous != null) {
            boolean up, run;
            synchronized (previous) {
                up = previous.logic.isUp();
                run = previous.logic.hasRun();
            }
            remove(previous);
            c.logic.restore(up, run);
        }
        checkers.add(c);
        if (spec.file() != null) {
            files.watch(c);
            readFile(c);
            return c;
        }
        Duration first = c.logic.initialDelay(bootstrapDelay, spec.timing().warmup(), random);
        LOG.log(Level.DEBUG, "Activating healthchecker for service {0}", c.describe());
        synchronized (c) {
            schedule(c, first);
        }
        return c;
    }

    /** Stops a checker; a probe in flight is interrupted and its result dropped. */
    public void remove(RunningChecker c) {
        if (c.spec().file() != null) files.unwatch(c);
        synchronized (c) {
            c.removed = true;
            if (c.timer != null) c.timer.cancel(false);
            if (c.running != null) c.running.interrupt();
        }
        checkers.remove(c);
    }

    /**
     * ha_suspend: a disabled checker keeps its state and is simply not probed (keepalived reschedules it every
     * delay_loop without checking); enabling it resumes probing at the next tick.
     */
    public void setEnabled(RunningChecker c, boolean enabled) {
        synchronized (c) {
            c.enabled = enabled;
        }
    }

    public List<RunningChecker> checkers() {
        return List.copyOf(checkers);
    }

    private void schedule(RunningChecker c, Duration delay) {
        if (c.removed || closed) return;
        c.timer = timer.schedule(() -> launch(c), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    private void launch(RunningChecker c) {
        synchronized (c) {
            if (c.removed || closed) return;
            if (!c.enabled) {
                schedule(c, c.spec().timing().delayLoop());
                return;
            }
            c.startedAt = System.nanoTime();
            if (c.spec().probe() instanceof AsyncProbe async) {
                // Event-loop probe: no thread; the result is handled where the loop completes it.
                async.start().whenComplete((r, e) -> complete(c,
                        r != null ? r : ProbeResult.failure("check error: " + e)));
                return;
            }
            c.running = probeThreads.newThread(() -> runProbe(c));
            c.running.start();
        }
    }

    private void runProbe(RunningChecker c) {
        ProbeResult result;
        try {
            result = c.probe();
        } catch (InterruptedException e) {
            return;
        } catch (RuntimeException e) {
            result = ProbeResult.failure("check error: " + e);
        }
        complete(c, result);
    }

    private void complete(RunningChecker c, ProbeResult result) {
        CheckerLogic.Step step;
        boolean wasUp;
        Long weightDelta = null;
        synchronized (c) {
            c.running = null;
            if (c.removed || closed) return;
            c.probes++;
            if (result.success()) c.successes++;
            c.lastDurationNanos = System.nanoTime() - c.startedAt;
            c.durationNanosSum += c.lastDurationNanos;
            wasUp = c.logic.isUp();
            step = c.logic.onResult(result.success());
            if (result.success() && c.spec().type() == CheckerType.MISC_CHECK) {
                long delta = result.weight().isPresent()
                        ? result.weight().getAsLong() - c.spec().configuredWeight() : 0;
                if (delta != c.lastWeightDelta) {
                    c.lastWeightDelta = delta;
                    weightDelta = delta;
                }
            }
            Duration next = step.nextDelay();
            if (c.spec().type() == CheckerType.MISC_CHECK) {
                // keepalived times MISC_CHECK runs from the script's start (last_ran), not its end.
                next = next.minusNanos(System.nanoTime() - c.startedAt);
                if (next.isNegative()) next = Duration.ZERO;
            }
            schedule(c, next);
        }
        deliver(c, step, wasUp, result, weightDelta);
    }

    private void deliver(RunningChecker c, CheckerLogic.Step step, boolean wasUp, ProbeResult result, Long weightDelta) {
        if (step.change() == CheckerLogic.Change.NONE && weightDelta == null) return;
        String reason = reason(c, step.change(), result);
        boolean changed = step.change() != CheckerLogic.Change.NONE
                && (step.change() == CheckerLogic.Change.UP) != wasUp;
        // The listener owns the log (it gets the reason); keep the engine quiet on the console.
        if (step.change() != CheckerLogic.Change.NONE) LOG.log(changed ? Level.DEBUG : Level.TRACE, reason);
        Long w = weightDelta;
        events.execute(() -> {
            try {
                if (w != null) listener.weightChanged(c, w);
                if (step.change() != CheckerLogic.Change.NONE) {
                    listener.stateChanged(c, step.change() == CheckerLogic.Change.UP, reason);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "checker listener failed", e);
            }
        });
    }

    /** FILE_CHECK: (re)reads the tracked file and reports the verdict and weight it gives. */
    private void readFile(RunningChecker c) {
        Long value = FileCheckerLogic.readValue(c.spec().file().path());
        if (value == null) {
            LOG.log(Level.INFO, "Invalid number read from {0} - ignoring", c.spec().file().path());
            return;
        }
        CheckerLogic.Change change;
        boolean wasUp;
        Long delta = null;
        synchronized (c) {
            if (c.removed || closed) return;
            FileCheckerLogic logic = (FileCheckerLogic) c.logic;
            wasUp = logic.isUp();
            change = logic.onValue(value);
            if (logic.weightDelta() != c.lastWeightDelta || c.probes == 0) {
                c.lastWeightDelta = logic.weightDelta();
                delta = logic.weightDelta();
            }
            c.probes++;
            if (logic.isUp()) c.successes++;
        }
        String what = change == CheckerLogic.Change.DOWN ? "now FAULT state" : "leaving FAULT state";
        deliver(c, new CheckerLogic.Step(Duration.ZERO, change), wasUp,
                ProbeResult.success("tracked file " + c.spec().file().path() + " " + what), delta);
    }

    /** keepalived's log wording for a transition. */
    private static String reason(RunningChecker c, CheckerLogic.Change change, ProbeResult result) {
        if (change != CheckerLogic.Change.DOWN || c.spec().file() != null) return result.detail();
        int retry = c.spec().timing().retry();
        String name = switch (c.type()) {
            case HTTP_GET, SSL_GET -> "HTTP_CHECK";
            case PING_CHECK -> "ICMP CHECK";
            default -> c.type().name();
        };
        String suffix = retry > 0 && c.probes > 1 ? " failed after " + retry + " retries." : " failed.";
        return name + " on service " + c.describe() + suffix + " (" + result.detail() + ")";
    }

    /** Stops every checker and the engine's threads. */
    @Override
    public void close() {
        closed = true;
        for (RunningChecker c : checkers) remove(c);
        files.close();
        timer.shutdownNow();
        events.shutdown();
        try {
            events.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
