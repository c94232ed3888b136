package halo.lvs.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * One proxied TCP connection: the client's channel and the one to its real server, relayed both ways with
 * back-pressure (a side that cannot keep up stops the other from reading). A FIN is passed on once what came before
 * it is written; the connection closes when both sides have sent theirs, or when either resets or closes. The one
 * handler serves both channels (it tells them apart by identity), to keep an idle connection small.
 */
@ChannelHandler.Sharable
final class TcpConnection extends TrafficCountingHandler {
    enum State {
        /** Connecting to the real server; the client is not read. */
        CONNECTING,
        /** Relaying both ways. */
        ESTABLISHED,
        /** One side has sent its FIN (passed on to the other); the other still talks. */
        HALF_CLOSED,
        /** Gone; the balancer has been told. */
        CLOSED
    }

    private final TcpService service;
    private final Channel client;
    private final Picked picked;
    private final ProxyService spec;
    private Channel server;
    private State state = State.CONNECTING;
    private boolean clientFin;
    private boolean serverFin;
    private long lastActivityNanos;
    private ScheduledFuture<?> idleCheck;
    /** What the client sent before the real server answered (Netty reads on a FIN even when not asked to). */
    private java.util.ArrayDeque<ByteBuf> early;

    TcpConnection(TcpService service, Channel client, Picked picked, ProxyService spec) {
        this.service = service;
        this.client = client;
        this.picked = picked;
        this.spec = spec;
    }

    InetSocketAddress destination() {
        return picked.destination();
    }

    State state() {
        return state;
    }

    private void transition(State next, String reason) {
        if (ProxyEngine.LOG.isLoggable(Level.FINEST)) {
            ProxyEngine.LOG.finest("proxy " + service.name() + " " + Endpoints.text(clientAddress()) + " -> "
                    + Endpoints.text(destination()) + ": " + state + " -> " + next + " (" + reason + ")");
        }
        state = next;
    }

    private InetSocketAddress clientAddress() {
        return (InetSocketAddress) client.remoteAddress();
    }

