package halo.check;

import java.util.concurrent.ScheduledFuture;

/** A running checker: its spec and current state. Handed to {@link CheckerListener}. */
public final class RunningChecker {
    private final CheckerSpec spec;
    final CheckerLogic logic;
    ScheduledFuture<?> timer;
    Thread running;
    boolean removed;
    boolean enabled = true;
    long startedAt;
    long lastWeightDelta;
    long probes;
    long successes;
    long durationNanosSum;
    long lastDurationNanos = -1;

    RunningChecker(CheckerSpec spec) {
        this.spec = spec;
        if (spec.http() != null) {
            this.logic = new HttpCheckerLogic(spec.http().urls().size(), spec.timing(), spec.fastRecovery());
        } else if (spec.file() != null) {
            this.logic = new FileCheckerLogic(spec.file().weight(), spec.file().reverse());
        } else {
            this.logic = new StandardCheckerLogic(spec.type(), spec.timing());
        }
    }

    public Object key() {
        return spec.key();
    }

    public CheckerSpec spec() {
        return spec;
    }

    public CheckerType type() {
        return spec.type();
    }

    /** Current state (alpha checkers start down). */
    public synchronized boolean isUp() {
        return logic.isUp();
    }

    /** Number of probes completed so far. */
    public synchronized long probes() {
        return probes;
    }

    /**
     * What the probes found so far, for metrics: successes and failures (probes - successes), the time they took in
     * total and the last one's (-1 before the first).
     */
    public record Results(long probes, long successes, long durationNanosSum, long lastDurationNanos) {}

    public synchronized Results results() {
        return new Results(probes, successes, durationNanosSum, lastDurationNanos);
    }

    ProbeResult probe() throws InterruptedException {
        if (spec.http() != null) {
            int url;
            synchronized (this) {
                url = ((HttpCheckerLogic) logic).currentUrl();
            }
            return spec.http().check(url);
        }
        return spec.probe().run();
    }

    /** keepalived's FMT_CHK, or the key when there is no network target. */
    String describe() {
        if (spec.file() != null) return spec.file().path().toString();
        return spec.target() != null ? spec.target().format(spec.type().protocolLabel()) : String.valueOf(spec.key());
    }

    @Override
    public String toString() {
        return spec.type() + " " + describe();
    }
}
