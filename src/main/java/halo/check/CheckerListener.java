package halo.check;

/**
 * Receives checker results: what the LVS table needs to add, remove or re-weight real servers.
 * Calls come from one event thread, in order.
 */
public interface CheckerListener {

    /** The checker went UP or DOWN; {@code reason} is keepalived's log line for it. */
    void stateChanged(Checker checker, boolean up, String reason);

    /**
     * MISC_CHECK misc_dynamic / FILE_CHECK: the amount this checker adds to the real server's configured weight
     * (misc_dynamic exit status N: N - 2 - configured weight; exit 0: 0; FILE_CHECK: value x weight).
     */
    default void weightChanged(Checker checker, long delta) {}
}
