package halo.vrrp;

import java.util.List;

/**
 * What the state machine asks the world to do. The machine never does I/O: the daemon (or the simulator) implements
 * this sink. Calls happen synchronously inside the machine's entry points, in the order keepalived does them. The hot
 * path (adverts in steady state) only calls {@link #sendAdvert}, with no allocation; everything else happens on state
 * changes.
 */
public interface VrrpActions {

    /**
     * Send one advertisement for {@code instance} (VRID, version, interval on the wire and addresses from its spec)
     * carrying {@code priority}: the effective priority, or 0 when leaving (RFC 5798 6.4.3, "send an ADVERTISEMENT
     * with Priority = 0").
     */
    void sendAdvert(InstanceMachine instance, int priority);

    /**
     * Add the instance's virtual addresses (and excluded addresses, virtual routes and rules); when
     * {@link InstanceMachine#acceptMode()} is false, also block traffic to them (keepalived's iptables/nftables rule).
     */
    void addVirtualAddresses(InstanceMachine instance);

    /** Remove what {@link #addVirtualAddresses} added. */
    void removeVirtualAddresses(InstanceMachine instance);

    /** Send {@code repeat} gratuitous ARPs (IPv4) / unsolicited neighbour adverts with R and O flags (IPv6) per VIP. */
    void sendGratuitousArps(InstanceMachine instance, int repeat);

    /**
     * Run a notify script: {@code command} as configured (split into argv as keepalived does) followed by
     * {@code extraArgs}. {@code stop} is true for notify_stop and STOP notifications, which keepalived kills after 1 s.
     */
    void runScript(String command, List<String> extraArgs, boolean stop);

    /** Write one line to notify_fifo / vrrp_notify_fifo, e.g. {@code INSTANCE "VI_1" MASTER 100}; the writer adds '\n'. */
    void writeFifo(String line);

    /** One log line in keepalived's words, e.g. {@code (VI_1) Entering MASTER STATE}. */
    void log(String line);

    /** Every transition, with its reason (for JSON state, the simulator's timeline, metrics). */
    default void stateChanged(InstanceMachine instance, VrrpState from, VrrpState to, TransitionReason reason) {
    }

    /** A sync group changed state. */
    default void groupStateChanged(SyncGroup group, VrrpState from, VrrpState to) {
    }
}
