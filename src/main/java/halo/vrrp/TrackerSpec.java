package halo.vrrp;

/**
 * One tracked object of an instance (track_script, track_interface, track_file, track_process, track_bfd entry) with
 * the weight in force for this instance.
 *
 * @param name    the tracked object's name (script name, interface name, file name...)
 * @param kind    what it is
 * @param weight  -253..253; 0 means a failure puts the instance in FAULT
 * @param reverse keepalived's {@code reverse}: the weight applies in the opposite sense
 * @param initial status before the first report: {@link Status#UNKNOWN} for a script that has not run yet (keepalived's
 *                init state), {@link Status#DOWN} for init_fail, {@link Status#UP} for an interface that is up
 * @param initialValue for {@link TrackerKind#FILE}: the value before the first read
 */
public record TrackerSpec(String name, TrackerKind kind, int weight, boolean reverse, Status initial, long initialValue) {

    public enum Status { UNKNOWN, UP, DOWN }

    public TrackerSpec {
        if (weight < -254 || weight > 254) {
            throw new IllegalArgumentException("weight " + weight + " for " + name + " must be between [-253..253]");
        }
    }

    public static TrackerSpec script(String name, int weight) {
        return new TrackerSpec(name, TrackerKind.SCRIPT, weight, false, Status.UNKNOWN, 0);
    }

    public static TrackerSpec iface(String name, int weight) {
        return new TrackerSpec(name, TrackerKind.INTERFACE, weight, false, Status.UP, 0);
    }

    public static TrackerSpec file(String name, int weight) {
        return new TrackerSpec(name, TrackerKind.FILE, weight, false, Status.UP, 0);
    }

    public static TrackerSpec process(String name, int weight) {
        return new TrackerSpec(name, TrackerKind.PROCESS, weight, false, Status.UP, 0);
    }

    public TrackerSpec reversed() {
        return new TrackerSpec(name, kind, weight, true, initial, initialValue);
    }

    public TrackerSpec withInitial(Status status) {
        return new TrackerSpec(name, kind, weight, reverse, status, initialValue);
    }

    public TrackerSpec withInitialValue(long value) {
        return new TrackerSpec(name, kind, weight, reverse, initial, value);
    }

    public TrackerSpec withWeight(int newWeight) {
        return new TrackerSpec(name, kind, newWeight, reverse, initial, initialValue);
    }
}
