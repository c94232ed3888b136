package halo.sim;

/**
 * What runs on a simulated node (the VRRP host, or a test's probe). One instance per boot: a crash drops it, a
 * restore builds a fresh one, as a real restart loses all state.
 */
public interface NodeSoftware {

    /** The node boots; {@code node} gives its clock, interfaces, timers and send. */
    void start(SimNode node);

    /**
     * A packet arrives. The arrays are only valid during the call (they are the simulator's pooled buffers).
     *
     * @param src sender's address (4 or 16 bytes)
     * @param dst destination address (the multicast group or this node's address)
     * @param ttl IPv4 TTL / IPv6 hop limit as received
     */
    void receive(SimInterface in, byte[] src, byte[] dst, int ttl, byte[] payload, int offset, int length);

    /** Orderly shutdown (keepalived's SIGTERM): may still send packets; the node goes down right after. */
    default void stop() {
    }

    /** An interface's link went up or down (track_interface). */
    default void linkChanged(SimInterface iface, boolean up) {
    }
}
