package halo.os;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;

/**
 * An AF_PACKET socket that sends whole Ethernet frames: gratuitous ARPs and unsolicited Neighbour
 * Advertisements for VIPs. It receives nothing (protocol 0). Needs CAP_NET_RAW. Thread-safe.
 */
public final class PacketSocket extends NativeSocket {
    private final MemorySegment frame;
    private final MemorySegment address;

    private PacketSocket(int fd) {
        super(fd);
        frame = arena.allocate(1514, 8);
        address = arena.allocate(Layouts.SOCKADDR_LL);
    }

    /** Opens the socket in the calling thread's network namespace. */
    public static PacketSocket open() throws NativeException {
        HostOs.ensureAvailable();
        return new PacketSocket(Native.socket(Native.AF_PACKET, Native.SOCK_RAW | Native.SOCK_CLOEXEC, 0,
                "for gratuitous ARP and neighbour adverts (AF_PACKET)", Capabilities.CAP_NET_RAW));
    }

    /** Sends a gratuitous ARP for VIP on LINK, from LINK's MAC. */
    public void sendGratuitousArp(Link link, Inet4Address vip) throws NativeException {
        sendGratuitousArp(link.index(), link.hardwareAddress(), vip);
    }

    /** Sends a gratuitous ARP for VIP on interface IFINDEX with SOURCE_MAC as sender (a VMAC, say). */
    public void sendGratuitousArp(int ifindex, byte[] sourceMac, Inet4Address vip) throws NativeException {
        send(ifindex, Frames.gratuitousArp(sourceMac, vip), Frames.ETH_P_ARP, Frames.BROADCAST,
                "gratuitous ARP for " + vip.getHostAddress());
    }

    /** Sends an unsolicited NA for VIP on LINK (Router and Override flags set), from LINK's MAC. */
    public void sendUnsolicitedNeighbourAdvert(Link link, Inet6Address vip) throws NativeException {
        sendUnsolicitedNeighbourAdvert(link.index(), link.hardwareAddress(), vip, true);
    }

    public void sendUnsolicitedNeighbourAdvert(int ifindex, byte[] sourceMac, Inet6Address vip, boolean router)
            throws NativeException {
        send(ifindex, Frames.unsolicitedNeighbourAdvert(sourceMac, vip, router), Frames.ETH_P_IPV6, Frames.ALL_NODES_MAC,
                "unsolicited neighbour advert for " + vip.getHostAddress());
    }

    /** Sends FRAME (a whole Ethernet frame) out of IFINDEX. */
    public synchronized void send(int ifindex, byte[] bytes, int ethertype, byte[] destinationMac, String what)
            throws NativeException {
        if (bytes.length > frame.byteSize()) {
            throw new IllegalArgumentException("frame of " + bytes.length + " bytes is too long");
        }
        MemorySegment.copy(bytes, 0, frame, JAVA_BYTE, 0, bytes.length);
        address.fill((byte) 0);
        address.set(JAVA_SHORT, 0, (short) Native.AF_PACKET);
        address.set(Layouts.SHORT_BE, 2, (short) ethertype);
        address.set(JAVA_INT, 4, ifindex);
        address.set(JAVA_BYTE, 11, (byte) 6);
        MemorySegment.copy(destinationMac, 0, address, JAVA_BYTE, 12, 6);
        long n = Native.sendto(fd, frame, bytes.length, address);
        if (n < 0) {
            throw NativeException.of("sendto", (int) -n, what + " on ifindex " + ifindex);
        }
    }
}
