package halo.os;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Link and address events from rtnetlink multicast groups (RTMGRP_LINK, RTMGRP_IPV4_IFADDR,
 * RTMGRP_IPV6_IFADDR): link up/down for track_interface and VIPs removed behind Halo's back. Non-blocking:
 * register it with a {@link Poller} and call {@link #drain} when readable.
 */
public final class NetlinkMonitor implements Pollable, AutoCloseable {
    public static final int RTMGRP_LINK = 0x1;
    public static final int RTMGRP_IPV4_IFADDR = 0x10;
    public static final int RTMGRP_IPV4_ROUTE = 0x40;
    public static final int RTMGRP_IPV6_IFADDR = 0x100;
    public static final int RTMGRP_IPV6_ROUTE = 0x400;

    private final NetlinkSocket socket;

    private NetlinkMonitor(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Subscribes to link and IPv4/IPv6 address events in the calling thread's network namespace. */
    public static NetlinkMonitor open() throws NativeException {
        return open(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR);
    }

    public static NetlinkMonitor open(int groups) throws NativeException {
        return new NetlinkMonitor(new NetlinkSocket(groups, true, "monitor"));
    }

    /** Hands every pending event to SINK; returns how many. Never blocks. */
    public int drain(Consumer<HostEvent> sink) throws NativeException {
        int count = 0;
        while (true) {
            ByteBuffer datagram;
            try {
                datagram = socket.receive("monitor");
            } catch (NativeException e) {
                if (e.errno() == Errno.ENOBUFS) {
                    sink.accept(new HostEvent.EventsLost());
                    count++;
                    continue;
                }
                throw e;
            }
            if (datagram == null) {
                return count;
            }
            for (RtNetlinkCodec.Message m : RtNetlinkCodec.split(datagram)) {
                HostEvent event = switch (m.type()) {
                    case RtNetlinkCodec.RTM_NEWLINK -> new HostEvent.LinkChanged(RtNetlinkCodec.link(m));
                    case RtNetlinkCodec.RTM_DELLINK -> new HostEvent.LinkRemoved(RtNetlinkCodec.link(m));
                    case RtNetlinkCodec.RTM_NEWADDR -> {
                        HostAddress a = RtNetlinkCodec.address(m);
                        yield a == null ? null : new HostEvent.AddressAdded(a);
                    }
                    case RtNetlinkCodec.RTM_DELADDR -> {
                        HostAddress a = RtNetlinkCodec.address(m);
                        yield a == null ? null : new HostEvent.AddressRemoved(a);
                    }
                    default -> null;
                };
                if (event != null) {
                    sink.accept(event);
                    count++;
                }
            }
        }
    }

    @Override
    public int fd() {
        return socket.fd;
    }

    @Override
    public void close() {
        socket.close();
    }
}
