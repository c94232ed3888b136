package halo.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import halo.testing.Root;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("root")
class VrrpSocketTest {
    private TwoNamespaces net;
    private VrrpSocket a;
    private VrrpSocket b;
    private Poller poller;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Root.isRoot(), "needs root for network namespaces");
        net = new TwoNamespaces("sock");
        poller = new Poller(4);
    }

    @AfterEach
    void tearDown() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (poller != null) {
            poller.close();
        }
        if (net != null) {
            net.close();
        }
    }

    /** A VRRPv3 advert: VRID 51, priority 100, one address, interval 100 cs, checksum left 0. */
    static byte[] advert(byte[] address) {
        byte[] p = new byte[8 + address.length];
        p[0] = 0x31;
        p[1] = 51;
        p[2] = 100;
        p[3] = 1;
        p[5] = 100;
        System.arraycopy(address, 0, p, 8, address.length);
        return p;
    }

    private void open(boolean ipv6, InetAddress sourceA, InetAddress sourceB) throws Exception {
        a = net.nsA.call(() -> VrrpSocket.open(ipv6, TwoNamespaces.A_IF, sourceA));
        b = net.nsB.call(() -> VrrpSocket.open(ipv6, TwoNamespaces.B_IF, sourceB));
        poller.register(b);
    }

    private int receiveWithin(VrrpSocket s, byte[] buf, ReceivedPacket into, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            poller.poll(deadline - System.nanoTime());
            int n = s.receive(buf, 0, buf.length, into);
            if (n >= 0) {
                return n;
            }
        }
        return -1;
    }

    private int ifindexInB(String name) throws Exception {
        return net.nsB.call(() -> Native.ifindex(name));
    }

    @Test
    void ipv4MulticastArrivesWithTtl255SourceDestinationAndInterface() throws Exception {
        open(false, null, null);
        b.joinGroup(VrrpSocket.MULTICAST_IPV4);
        byte[] packet = advert(InetAddress.getByName("192.0.2.100").getAddress());

        assertThat(a.send(packet, 0, packet.length, VrrpSocket.MULTICAST_IPV4)).isEqualTo(packet.length);

        byte[] buf = new byte[1500];
        ReceivedPacket got = new ReceivedPacket();
        int n = receiveWithin(b, buf, got, 2000);
        assertThat(n).isEqualTo(packet.length);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(packet);
        assertThat(got.ttl()).isEqualTo(255);
        assertThat(got.trafficClass()).as("TOS as keepalived sends it").isEqualTo(0xc0);
        assertThat(got.source()).isEqualTo(InetAddress.getByName("192.0.2.1"));
        assertThat(got.destination()).isEqualTo(VrrpSocket.MULTICAST_IPV4);
        assertThat(got.interfaceIndex()).isEqualTo(ifindexInB(TwoNamespaces.B_IF));
        assertThat(got.truncated()).isFalse();
        // nothing else pending: the next receive says so without blocking
        assertThat(b.receive(buf, 0, buf.length, got)).isEqualTo(-1);
    }

    @Test
    void ttlSetBelow255IsWhatTheReceiverReads() throws Exception {
        open(false, null, null);
        b.joinGroup(VrrpSocket.MULTICAST_IPV4);
        a.setTtl(254);
        byte[] packet = advert(new byte[] {(byte) 192, 0, 2, 100});
        a.send(packet, 0, packet.length, VrrpSocket.MULTICAST_IPV4);
        ReceivedPacket got = new ReceivedPacket();
        java.nio.ByteBuffer into = java.nio.ByteBuffer.allocateDirect(1500);
        long deadline = System.nanoTime() + 2_000_000_000L;
        int n = -1;
        while (n < 0 && System.nanoTime() < deadline) {
            poller.poll(deadline - System.nanoTime());
            n = b.receive(into, got);
        }
        assertThat(n).isEqualTo(packet.length);
        assertThat(into.position()).isEqualTo(packet.length);
        byte[] back = new byte[n];
        into.flip().get(back);
        assertThat(back).isEqualTo(packet);
        assertThat(got.ttl()).isEqualTo(254);
    }

    @Test
    void ipv4UnicastLeavesFromTheBoundSourceAddress() throws Exception {
        InetAddress srcA = InetAddress.getByName("192.0.2.1");
        InetAddress srcB = InetAddress.getByName("192.0.2.2");
        open(false, srcA, srcB);
        byte[] packet = advert(new byte[] {(byte) 192, 0, 2, 100});
        a.send(packet, 0, packet.length, srcB);
        ReceivedPacket got = new ReceivedPacket();
        byte[] buf = new byte[1500];
        assertThat(receiveWithin(b, buf, got, 2000)).isEqualTo(packet.length);
        assertThat(got.source()).isEqualTo(srcA);
        assertThat(got.sourceEquals(srcA)).isTrue();
        assertThat(got.destination()).isEqualTo(srcB);
        assertThat(got.ttl()).isEqualTo(255);
        assertThat(got.interfaceIndex()).isEqualTo(ifindexInB(TwoNamespaces.B_IF));

        // a stream of adverts both ways arrives whole (neighbour resolution done, nothing dropped)
        poller.register(a);
        byte[] buf2 = new byte[1500];
        int toB = 0;
        int toA = 0;
        for (int i = 0; i < 50; i++) {
            a.send(packet, 0, packet.length, srcB);
            b.send(packet, 0, packet.length, srcA);
            poller.poll(2_000_000L); // until something arrives, at most 2 ms: paces the stream without a sleep
            while (b.receive(buf2, 0, buf2.length, got) >= 0) {
                toB++;
            }
            while (a.receive(buf2, 0, buf2.length, got) >= 0) {
                assertThat(got.source()).isEqualTo(srcB);
                toA++;
            }
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while ((toA < 50 || toB < 50) && System.nanoTime() < deadline) {
            poller.poll(10_000_000L);
            while (b.receive(buf2, 0, buf2.length, got) >= 0) {
                toB++;
            }
            while (a.receive(buf2, 0, buf2.length, got) >= 0) {
                toA++;
            }
        }
        assertThat(toB).isEqualTo(50);
        assertThat(toA).isEqualTo(50);
    }

    @Test
    void ipv6MulticastArrivesFromLinkLocalWithHopLimit255AndKernelChecksum() throws Exception {
        open(true, null, null);
        b.joinGroup(VrrpSocket.MULTICAST_IPV6);
        byte[] packet = advert(InetAddress.getByName("2001:db8::100").getAddress());
        a.send(packet, 0, packet.length, VrrpSocket.MULTICAST_IPV6);

        byte[] buf = new byte[1500];
        ReceivedPacket got = new ReceivedPacket();
        int n = receiveWithin(b, buf, got, 3000);
        assertThat(n).isEqualTo(packet.length);
        assertThat(got.ttl()).isEqualTo(255);
        assertThat(got.trafficClass()).as("traffic class as keepalived sends it").isEqualTo(0xc0);
        assertThat(got.destination()).isEqualTo(VrrpSocket.MULTICAST_IPV6);
        assertThat(got.interfaceIndex()).isEqualTo(ifindexInB(TwoNamespaces.B_IF));
        InetAddress source = got.source();
        assertThat(source).isInstanceOf(Inet6Address.class);
        assertThat(source.isLinkLocalAddress()).as("RFC 5798 5.1.2.1: source is the link-local address").isTrue();
        String linkLocalOfA = net.inA("ip", "-6", "-br", "addr", "show", "dev", TwoNamespaces.A_IF, "scope", "link");
        String shown = linkLocalOfA.replaceAll("(?s).*\\s(fe80:[0-9a-f:]+)/64.*", "$1");
        assertThat(Arrays.copyOf(got.sourceBytes(), 16)).isEqualTo(InetAddress.getByName(shown).getAddress());
        // IPV6_CHECKSUM 6: the kernel filled the VRRP checksum; verify it over the RFC 5798 5.2.8 pseudo-header
        assertThat(buf[6] | buf[7]).isNotZero();
        assertThat(Checksums.ipv6PseudoHeaderSum(got.sourceBytes(), got.destinationBytes(), 112, buf, 0, n))
                .isEqualTo(0xffff);
        byte[] withoutChecksum = Arrays.copyOf(buf, n);
        withoutChecksum[6] = 0;
        withoutChecksum[7] = 0;
        assertThat(withoutChecksum).isEqualTo(packet);
    }

    @Test
    void ipv6UnicastFromBoundSource() throws Exception {
        InetAddress srcA = InetAddress.getByName("2001:db8::1");
        InetAddress srcB = InetAddress.getByName("2001:db8::2");
        open(true, srcA, srcB);
        a.setTtl(254);
        byte[] packet = advert(InetAddress.getByName("2001:db8::100").getAddress());
        a.send(packet, 0, packet.length, srcB);
        ReceivedPacket got = new ReceivedPacket();
        assertThat(receiveWithin(b, new byte[1500], got, 3000)).isEqualTo(packet.length);
        assertThat(got.source()).isEqualTo(srcA);
        assertThat(got.destination()).isEqualTo(srcB);
        assertThat(got.ttl()).isEqualTo(254);
    }

    @Test
    void aConfiguredMulticastGroupWorksForBothFamilies() throws Exception {
        // vrrp_mcast_group4 / vrrp_mcast_group6
        InetAddress group4 = InetAddress.getByName("224.0.0.100");
        open(false, null, null);
        b.joinGroup(group4);
        byte[] packet = advert(new byte[] {(byte) 192, 0, 2, 100});
        a.send(packet, 0, packet.length, group4);
        ReceivedPacket got = new ReceivedPacket();
        assertThat(receiveWithin(b, new byte[1500], got, 2000)).isEqualTo(packet.length);
        assertThat(got.destination()).isEqualTo(group4);
        a.close();
        b.close();
        poller.unregister(b);

        InetAddress group6 = InetAddress.getByName("ff02::a11");
        open(true, null, null);
        b.joinGroup(group6);
        a.send(packet, 0, packet.length, group6);
        assertThat(receiveWithin(b, new byte[1500], got, 3000)).isEqualTo(packet.length);
        assertThat(got.destination()).isEqualTo(group6);
        assertThat(got.ttl()).isEqualTo(255);
    }

    @Test
    void leavingTheGroupStopsDelivery() throws Exception {
        open(false, null, null);
        b.joinGroup(VrrpSocket.MULTICAST_IPV4);
        b.leaveGroup(VrrpSocket.MULTICAST_IPV4);
        byte[] packet = advert(new byte[] {(byte) 192, 0, 2, 100});
        a.send(packet, 0, packet.length, VrrpSocket.MULTICAST_IPV4);
        assertThat(receiveWithin(b, new byte[1500], new ReceivedPacket(), 300)).isEqualTo(-1);
    }

    @Test
    void errorsAreTypedWithTheErrnoName() throws Exception {
        assertThatThrownBy(() -> net.nsA.call(() -> VrrpSocket.open(false, "halo-nope0", null)))
                .isInstanceOf(NativeException.NoSuchDeviceException.class)
                .hasMessageContaining("halo-nope0")
                .hasMessageContaining("ENODEV");
        open(false, null, null);
        b.joinGroup(VrrpSocket.MULTICAST_IPV4);
        assertThatThrownBy(() -> b.joinGroup(VrrpSocket.MULTICAST_IPV4))
                .isInstanceOf(NativeException.class)
                .hasMessage("setsockopt(IP_ADD_MEMBERSHIP) 224.0.0.18 on veth-b failed: EADDRINUSE (Address already in use)");
        InetAddress notOurs = InetAddress.getByName("198.51.100.7");
        assertThatThrownBy(() -> net.nsA.call(() -> VrrpSocket.open(false, TwoNamespaces.A_IF, notOurs)))
                .isInstanceOf(NativeException.NotFoundException.class)
                .hasMessageContaining("bind to 198.51.100.7")
                .hasMessageContaining("EADDRNOTAVAIL");
    }

    @Test
    void pollTimesOutWithNothingAndWakesUpOnRequest() throws Exception {
        open(false, null, null);
        long start = System.nanoTime();
        assertThat(poller.poll(30_000_000L)).isZero();
        long waited = System.nanoTime() - start;
        assertThat(waited).isGreaterThanOrEqualTo(30_000_000L).isLessThan(1_000_000_000L);
        poller.wakeup();
        start = System.nanoTime();
        assertThat(poller.poll(5_000_000_000L)).isZero();
        assertThat(poller.wasWoken()).isTrue();
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }
}
