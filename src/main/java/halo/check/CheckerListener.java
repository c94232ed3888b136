package halo.check;

/**
 * Receives checker results: what the LVS table needs to add, remove or re-weight real servers.
 * Calls come from one event thread, in order.
 */
public interface CheckerListener {

    /**
     * The checker's verdict (keepalived's update_svr_checker_state): UP after a success, DOWN once its retries are
     * spent. The first verdict is reported even when it repeats the initial state (up, or down with alpha); later
     * ones are changes. {@code reason} is keepalived's log line for it.
     */
    void stateChanged(RunningChecker checker, boolean up, String reason);

    /**
     * MISC_CHECK misc_dynamic / FILE_CHECK: the amount this checker adds to the real server's configured weight
     * (misc_dynamic exit status N: N - 2 - configured weight; exit 0: 0; FILE_CHECK: value x weight).
     */
    default void weightChanged(RunningChecker checker, long delta) {}
}
