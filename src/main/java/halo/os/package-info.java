/**
 * Linux host layer over the Foreign Function &amp; Memory API (no JNI, no JNA).
 *
 * <p>Entry points for the daemon:
 * <ul>
 *   <li>{@link halo.os.HostOs#isAvailable()} / {@link halo.os.HostOs#missingVrrpCapabilities()}: check once at
 *       startup and log the message (it names CAP_NET_RAW / CAP_NET_ADMIN).</li>
 *   <li>{@link halo.os.VrrpSocket}: one per (family, interface[, unicast source]); {@code joinGroup},
 *       {@code send(byte[], off, len, InetAddress)}, {@code receive(byte[], off, len, ReceivedPacket)} (-1 when
 *       nothing is pending; TTL, source, destination and ifindex in the reused {@link halo.os.ReceivedPacket}).</li>
 *   <li>{@link halo.os.Poller}: the protocol thread's wait on every socket with a nanosecond timeout;
 *       {@code wakeup()} from other threads (signals, control socket).</li>
 *   <li>{@link halo.os.RtNetlink}: links, VIPs ({@link halo.os.HostAddress}), {@link halo.os.Route}s and
 *       {@link halo.os.Rule}s; {@link halo.os.NetlinkMonitor} for link and address events
 *       ({@link halo.os.HostEvent}).</li>
 *   <li>{@link halo.os.GenericNetlink}: generic netlink family resolution and request/dump exchanges (IPVS).</li>
 *   <li>{@link halo.os.PacketSocket}: gratuitous ARP and unsolicited NA.</li>
 *   <li>{@link halo.os.NetNamespace}: run code (open sockets) inside a named network namespace.</li>
 *   <li>{@link halo.os.ProbeSocket}: the checkers' ICMP echo and UDP (IP_RECVERR) sockets.</li>
 *   <li>{@link halo.os.ProcessUser}: the effective uid, to decide root.</li>
 * </ul>
 * Every native call of Halo is here ({@code Native}); the other packages use these classes.
 * Failures are {@link halo.os.NativeException}s (with subclasses for EPERM/EACCES, EEXIST, ENODEV, not found)
 * carrying the call and the errno name.
 */
package halo.os;
