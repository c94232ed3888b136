package halo.vrrp;

/**
 * The kinds of tracked objects keepalived knows. All but {@link #FILE} report up/down (a script after its fall/rise
 * counting, see {@link ScriptTracker}; an interface its link; a process its quorum; BFD its session); a file reports a
 * number that is multiplied by the weight.
 */
public enum TrackerKind {
    SCRIPT, INTERFACE, FILE, PROCESS, BFD
}
