package halo.check;

/**
 * One health probe. Blocking, bounded by its own timeouts (connect_timeout and friends); the engine runs each
 * probe on a virtual thread, so a hung real server costs a parked virtual thread, never a platform thread.
 */
@FunctionalInterface
public interface Probe {
    ProbeResult run() throws InterruptedException;
}
