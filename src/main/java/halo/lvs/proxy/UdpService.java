package halo.lvs.proxy;

import halo.lvs.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;

/**
 * A UDP virtual service: a free-bound socket on VIP:port. Each client address:port is a flow with its own socket to
 * the real server the balancer picked for its first datagram; the flow keeps that server until it has been idle
 * for the udp timeout. Replies leave from VIP:port, the address the client sent to.
 */
final class UdpService extends RunningService {
    private final Map<InetSocketAddress, UdpFlow> flows = new HashMap<>();
    private DatagramChannel vip;

    UdpService(ProxyEngine engine, EventLoop loop, ProxyService spec, Balancer balancer) {
        super(engine, loop, spec, balancer);
    }

    @Override
    ChannelFuture bind() {
        Transport transport = engine.transport();
        vip = transport.datagramChannel(spec.address());
        vip.config().setOption(ChannelOption.SO_REUSEADDR, true);
        if (transport.freeBind() != null) {
            vip.config().setOption(transport.freeBind(), true);
        }
        vip.pipeline().addLast(new FromClients());
        // Netty's buffer pool is set up now (on this loop) rather than by the first datagram: TCP no longer goes
        // through Netty's channels, so a UDP service may be the first user of it, and its set-up took a first
        // datagram past half a second on a busy machine
        vip.alloc().directBuffer(2048).release();
        ChannelPromise bound = vip.newPromise();
        loop.register(vip).addListener(registered -> {
            if (!registered.isSuccess()) {
                bound.setFailure(registered.cause());
                return;
            }
            vip.bind(spec.address()).addListener(b -> {
                if (b.isSuccess()) {
                    bound.setSuccess();
                } else {
                    bound.setFailure(b.cause());
                }
            });
        });
        return bound;
    }

    Channel vip() {
        return vip;
    }

    @Override
    void closeListener() {
        if (vip != null) {
            vip.close();
        }
        // replies leave through the VIP socket: without it the flows are of no use
        for (UdpFlow f : new ArrayList<>(flows.values())) {
            f.close("the service was removed");
        }
    }

    @Override
    int closeConnectionsTo(InetSocketAddress destination) {
        int n = 0;
        for (UdpFlow f : new ArrayList<>(flows.values())) {
            if (f.destination().equals(destination)) {
                f.close("its real server " + Endpoints.text(destination) + " was removed");
                n++;
            }
        }
        return n;
    }

    @Override
    void closeAll() {
        for (UdpFlow f : new ArrayList<>(flows.values())) {
            f.close("the proxy stops");
        }
    }

    @Override
    int connections() {
        return flows.size();
    }

    @Override
    void timeoutsChanged() {
        for (UdpFlow f : flows.values()) {
            f.scheduleIdleCheck();
        }
    }

    void removed(UdpFlow f) {
        flows.remove(f.client(), f);
    }

    private final class FromClients extends ChannelInboundHandlerAdapter {
        private final ArrayList<UdpFlow> written = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            InetSocketAddress from = packet.sender();
            UdpFlow flow = flows.get(from);
            if (flow == null) {
                flow = open(from);
                if (flow == null) {
                    packet.release();
                    return;
                }
            }
            ByteBuf content = packet.content();
            flow.fromClient(content);
            if (!flow.pendingFlush) {
                flow.pendingFlush = true;
                written.add(flow);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            for (UdpFlow f : written) {
                f.pendingFlush = false;
                f.flush();
            }
            written.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            engine.log().log(Level.WARNING, "udp " + name(), "proxy " + name() + ": " + cause.getMessage());
        }
    }

    private UdpFlow open(InetSocketAddress from) {
        if (atLimit()) {
            engine.log().log(Level.WARNING, "limit " + name(), "proxy " + name() + ": datagram from "
                    + Endpoints.text(from) + " dropped: flow limit " + spec.maxConnections() + " reached");
            return null;
        }
        Picked picked;
        try {
            picked = balancer.open(from, spec.address(), Protocol.UDP);
        } catch (RuntimeException e) {
            engine.log().log(Level.SEVERE, "balancer " + name(), "proxy " + name()
                    + ": the balancer failed on a datagram from " + Endpoints.text(from) + ": " + e);
            return null;
        }
        if (picked == null) {
            engine.log().log(Level.WARNING, "nodest " + name(), "proxy " + name() + ": datagram from "
                    + Endpoints.text(from) + " dropped: no real server available");
            return null;
        }
        UdpFlow flow = new UdpFlow(this, from, picked, spec);
        flows.put(from, flow);
        flow.open();
        return flow;
    }
}
