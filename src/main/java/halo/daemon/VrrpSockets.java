package halo.daemon;

import halo.os.Errno;
import halo.os.NativeException;
import halo.os.Poller;
import halo.os.ReceivedPacket;
import halo.os.VrrpSocket;
import halo.vrrp.HostSetup;
import halo.vrrp.VrrpHost;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The VRRP sockets: one per (interface, family, unicast source, AH or not), shared by the instances that match,
 * registered with the protocol thread's poller. Sends an instance's adverts and takes in what arrives; after a reload,
 * closes the sockets no instance uses. Protocol thread only; sending and receiving allocate nothing.
 */
final class VrrpSockets implements AutoCloseable {

    private final Poller poller;
    private final LinuxHostNetwork network;
    private final DaemonLog log;
    private final Map<String, VrrpSocket> sockets = new LinkedHashMap<>();
    private final Set<VrrpSocket> ahSockets = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<HostSetup.Instance, VrrpSocket> socketOf = new IdentityHashMap<>();
    private final Map<byte[], InetAddress> destinations = new IdentityHashMap<>();
    private final byte[] rxBuffer = new byte[65536];
    private final ReceivedPacket received = new ReceivedPacket();

    VrrpSockets(Poller poller, LinuxHostNetwork network, DaemonLog log) {
        this.poller = poller;
        this.network = network;
        this.log = log;
    }

    /** The socket for instance I, opened (and its multicast group joined) unless another instance shares it. */
    void open(HostSetup.Instance i) throws NativeException {
        boolean ipv6 = i.spec().ipv6();
        String ifname = i.spec().interfaceName();
        InetAddress source = i.unicastPeers().isEmpty() ? null : i.sourceAddress();
        // keepalived opens its socket with IPPROTO_AH for auth_type AH: the adverts arrive as protocol 51
        boolean ah = i.sendsAh();
        String key = ifname + "/" + (ipv6 ? 6 : 4) + "/" + (source == null ? "" : source.getHostAddress()) + (ah ? "/ah" : "");
        VrrpSocket socket = sockets.get(key);
        if (socket == null) {
            socket = ah ? VrrpSocket.openIpv4HeaderIncluded(ifname, VrrpSocket.IPPROTO_AH) : VrrpSocket.open(ipv6, ifname, source);
            sockets.put(key, socket);
            if (ah) {
                ahSockets.add(socket);
            }
            poller.register(socket);
        }
        int ttl = unicastTtl(i);
        if (ttl >= 0) {
            socket.setTtl(ttl); // unicast_ttl: keepalived's unicast adverts leave with it (255 otherwise)
        }
        if (i.unicastPeers().isEmpty() && !ipv6 && !ah && i.vmac() != null && ifname.equals(i.vmac())) {
            // a VMAC holds only VIPs: multicast adverts leave from the base's address (or mcast_src_ip), as keepalived
            InetAddress from = i.sourceAddress();
            if (from == null) {
                byte[] base = network.primaryAddress(i.baseInterface(), false);
                from = base == null ? null : destination(base);
            }
            if (from != null) {
                socket.setMulticastSource(from);
            }
        }
        if (i.unicastPeers().isEmpty()) {
            InetAddress group = i.multicastGroup() != null ? i.multicastGroup()
                    : ipv6 ? VrrpSocket.MULTICAST_IPV6 : VrrpSocket.MULTICAST_IPV4;
            try {
                socket.joinGroup(group);
            } catch (NativeException e) {
                if (e.errno() != Errno.EADDRINUSE) {
                    throw e; // EADDRINUSE: joined already for another instance on this socket
                }
            }
        }
        socketOf.put(i, socket);
    }

    /** unicast_ttl (0-255, as keepalived reads it) of a unicast instance; -1 when not set, invalid, or multicast. */
    static int unicastTtl(HostSetup.Instance i) {
        if (i.unicastPeers().isEmpty() || i.config() == null) {
            return -1;
        }
        int ttl = -1;
        for (halo.config.RawSetting r : i.config().otherSettings()) {
            if (r.keyword().equals("unicast_ttl") && !r.args().isEmpty()) {
                try {
                    int v = Integer.parseInt(r.args().getFirst());
                    ttl = v >= 0 && v <= 255 ? v : ttl;
                } catch (NumberFormatException e) {
                    // keepalived: "TTL '%s' not valid" and ignored
                }
            }
        }
        return ttl;
    }

    /** Sends an advert (a VRRP message, or an AH instance's whole datagram) of INSTANCE to DESTINATION. */
    void send(HostSetup.Instance instance, byte[] destination, byte[] bytes, int offset, int length) {
        VrrpSocket socket = socketOf.get(instance);
        InetAddress to = destination(destination);
        try {
            socket.send(bytes, offset, length, to);
        } catch (NativeException e) {
            log.detail("(" + instance.spec().name() + ") cannot send advert: " + e.getMessage());
        }
    }

