package halo.lvs.proxy;

import halo.lvs.Protocol;
import java.net.InetSocketAddress;

/**
 * What the proxy asks of the load balancer for one virtual service: where a new connection (or UDP flow) goes, and
 * what happens to it afterwards. Scheduling, persistence and IPVS accounting live behind this interface, not in the
 * engine. The engine calls one service's balancer from one I/O thread at a time (a service is pinned to one event
 * loop), so an implementation may be single-threaded; it must not block.
 */
public interface Balancer {
    /**
     * A new connection (TCP: accepted; UDP: the first datagram of a flow) from CLIENT to the virtual SERVICE.
     * Returns where it goes, or null to refuse it (no destination: the client gets a reset at once, a UDP datagram
     * is dropped).
     */
    Picked open(InetSocketAddress client, InetSocketAddress service, Protocol protocol);

    /** The connection to the destination is up (TCP: connected; UDP: the flow's socket is ready). */
    void established(Picked picked);

    /** The first FIN of a TCP connection, from either side (IPVS: the connection leaves ESTABLISHED). */
    void halfClosed(Picked picked);

    /** The connection or flow is gone: closed by both sides, reset, timed out, refused by the destination or
     *  closed on request. Called exactly once for every non-null {@link #open}. */
    void closed(Picked picked);

    /** Traffic since the previous call; "in" is client to destination, "out" destination to client (as IPVS
     *  counts). Packets are the reads the proxy made (a TCP read may hold several segments). */
    void traffic(Picked picked, long inPackets, long outPackets, long inBytes, long outBytes);
}
