package halo.os;

import java.lang.management.ManagementFactory;

/**
 * bench/alloc: what polling and receiving VRRP adverts allocate once warm (root: two network namespaces joined by a
 * veth pair, IPv4 multicast). FFM's captured-errno downcalls allocate until C2 has compiled them, so it warms up,
 * then measures windows of 500 packets until one allocates nothing (at most 30) and prints the last. Goal: 0.
 */
public final class SocketAllocationBench {
    private SocketAllocationBench() {}

    public static void main(String[] args) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        try (TwoNamespaces net = new TwoNamespaces("alloc");
             VrrpSocket a = net.nsA.call(() -> VrrpSocket.open(false, TwoNamespaces.A_IF, null));
             VrrpSocket b = net.nsB.call(() -> VrrpSocket.open(false, TwoNamespaces.B_IF, null));
             Poller poller = new Poller(4)) {
            poller.register(b);
            b.joinGroup(VrrpSocket.MULTICAST_IPV4);
            byte[] packet = {0x31, 51, 100, 1, 0, 100, 0, 0, (byte) 192, 0, 2, 100};
            byte[] buf = new byte[1500];
            ReceivedPacket got = new ReceivedPacket();
            for (int i = 0; i < 50_000; i++) {
                b.receive(buf, 0, buf.length, got);
                poller.poll(0);
            }
            long lastWindow = -1;
            int received = 0;
            int window = 0;
            for (; window < 30 && lastWindow != 0; window++) {
                long allocated = 0;
                received = 0;
                for (int round = 0; round < 10; round++) {
                    for (int i = 0; i < 50; i++) {
                        a.send(packet, 0, packet.length, VrrpSocket.MULTICAST_IPV4);
                    }
                    long before = threads.getCurrentThreadAllocatedBytes();
                    int n = 0;
                    long deadline = System.nanoTime() + 1_000_000_000L;
                    while (n < 50 && System.nanoTime() < deadline) {
                        poller.poll(10_000_000L);
                        while (b.receive(buf, 0, buf.length, got) >= 0) {
                            n++;
                        }
                    }
                    allocated += threads.getCurrentThreadAllocatedBytes() - before;
                    received += n;
                }
                lastWindow = allocated;
            }
            System.out.printf("alloc socket (poll + receive, IPv4 multicast between namespaces): %d bytes over %d packets "
                    + "= %.3f bytes/packet after %d windows (goal 0)%n", lastWindow, received,
                    lastWindow / (double) Math.max(1, received), window);
        }
    }
}