    /** The address of DESTINATION's bytes, made once (no lambda: a backup's first advert is at its takeover). */
    private InetAddress destination(byte[] bytes) {
        InetAddress a = destinations.get(bytes);
        if (a == null) {
            try {
                a = InetAddress.getByAddress(bytes);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
            destinations.put(bytes, a);
        }
        return a;
    }

    /** Feeds HOST what waits in SOCKET. */
    void drain(VrrpSocket socket, VrrpHost host) throws NativeException {
        int n;
        if (ahSockets.contains(socket)) {
            // auth_type AH: whole datagrams (IP header, AH, message), checked and authenticated by the codec
            while ((n = socket.receiveDatagram(rxBuffer, 0, rxBuffer.length, received)) >= 0) {
                String ifname = network.linkName(received.interfaceIndex(), socket.interfaceName());
                host.receiveIpv4(System.nanoTime(), ifname, rxBuffer, 0, n);
            }
            return;
        }
        while ((n = socket.receive(rxBuffer, 0, rxBuffer.length, received)) >= 0) {
            String ifname = network.linkName(received.interfaceIndex(), socket.interfaceName());
            host.receiveMessage(System.nanoTime(), ifname, received.isIpv6(), received.sourceBytes(),
                    received.destinationBytes(), received.ttl(), rxBuffer, 0, n);
        }
    }

    /** Forgets the instances not in LIVE (a reload replaced them, or opening the new ones failed). */
    void keepOnly(Collection<HostSetup.Instance> live) {
        Set<HostSetup.Instance> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(live);
        socketOf.keySet().retainAll(kept);
    }

    /** Forgets INSTANCES (their sockets close with {@link #closeUnused} if no other instance uses them). */
    void forget(Collection<HostSetup.Instance> instances) {
        for (HostSetup.Instance i : instances) {
            socketOf.remove(i);
        }
    }

    /**
     * Closes the sockets no running instance uses (its instances removed by a reload), as keepalived closes the
     * sockets of the instances a reload removed: the kernel stops delivering their adverts to us, and leaves the
     * multicast group for them.
     */
    void closeUnused() {
        Set<VrrpSocket> used = Collections.newSetFromMap(new IdentityHashMap<>());
        used.addAll(socketOf.values());
        for (Iterator<Map.Entry<String, VrrpSocket>> it = sockets.entrySet().iterator(); it.hasNext(); ) {
            VrrpSocket socket = it.next().getValue();
            if (!used.contains(socket)) {
                it.remove();
                ahSockets.remove(socket);
                poller.unregister(socket);
                socket.close();
                log.detail("Closed the VRRP socket of " + socket.interfaceName() + " (no instance uses it now)");
            }
        }
    }

    /**
     * After the priority-0 adverts of a stop ({@link VipInstaller.TakeoverWatch}): waits until DEADLINE for an advert
     * with a non-zero priority for one of WAITING (its socket, interface, family and virtual router id), which only
     * the new master sends; returns that instance, or null at the deadline. The protocol loop has ended: this reads
     * the sockets itself, through a poller of its own.
     */
    HostSetup.Instance awaitAdvert(java.util.List<HostSetup.Instance> waiting, long deadline) {
        try (Poller own = new Poller(Math.max(1, sockets.size()))) {
            Set<VrrpSocket> registered = Collections.newSetFromMap(new IdentityHashMap<>());
            for (HostSetup.Instance i : waiting) {
                VrrpSocket s = socketOf.get(i);
                if (s != null && registered.add(s)) {
                    own.register(s);
                }
            }
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                if (own.poll(left) <= 0) {
                    continue;
                }
                for (int k = 0; k < own.size(); k++) {
                    if (!own.isReady(own.get(k))) {
                        continue;
                    }
                    HostSetup.Instance heard = newMasterIn((VrrpSocket) own.get(k), waiting);
                    if (heard != null) {
                        return heard;
                    }
                }
            }
            return null;
        } catch (NativeException e) {
            log.info("Cannot wait for the new master's advert: " + e.getMessage());
            long left = deadline - System.nanoTime();
            if (left > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
            return null;
        }
    }

    private HostSetup.Instance newMasterIn(VrrpSocket socket, java.util.List<HostSetup.Instance> waiting)
            throws NativeException {
        boolean ah = ahSockets.contains(socket);
        int n;
        while ((n = ah ? socket.receiveDatagram(rxBuffer, 0, rxBuffer.length, received)
                : socket.receive(rxBuffer, 0, rxBuffer.length, received)) >= 0) {
            int at = 0;
            if (ah) {
                // IPv4 header, then AH (its length field counts 32-bit words minus 2), then the VRRP message
                int ihl = (rxBuffer[0] & 0x0f) * 4;
                if (n < ihl + 2) continue;
                at = ihl + ((rxBuffer[ihl + 1] & 0xff) + 2) * 4;
            }
            if (n < at + 3 || (rxBuffer[at] & 0x0f) != 1) {
                continue; // not an advertisement
            }
            int vrid = rxBuffer[at + 1] & 0xff;
            int priority = rxBuffer[at + 2] & 0xff;
            String ifname = network.linkName(received.interfaceIndex(), socket.interfaceName());
            if (priority == 0) {
                continue;
            }
            for (HostSetup.Instance i : waiting) {
                if (socketOf.get(i) == socket && i.spec().virtualRouterId() == vrid
                        && i.spec().interfaceName().equals(ifname)) {
                    return i;
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        for (VrrpSocket s : sockets.values()) {
            s.close();
        }
    }
}
