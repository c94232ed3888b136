package halo.vrrp;

/**
 * A vrrp_script's fall/rise counting, exactly as keepalived's vrrp_script_child_thread: a result counter from 0 to
 * rise + fall - 1; the script is up while the counter is at least {@code rise}. Starting state: one success is
 * enough to go up and, until the first result, one failure is enough to go down (keepalived's
 * SCRIPT_INIT_STATE_INIT, counter = rise - 1); {@code init_fail} starts down (counter 0).
 *
 * <p>One tracker per vrrp_script, shared by every instance tracking it: the daemon feeds it each run's outcome and,
 * when it returns a change, calls {@link InstanceMachine#onTrackerStatus} on the tracking instances.
 */
public final class ScriptTracker {

    /** What a result did to the script's state. */
    public enum Change { NONE, NOW_UP, NOW_DOWN }

    private final String name;
    private final int rise;
    private final int fall;
    private int result;
    private boolean initState;
    private int lastStatus; // keepalived starts at 0: a first success logs only "succeeded"

    public ScriptTracker(String name, int rise, int fall, boolean initFail) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be at least 1");
        }
        this.name = name;
        this.rise = rise;
        this.fall = fall;
        this.result = initFail ? 0 : rise - 1;
        this.initState = !initFail;
    }

    public String name() {
        return name;
    }

    /** Up after enough successes; before any result, down only with init_fail. */
    public boolean isUp() {
        return result >= rise;
    }

    /** The status to give {@link TrackerSpec#initial()}: UNKNOWN until the first result (DOWN with init_fail). */
    public TrackerSpec.Status initialStatus() {
        return initState ? TrackerSpec.Status.UNKNOWN : (isUp() ? TrackerSpec.Status.UP : TrackerSpec.Status.DOWN);
    }

    /** The script exited with {@code status} (0 is success). */
    public Change onExit(int status, VrrpActions log) {
        if (status != lastStatus) {
            log.log("Script `" + name + "` now returning " + status);
        }
        lastStatus = status;
        return status == 0 ? success(log, "succeeded") : failure(log, "failed (exited with status " + status + ")");
    }

    /** The script was killed after its timeout: a failure. */
    public Change onTimeout(VrrpActions log) {
        return failure(log, "timed_out");
    }

    /** The script died of a signal we did not send: a failure. */
    public Change onSignal(int signal, VrrpActions log) {
        return failure(log, "failed (due to signal " + signal + ")");
    }

    private Change success(VrrpActions log, String what) {
        Change change = Change.NONE;
        if (result < rise - 1) {
            result++;
        } else if (result != rise + fall - 1) {
            if (result < rise) {
                log.log("VRRP_Script(" + name + ") " + what);
                change = Change.NOW_UP;
            }
            result = rise + fall - 1;
        }
        initState = false;
        return change;
    }

    private Change failure(VrrpActions log, String what) {
        Change change = Change.NONE;
        if (result > rise) {
            result--;
        } else {
            if (result == rise || initState) {
                log.log("VRRP_Script(" + name + ") " + what);
                change = Change.NOW_DOWN;
            }
            result = 0;
        }
        initState = false;
        return change;
    }
}
