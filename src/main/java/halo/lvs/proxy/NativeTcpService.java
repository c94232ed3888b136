package halo.lvs.proxy;

import static halo.lvs.proxy.NativeTcp.EPOLLIN;

import halo.lvs.Protocol;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * A TCP virtual service on the native path ({@link NativeTcpLoop}): a free-bound listener whose accepted connections
 * are relayed to picked real servers by {@link NativeTcpConnection}s. Accepting goes on until the backlog is empty
 * (at most {@link #ACCEPTS_PER_EVENT} at a time, so the open connections get their turn); out of descriptors, it
 * stops for a second with a log line. One timer per service, not per connection, checks idle and connect timeouts.
 */
final class NativeTcpService extends RunningService implements NativeTcpLoop.Owner {
    private static final int ACCEPTS_PER_EVENT = 32;
    private static final long ACCEPT_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    final NativeTcpLoop tcp;
    /** The open connections, a doubly linked list through the connections themselves (no per-entry object). */
    NativeTcpConnection first;
    private int count;
    private int listener = -1;
    private boolean acceptPaused;
    private ScheduledFuture<?> sweep;

    NativeTcpService(ProxyEngine engine, EventLoop loop, ProxyService spec, Balancer balancer, NativeTcpLoop tcp) {
        super(engine, loop, spec, balancer);
        this.tcp = tcp;
    }

    @Override
    Future<?> bind() {
        try {
            listener = listen(spec.address());
            return loop.newSucceededFuture(null);
        } catch (IOException e) {
            return loop.newFailedFuture(e);
        }
    }

    /** A listening socket on ADDRESS: free-bound, TCP_NODELAY (accepted sockets inherit it), in the loop's epoll. */
    private int listen(InetSocketAddress address) throws IOException {
        MemorySegment cs = tcp.capture;
        int fd;
        try {
            fd = (int) NativeTcp.SOCKET.invokeExact(cs, NativeTcp.family(address),
                    NativeTcp.SOCK_STREAM | NativeTcp.SOCK_NONBLOCK | NativeTcp.SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        if (fd < 0) {
            throw new IOException("socket: " + NativeTcp.describe(tcp.errno()));
        }
        try {
            if (!tcp.option(fd, NativeTcp.SOL_SOCKET, NativeTcp.SO_REUSEADDR, 1)
                    || !tcp.option(fd, NativeTcp.SOL_IP, NativeTcp.IP_FREEBIND, 1)
                    || !tcp.option(fd, NativeTcp.IPPROTO_TCP, NativeTcp.TCP_NODELAY, 1)) {
                throw new IOException("setsockopt: " + NativeTcp.describe(tcp.errno()));
            }
            int length = NativeTcp.encode(address, tcp.address);
            int rc;
            try {
                rc = (int) NativeTcp.BIND.invokeExact(cs, fd, tcp.address, length);
            } catch (Throwable t) {
                throw NativeTcp.unexpected(t);
            }
            if (rc < 0) {
                throw new IOException("bind(..) failed: " + NativeTcp.describe(tcp.errno()));
            }
            try {
                rc = (int) NativeTcp.LISTEN.invokeExact(cs, fd, 4096);
            } catch (Throwable t) {
                throw NativeTcp.unexpected(t);
            }
            if (rc < 0) {
                throw new IOException("listen: " + NativeTcp.describe(tcp.errno()));
            }
            if (!tcp.add(fd, EPOLLIN, this)) {
                throw new IOException("epoll_ctl: " + NativeTcp.describe(tcp.errno()));
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            tcp.close(fd);
            throw e;
        }
    }

    @Override
    void closeListener() {
        if (listener >= 0) {
            tcp.close(listener);
            listener = -1;
        }
    }

    @Override
    public void ready(int fd, int events) {
        accept();
    }

    private void accept() {
        MemorySegment cs = tcp.capture;
        for (int i = 0; i < ACCEPTS_PER_EVENT && listener >= 0; i++) {
            tcp.addressLength.set(ValueLayout.JAVA_INT, 0, NativeTcp.SOCKADDR_SIZE);
            int fd;
            try {
                fd = (int) NativeTcp.ACCEPT4.invokeExact(cs, listener, tcp.address, tcp.addressLength,
                        NativeTcp.SOCK_NONBLOCK | NativeTcp.SOCK_CLOEXEC);
            } catch (Throwable t) {
                throw NativeTcp.unexpected(t);
            }
            if (fd < 0) {
                acceptFailed(tcp.errno());
                return;
            }
            accepted(fd, NativeTcp.decode(tcp.address));
        }
        // more may wait: the listener is level-triggered, so the loop comes back to it after the others' events
    }

    private void acceptFailed(int errno) {
        if (errno == NativeTcp.EAGAIN || errno == NativeTcp.EINTR) {
            return;
        }
        if (errno == NativeTcp.EMFILE || errno == NativeTcp.ENFILE || errno == NativeTcp.ENOBUFS
                || errno == NativeTcp.ENOMEM) {
            // the backlog stays ready: watching it now would spin; open connections keep being served
            engine.log().log(Level.WARNING, "accept " + name(), "proxy " + name() + ": accept failed: "
                    + NativeTcp.describe(errno) + "; accepting again in 1 s, open connections keep being served");
            if (!acceptPaused && listener >= 0 && tcp.modify(listener, 0)) {
                acceptPaused = true;
                loop.schedule(this::resumeAccepting, ACCEPT_PAUSE_NANOS, TimeUnit.NANOSECONDS);
            }
            return;
        }
        // a connection that went away in the backlog (ECONNABORTED and the like): the next one is fine
        ProxyEngine.LOG.fine(() -> "proxy " + name() + ": accept: " + NativeTcp.describe(errno));
    }

    private void resumeAccepting() {
        acceptPaused = false;
        if (listener >= 0 && tcp.modify(listener, EPOLLIN)) {
            accept();
        }
    }

    /** A new client connection: refuse it (limit, no destination) or connect it to the picked real server. */
    private void accepted(int fd, InetSocketAddress from) {
        if (atLimit()) {
            engine.log().log(Level.WARNING, "limit " + name(), "proxy " + name() + ": connection from "
                    + Endpoints.text(from) + " refused: connection limit " + spec.maxConnections() + " reached");
            tcp.reset(fd);
            return;
        }
        Picked picked;
        try {
            picked = balancer.open(from, spec.address(), Protocol.TCP);
        } catch (RuntimeException e) {
            engine.log().log(Level.SEVERE, "balancer " + name(), "proxy " + name()
                    + ": the balancer failed on a connection from " + Endpoints.text(from) + ": " + e);
            tcp.reset(fd);
            return;
        }
        if (picked == null) {
            engine.log().log(Level.WARNING, "nodest " + name(), "proxy " + name() + ": connection from "
                    + Endpoints.text(from) + " refused: no real server available");
            tcp.reset(fd);
            return;
        }
        NativeTcpConnection c = new NativeTcpConnection(this, fd, from, picked, spec);
        link(c);
        c.connect();
    }

    private void link(NativeTcpConnection c) {
        c.next = first;
        if (first != null) {
            first.previous = c;
        }
        first = c;
        count++;
        if (sweep == null) {
            scheduleSweep();
        }
    }

    void removed(NativeTcpConnection c) {
        if (c.previous != null) {
            c.previous.next = c.next;
        } else if (first == c) {
            first = c.next;
        } else {
            return; // not linked
        }
        if (c.next != null) {
            c.next.previous = c.previous;
        }
        c.previous = null;
        c.next = null;
        count--;
    }

    /** Idle and connect timeouts: one check of every connection per period, while there are connections. */
    private void scheduleSweep() {
        sweep = loop.schedule(this::sweep, sweepPeriodNanos(), TimeUnit.NANOSECONDS);
    }

    private long sweepPeriodNanos() {
        ProxyTimeouts t = engine.timeouts();
        long shortest = Math.min(Math.min(t.tcp().toNanos(), t.tcpFin().toNanos()), spec.connectTimeout().toNanos());
        // a tenth of the shortest timeout: a connection outlives its timeout by at most that much
        return Math.clamp(shortest / 10, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
    }

    private void sweep() {
        sweep = null;
        long now = System.nanoTime();
        for (NativeTcpConnection c = first; c != null; ) {
            NativeTcpConnection next = c.next;
            c.checkTimeouts(now);
            c = next;
        }
        if (first != null) {
            scheduleSweep();
        }
    }

    private List<NativeTcpConnection> all() {
        List<NativeTcpConnection> list = new ArrayList<>(count);
        for (NativeTcpConnection c = first; c != null; c = c.next) {
            list.add(c);
        }
        return list;
    }

    @Override
    int closeConnectionsTo(InetSocketAddress destination) {
        int n = 0;
        for (NativeTcpConnection c : all()) {
            if (c.destination().equals(destination)) {
                c.reset("its real server " + Endpoints.text(destination) + " was removed");
                n++;
            }
        }
        return n;
    }

    @Override
    void closeAll() {
        for (NativeTcpConnection c : all()) {
            c.reset("the proxy stops");
        }
        if (sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
    }

    @Override
    int connections() {
        return count;
    }

    @Override
    void timeoutsChanged() {
        // the sweep reads the timeouts each time; a shorter one needs a sooner sweep
        if (sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
        if (first != null) {
            scheduleSweep();
        }
    }
}
