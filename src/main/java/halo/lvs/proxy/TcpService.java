package halo.lvs.proxy;

import halo.lvs.Protocol;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.logging.Level;

/** A TCP virtual service: a free-bound listener whose accepted connections are relayed to picked real servers. */
final class TcpService extends RunningService {
    private final Set<TcpConnection> connections = new HashSet<>();
    private Channel listener;

    TcpService(ProxyEngine engine, EventLoop loop, ProxyService spec, Balancer balancer) {
        super(engine, loop, spec, balancer);
    }

    @Override
    ChannelFuture bind() {
        Transport transport = engine.transport();
        ServerBootstrap b = new ServerBootstrap()
                .group(loop, loop)
                .channelFactory(() -> transport.serverChannel(spec.address()))
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new ListenerErrors())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new Acceptor());
        if (transport.freeBind() != null) {
            b.option(transport.freeBind(), true);
        }
        ChannelFuture f = b.bind(spec.address());
        listener = f.channel();
        return f;
    }

    @Override
    void closeListener() {
        if (listener != null) {
            listener.close();
        }
    }

    @Override
    int closeConnectionsTo(InetSocketAddress destination) {
        int n = 0;
        for (TcpConnection c : new ArrayList<>(connections)) {
            if (c.destination().equals(destination)) {
                c.reset("its real server " + Endpoints.text(destination) + " was removed");
                n++;
            }
        }
        return n;
    }

    @Override
    void closeAll() {
        for (TcpConnection c : new ArrayList<>(connections)) {
            c.reset("the proxy stops");
        }
    }

    @Override
    int connections() {
        return connections.size();
    }

    @Override
    void timeoutsChanged() {
        for (TcpConnection c : connections) {
            c.scheduleIdleCheck();
        }
    }

    void removed(TcpConnection c) {
        connections.remove(c);
    }

    /** A new client connection: refuse it (limit, no destination) or connect it to the picked real server. */
    @ChannelHandler.Sharable
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            ctx.pipeline().remove(this);
            InetSocketAddress from = (InetSocketAddress) client.remoteAddress();
            if (atLimit()) {
                engine.log().log(Level.WARNING, "limit " + name(), "proxy " + name() + ": connection from "
                        + Endpoints.text(from) + " refused: connection limit " + spec.maxConnections() + " reached");
                TcpConnection.reset(client);
                return;
            }
            Picked picked;
            try {
                picked = balancer.open(from, spec.address(), Protocol.TCP);
            } catch (RuntimeException e) {
                engine.log().log(Level.SEVERE, "balancer " + name(), "proxy " + name()
                        + ": the balancer failed on a connection from " + Endpoints.text(from) + ": " + e);
                TcpConnection.reset(client);
                return;
            }
            if (picked == null) {
                engine.log().log(Level.WARNING, "nodest " + name(), "proxy " + name() + ": connection from "
                        + Endpoints.text(from) + " refused: no real server available");
                TcpConnection.reset(client);
                return;
            }
            TcpConnection c = new TcpConnection(TcpService.this, client, picked, spec);
            connections.add(c);
            c.connect();
        }
    }

    /** Accept errors (EMFILE, ENFILE, ENOBUFS): logged; Netty's acceptor behind this pauses accepting for 1 s. */
    private final class ListenerErrors extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            engine.log().log(Level.WARNING, "accept " + name(), "proxy " + name() + ": accept failed: "
                    + cause.getMessage() + "; accepting again in 1 s, open connections keep being served");
            ctx.fireExceptionCaught(cause);
        }
    }
}
