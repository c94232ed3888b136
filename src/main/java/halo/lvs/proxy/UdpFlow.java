package halo.lvs.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/** One UDP flow: a client address:port and its socket connected to the real server picked for it. */
final class UdpFlow extends TrafficCountingHandler {
    enum State { OPENING, OPEN, CLOSED }

    /** Datagrams that arrive while the flow's socket is being set up, at most this many (then dropped). */
    private static final int MAX_PENDING = 64;

    private final UdpService service;
    private final InetSocketAddress client;
    private final Picked picked;
    private final ProxyService spec;
    private DatagramChannel channel;
    private State state = State.OPENING;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    boolean pendingFlush;
    private long lastActivityNanos = System.nanoTime();
    private ScheduledFuture<?> idleCheck;

    UdpFlow(UdpService service, InetSocketAddress client, Picked picked, ProxyService spec) {
        this.service = service;
        this.client = client;
        this.picked = picked;
        this.spec = spec;
    }

    InetSocketAddress client() {
        return client;
    }

    InetSocketAddress destination() {
        return picked.destination();
    }

    void open() {
        Transport transport = service.engine.transport();
        InetSocketAddress destination = destination();
        try {
            channel = transport.datagramChannel(destination);
        } catch (RuntimeException e) {
            failed(e.getCause() != null ? e.getCause() : e);
            return;
        }
        InetSocketAddress local;
        if (spec.transparent() && transport.transparent() != null) {
            channel.config().setOption(transport.transparent(), true);
            channel.config().setOption(ChannelOption.SO_REUSEADDR, true);
            local = client;
        } else {
            local = new InetSocketAddress(0);
        }
        channel.pipeline().addLast(this);
        service.loop.register(channel).addListener((ChannelFutureListener) registered -> {
            if (!registered.isSuccess()) {
                failed(registered.cause());
                return;
            }
            channel.connect(destination, local).addListener((ChannelFutureListener) connected -> {
                if (!connected.isSuccess()) {
                    failed(connected.cause());
                    return;
                }
                if (state != State.OPENING) {
                    channel.close();
                    return;
                }
                state = State.OPEN;
                service.balancer.established(picked);
                for (ByteBuf b; (b = pending.poll()) != null; ) {
                    channel.write(b, channel.voidPromise());
                }
                channel.flush();
                scheduleIdleCheck();
            });
        });
    }

    private void failed(Throwable cause) {
        service.engine.log().log(Level.WARNING, "udpflow " + service.name(), "proxy " + service.name()
                + ": flow from " + Endpoints.text(client) + " to real server " + Endpoints.text(destination())
                + " failed: " + cause.getMessage());
        close("its socket failed");
    }

    /** A datagram from the client (takes CONTENT's reference). */
    void fromClient(ByteBuf content) {
        countIn(content.readableBytes());
        lastActivityNanos = System.nanoTime();
        switch (state) {
            case OPEN -> channel.write(content, channel.voidPromise());
            case OPENING -> {
                if (pending.size() < MAX_PENDING) {
                    pending.add(content);
                } else {
                    content.release();
                }
            }
            case CLOSED -> content.release();
        }
    }

    void flush() {
        if (state == State.OPEN) {
            channel.flush();
        }
        reportTraffic();
    }

    /** A datagram from the real server: relayed to the client from VIP:port. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf content = msg instanceof DatagramPacket p ? p.content() : (ByteBuf) msg;
        countOut(content.readableBytes());
        lastActivityNanos = System.nanoTime();
        service.vip().write(new DatagramPacket(content, client), service.vip().voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        service.vip().flush();
        reportTraffic();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP port unreachable from the real server (ECONNREFUSED on a connected socket): the datagram is lost,
        // as it would be behind IPVS; the flow stays, so a server that comes back gets the next one.
        ProxyEngine.LOG.fine(() -> "proxy " + service.name() + ": flow from " + Endpoints.text(client) + ": "
                + cause.getMessage());
    }

    void scheduleIdleCheck() {
        if (state != State.OPEN) {
            return;
        }
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        long due = lastActivityNanos + service.engine.timeouts().udp().toNanos() - System.nanoTime();
        idleCheck = service.loop.schedule(this::checkIdle, Math.max(0, due), TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        idleCheck = null;
        if (state != State.OPEN) {
            return;
        }
        if (System.nanoTime() - lastActivityNanos >= service.engine.timeouts().udp().toNanos()) {
            close("udp timeout");
        } else {
            scheduleIdleCheck();
        }
    }

    private void reportTraffic() {
        reportTraffic(service.balancer, picked);
    }

    void close(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        ProxyEngine.LOG.finest(() -> "proxy " + service.name() + ": flow from " + Endpoints.text(client)
                + " closed (" + reason + ")");
        reportTraffic();
        state = State.CLOSED;
        for (ByteBuf b; (b = pending.poll()) != null; ) {
            b.release();
        }
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (channel != null) {
            channel.close();
        }
        service.removed(this);
        service.balancer.closed(picked);
    }
}