    /** Opens the connection to the real server (from the client's own address when transparent). */
    void connect() {
        Transport transport = service.engine.transport();
        InetSocketAddress destination = destination();
        SocketChannel ch;
        try {
            ch = transport.socketChannel(destination);
        } catch (RuntimeException e) {
            // no socket to be had (EMFILE, ENFILE): this client is refused, the others keep going
            connectFailed(e.getCause() != null ? e.getCause() : e);
            return;
        }
        server = ch;
        ch.config().setAutoRead(false);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ch.config().setTcpNoDelay(true);
        ch.config().setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, spec.connectTimeout().toMillis()));
        InetSocketAddress local = null;
        if (spec.transparent() && transport.transparent() != null) {
            ch.config().setOption(transport.transparent(), true);
            local = new InetSocketAddress(clientAddress().getAddress(), 0);
        }
        ch.pipeline().addLast(this);
        client.pipeline().addLast(this);
        InetSocketAddress bindTo = local;
        service.loop.register(ch).addListener((ChannelFutureListener) registered -> {
            if (!registered.isSuccess()) {
                connectFailed(registered.cause());
                return;
            }
            ChannelFuture f = bindTo == null ? ch.connect(destination) : ch.connect(destination, bindTo);
            f.addListener((ChannelFutureListener) connected -> {
                if (connected.isSuccess()) {
                    connected();
                } else {
                    connectFailed(connected.cause());
                }
            });
        });
    }

    private void connected() {
        if (state != State.CONNECTING) {
            server.close();
            return;
        }
        if (!client.isOpen()) {
            // the client reset while the real server was answering
            server.close();
            client.close();
            finish("the client left while connecting");
            return;
        }
        transition(State.ESTABLISHED, "the real server accepted");
        if (spec.proxyProtocol() != ProxyProtocol.NONE) {
            server.writeAndFlush(ProxyHeader.encode(server.alloc(), spec.proxyProtocol(), clientAddress(),
                    (InetSocketAddress) client.localAddress()), server.voidPromise());
        }
        service.balancer.established(picked);
        if (early != null) {
            for (ByteBuf b; (b = early.poll()) != null; ) {
                server.write(b, server.voidPromise());
            }
            early = null;
            server.flush();
        }
        if (clientFin) {
            transition(State.HALF_CLOSED, "the client sent FIN while connecting");
            service.balancer.halfClosed(picked);
            passFin(server);
        }
        lastActivityNanos = System.nanoTime();
        scheduleIdleCheck();
        try {
            if (!clientFin) {
                // (a client whose input has ended is out of epoll already: Netty cannot resume reading it)
                client.config().setAutoRead(true);
            }
            server.config().setAutoRead(true);
        } catch (RuntimeException e) {
            // a socket that went away under us (epoll_ctl ENOENT on a client reset): end this connection only
            reset("cannot start relaying: " + e.getMessage());
        }
    }

    private void connectFailed(Throwable cause) {
        if (state == State.CLOSED) {
            return;
        }
        String why = cause instanceof ConnectTimeoutException ? "timed out after " + spec.connectTimeout().toMillis()
                + " ms" : cause instanceof ConnectException ? "refused (" + cause.getMessage() + ")"
                : "failed (" + cause + ")";
        service.engine.log().log(Level.WARNING, "connect " + service.name() + " " + Endpoints.text(destination()),
                "proxy " + service.name() + ": connection from " + Endpoints.text(clientAddress())
                        + " to real server " + Endpoints.text(destination()) + " " + why);
        if (server != null) {
            server.close();
        }
        reset(client);
        finish("the real server could not be reached");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        Channel from = ctx.channel();
        if (state == State.CONNECTING) {
            countIn(buf.readableBytes());
            if (early == null) {
                early = new java.util.ArrayDeque<>(2);
            }
            early.add(buf);
            return;
        }
        Channel to;
        if (from == client) {
            countIn(buf.readableBytes());
            to = server;
        } else {
            countOut(buf.readableBytes());
            to = client;
        }
        to.write(buf, to.voidPromise());
        if (!to.isWritable() && from.isActive()) {
            from.config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.CONNECTING) {
            return;
        }
        Channel to = ctx.channel() == client ? server : client;
        to.flush();
        lastActivityNanos = System.nanoTime();
        reportTraffic();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        if (ch.isWritable() && state != State.CLOSED) {
            Channel other = ch == client ? server : client;
            boolean otherInputEnded = other == client ? clientFin : serverFin;
            if (other.isActive() && !otherInputEnded) {
                other.config().setAutoRead(true);
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            finReceived(ctx.channel());
        }
    }

    /** A FIN from one side: pass it on after what came before it; when both sides have sent one, close. */
    private void finReceived(Channel from) {
        if (from == client) {
            clientFin = true;
        } else {
            serverFin = true;
        }
        if (state == State.CONNECTING) {
            return; // passed on by connected(), after what the client sent before it
        }
        if (state == State.ESTABLISHED) {
            transition(State.HALF_CLOSED, (from == client ? "the client" : "the real server") + " sent FIN");
            service.balancer.halfClosed(picked);
            scheduleIdleCheck();
        }
        Channel to = from == client ? server : client;
        if (clientFin && serverFin) {
            to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            from.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            passFin(to);
        }
    }

    /** Sends a FIN on TO once what is queued for it is written. */
    private static void passFin(Channel to) {
        to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (to.isActive()) {
                ((DuplexChannel) to).shutdownOutput();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        if (state == State.CONNECTING) {
            // the client left before the real server answered: connected() or connectFailed() finds CLOSED
            if (server != null) {
                server.close();
            }
            finish("the client closed while connecting");
            return;
        }
        Channel other = ch == client ? server : client;
        if (other.isOpen()) {
            other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        finish((ch == client ? "the client" : "the real server") + " closed");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset or a broken pipe from either side ends the connection (Netty wraps some of those, such as epoll_ctl
        // failing on a socket the peer has just reset); only the unexpected is worth a line.
        if (!(cause instanceof IOException) && !(cause.getCause() instanceof IOException)) {
            service.engine.log().log(Level.WARNING, "error " + service.name(), "proxy " + service.name()
                    + ": connection from " + Endpoints.text(clientAddress()) + " failed: " + cause);
        }
        ctx.channel().close();
    }

    /** Closes both sides with a reset (a removed real server, the proxy stopping); on the loop. */
    void reset(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        reset(client);
        if (server != null) {
            reset(server);
        }
        finish(reason);
    }

    /** Closes CH with a reset (SO_LINGER 0), so a refused client learns at once. */
    static void reset(Channel ch) {
        if (ch.isOpen()) {
            try {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                // already closing: a plain close will do
            }
            ch.close();
        }
    }

    /** (Re)schedules the idle check for the timeout of the current state (timeouts may have changed). */
    void scheduleIdleCheck() {
        if (state == State.CLOSED || state == State.CONNECTING) {
            return;
        }
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        long timeout = idleTimeoutNanos();
        long due = lastActivityNanos + timeout - System.nanoTime();
        idleCheck = service.loop.schedule(this::checkIdle, Math.max(0, due), TimeUnit.NANOSECONDS);
    }

    private long idleTimeoutNanos() {
        ProxyTimeouts t = service.engine.timeouts();
        return (state == State.HALF_CLOSED ? t.tcpFin() : t.tcp()).toNanos();
    }

    private void checkIdle() {
        idleCheck = null;
        if (state == State.CLOSED) {
            return;
        }
        long idle = System.nanoTime() - lastActivityNanos;
        if (idle >= idleTimeoutNanos()) {
            ProxyEngine.LOG.fine(() -> "proxy " + service.name() + ": connection from "
                    + Endpoints.text(clientAddress()) + " idle for " + TimeUnit.NANOSECONDS.toSeconds(idle)
                    + " s, closed");
            client.close();
            server.close();
            finish("idle timeout");
        } else {
            scheduleIdleCheck();
        }
    }

    private void reportTraffic() {
        reportTraffic(service.balancer, picked);
    }

    private void finish(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        reportTraffic();
        transition(State.CLOSED, reason);
        if (early != null) {
            early.forEach(ByteBuf::release);
            early = null;
        }
        if (idleCheck != null) {
            idleCheck.cancel(false);
            idleCheck = null;
        }
        service.removed(this);
        try {
            service.balancer.closed(picked);
        } catch (RuntimeException e) {
            ProxyEngine.LOG.log(Level.SEVERE, "proxy " + service.name() + ": the balancer failed on close", e);
        }
    }
}
