package halo.config;

import java.net.InetAddress;
import java.time.Duration;

/**
 * A bfd_instance (RFC 5880 single-hop / multihop session).
 *
 * @param minRx      required min rx interval (10 ms)
 * @param minTx      desired min tx interval (10 ms)
 * @param idleTx     idle tx interval (1 s)
 * @param multiplier detection multiplier (5)
 * @param ttl        TTL / hop limit sent (255)
 * @param maxHops    max hops for multihop (0 = single hop)
 * @param weight     weight for tracking instances (0)
 */
public record BfdInstance(String name, InetAddress neighbor, InetAddress source, Duration minRx, Duration minTx,
                          Duration idleTx, int multiplier, boolean passive, int ttl, int maxHops, int weight) {}
