package halo.lvs.sched;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One real server as an IPVS scheduler sees it (the kernel's struct ip_vs_dest): its address and port, its weight,
 * its connection counts and its connection thresholds. Mutable, owned by one data plane thread: the data plane
 * updates the counts as connections open, go inactive and expire, and calls {@link #afterConnectionAdded()} and
 * {@link #afterConnectionRemoved()}, which set and clear the overload flag from the thresholds as the kernel does; a
 * scheduler only reads them.
 *
 * <p>A weight of 0 is quiesced: no new connections (the kernel's "weight > 0" test in every scheduler), while the
 * existing ones finish.
 */
public final class Destination {
    private final InetAddress address;
    private final int port;
    private int weight;
    private int activeConnections;
    private int inactiveConnections;
    private int persistentConnections;
    private int upperThreshold;
    private int lowerThreshold;
    private boolean overloaded;

    public Destination(InetAddress address, int port, int weight) {
        this.address = Objects.requireNonNull(address, "address");
        this.port = port;
        this.weight = weight;
    }

    public InetAddress address() {
        return address;
    }

    public int port() {
        return port;
    }

    public int weight() {
        return weight;
    }

    public void weight(int weight) {
        this.weight = weight;
    }

    /** Connections in ESTABLISHED (TCP) state: the kernel's activeconns. */
    public int activeConnections() {
        return activeConnections;
    }

    public void activeConnections(int n) {
        this.activeConnections = n;
    }

    /** Connections in any other state (and UDP): the kernel's inactconns. */
    public int inactiveConnections() {
        return inactiveConnections;
    }

    public void inactiveConnections(int n) {
        this.inactiveConnections = n;
    }

    /** Persistence templates pointing here: the kernel's persistconns. */
    public int persistentConnections() {
        return persistentConnections;
    }

    public void persistentConnections(int n) {
        this.persistentConnections = n;
    }

    /** u-threshold: 0 = none. */
    public int upperThreshold() {
        return upperThreshold;
    }

    /** l-threshold: 0 = none (then the overload flag clears at three quarters of the upper threshold). */
    public int lowerThreshold() {
        return lowerThreshold;
    }

    /**
     * Sets the thresholds (ipvsadm -x/-y, keepalived's uthreshold/lthreshold). As __ip_vs_update_dest does, removing
     * the upper threshold or raising it clears the overload at once.
     */
    public void thresholds(int upper, int lower) {
        if (upper == 0 || upper > upperThreshold) {
            overloaded = false;
        }
        this.upperThreshold = upper;
        this.lowerThreshold = lower;
    }

    /** IP_VS_DEST_F_OVERLOAD: set when the connections reach the upper threshold; no scheduler picks it then. */
    public boolean overloaded() {
        return overloaded;
    }

    public void overloaded(boolean overloaded) {
        this.overloaded = overloaded;
    }

    /** The kernel's ip_vs_dest_totalconns: active + inactive. */
    public int totalConnections() {
        return activeConnections + inactiveConnections;
    }

    /**
     * A connection was bound here and counted (the kernel's ip_vs_bind_dest): the destination is overloaded once its
     * connections reach the upper threshold.
     */
    public void afterConnectionAdded() {
        if (upperThreshold != 0 && totalConnections() >= upperThreshold) {
            overloaded = true;
        }
    }

    /**
     * A connection left and is no longer counted (the kernel's ip_vs_unbind_dest): the overload clears below the
     * lower threshold, or, without one, below three quarters of the upper one; with neither, at once.
     */
    public void afterConnectionRemoved() {
        if (lowerThreshold != 0) {
            if (totalConnections() < lowerThreshold) {
                overloaded = false;
            }
        } else if (upperThreshold != 0) {
            if ((long) totalConnections() * 4 < (long) upperThreshold * 3) {
                overloaded = false;
            }
        } else {
            overloaded = false;
        }
    }

    @Override
    public String toString() {
        return address.getHostAddress() + ":" + port + " w" + weight + " a" + activeConnections + " i"
                + inactiveConnections + (overloaded ? " overloaded" : "");
    }
}
