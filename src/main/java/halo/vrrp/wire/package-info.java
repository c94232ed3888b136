/**
 * The VRRP wire format, pure and allocation-free on the hot path: VRRPv2 (RFC 3768) and VRRPv3 (RFC 5798, RFC 9568)
 * over IPv4 and IPv6, their checksums (with keepalived's {@code v3_checksum_as_v2} and old unicast checksum forms),
 * v2 authentication (PASS and IPSEC-AH as keepalived lays them out) and receive validation with per-reason counters.
 *
 * <ul>
 *   <li>{@link halo.vrrp.wire.VrrpMessage}: flyweight over one VRRP message in a {@link java.lang.foreign.MemorySegment}.
 *   <li>{@link halo.vrrp.wire.Ipv4Header} and {@link halo.vrrp.wire.IpsecAhHeader}: flyweights for the headers keepalived
 *       puts before the VRRP message on IPv4.
 *   <li>{@link halo.vrrp.wire.WireInstance}: what one VRRP instance expects and sends (configuration plus wire state).
 *   <li>{@link halo.vrrp.wire.AdvertEncoder}: writes adverts into a caller's buffer.
 *   <li>{@link halo.vrrp.wire.AdvertValidator}: receive checks in RFC order, an {@link halo.vrrp.wire.RxVerdict} and a
 *       counter per reason in {@link halo.vrrp.wire.RxStatistics}.
 *   <li>{@link halo.vrrp.wire.PacketInfo}: what the IP layer reports with a received advert (addresses, TTL,
 *       multicast); the state machine reads the sender's address from it.
 * </ul>
 *
 * <p>Buffers are {@link java.lang.foreign.MemorySegment}s (heap or native). A {@link java.nio.ByteBuffer} is used
 * through {@code MemorySegment.ofBuffer(buffer)}, made once per buffer at setup; offsets are then relative to the
 * buffer's position at that time.
 */
package halo.vrrp.wire;
