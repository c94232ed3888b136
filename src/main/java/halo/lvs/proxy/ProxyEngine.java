package halo.lvs.proxy;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The userspace proxy: TCP and UDP virtual services forwarded to the real servers their {@link Balancer} picks.
 *
 * <p>Threads: a fixed set of event loops (Netty's). On the EPOLL transport (the default) TCP services run on loops
 * whose poller is an epoll instance of Halo's own ({@link NativeTcpLoop}: Netty keeps the thread, tasks and timers),
 * and UDP services on a second set of loops of Netty's epoll transport, made when the first UDP service comes; the
 * other transports run both on Netty's loops. Each service is pinned to one loop, and so are its connections; its
 * balancer is therefore only ever called from that loop's thread. Services spread over the loops. Every public method may be called from any thread (not from a loop thread when it waits: add, remove,
 * close); it runs its work on the service's loop.
 *
 * <p>Sockets are made on the loop threads, so an engine whose threads live in a network namespace (the thread
 * factory's business) serves that namespace.
 */
public final class ProxyEngine implements AutoCloseable {
    static final Logger LOG = Logger.getLogger("halo.lvs");

    static {
        // Netty names channels after the host's MAC address, and warns when it finds none (a namespace with only
        // veths, a container); Halo never shows channel ids, so a fixed one spares the search and the warning.
        if (System.getProperty("io.netty.machineId") == null) {
            System.setProperty("io.netty.machineId", "48:61:6c:6f:00:00:00:01");
        }
    }
    private static final long WAIT_SECONDS = 30;

    private final Transport transport;
    private final int threads;
    private final ThreadFactory threadFactory;
    /** TCP services' loops (and UDP's, except on EPOLL). */
    private final MultiThreadIoEventLoopGroup group;
    /** UDP services' loops on EPOLL (Netty's epoll transport), made with the first UDP service; guarded by this. */
    private MultiThreadIoEventLoopGroup udpGroup;
    private final TransparentHost transparentHost;
    private final RateLimitedLog log;
    private final Map<ProxyService.Key, RunningService> services = new ConcurrentHashMap<>();
    /** Each TCP event loop's poller (the EPOLL transport), by loop. */
    private final Map<ThreadAwareExecutor, NativeTcpLoop> tcpLoops = new ConcurrentHashMap<>();
    private volatile ProxyTimeouts timeouts = ProxyTimeouts.IPVS_DEFAULTS;
    private boolean transparentInstalled; // guarded by this
    private volatile boolean closed;

    private ProxyEngine(Transport transport, int threads, ThreadFactory threadFactory,
                        TransparentHost transparentHost) {
        this.transport = transport;
        this.threads = threads;
        this.threadFactory = threadFactory;
        this.group = new MultiThreadIoEventLoopGroup(threads, threadFactory,
                transport == Transport.EPOLL ? NativeTcpLoop.factory(tcpLoops::put) : transport.ioHandlerFactory());
        this.transparentHost = transparentHost;
        this.log = new RateLimitedLog(LOG, TimeUnit.SECONDS.toNanos(10), System::nanoTime);
    }

    /**
     * Starts an engine with THREADS event loops of TRANSPORT, made by THREAD_FACTORY; TRANSPARENT_HOST sets up the
     * host for transparent services (null: transparent services are refused).
     */
    public static ProxyEngine start(Transport transport, int threads, ThreadFactory threadFactory,
                                    TransparentHost transparentHost) {
        if (!transport.isAvailable()) {
            throw new IllegalStateException("transport " + transport + " unavailable: "
                    + transport.unavailabilityCause());
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be 1 or more: " + threads);
        }
        return new ProxyEngine(transport, threads, threadFactory, transparentHost);
    }

    /** An engine on the best transport here, THREADS loops of daemon threads named halo-proxy-N. */
    public static ProxyEngine start(int threads, TransparentHost transparentHost) {
        return start(Transport.best(), threads, daemonThreads(), transparentHost);
    }

    static ThreadFactory daemonThreads() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> Thread.ofPlatform().name("halo-proxy-" + n.getAndIncrement()).daemon(true).unstarted(r);
    }

    public Transport transport() {
        return transport;
    }

    public ProxyTimeouts timeouts() {
        return timeouts;
    }

    /** New idle timeouts; running connections take them at once (their deadline is recomputed). */
    public void timeouts(ProxyTimeouts t) {
        timeouts = Objects.requireNonNull(t);
        for (RunningService s : services.values()) {
            s.loop.execute(s::timeoutsChanged);
        }
    }

    /**
     * Starts serving SPEC with BALANCER: the listener is bound (free-bound: the address need not be on the host yet)
     * before this returns. Fails with IOException naming the cause (address in use, transparent mode impossible).
     */
    public void add(ProxyService spec, Balancer balancer) throws IOException {
        Objects.requireNonNull(balancer);
        checkOpen();
        if (services.containsKey(spec.key())) {
            throw new IllegalStateException("proxy " + spec.key() + " already exists");
        }
        if (spec.transparent()) {
            ensureTransparent();
        }
        EventLoop loop = spec.protocol() == halo.lvs.Protocol.UDP ? udpLoops().next() : group.next();
        RunningService s = switch (spec.protocol()) {
            // TCP on the epoll transport: Halo's own epoll path (fewer system calls per connection and per wake-up,
            // see bench/proxy-quick/README.md); the other transports keep Netty's channels
            case TCP -> transport == Transport.EPOLL ? new NativeTcpService(this, loop, spec, balancer, tcpLoop(loop))
                    : new TcpService(this, loop, spec, balancer);
            case UDP -> new UdpService(this, loop, spec, balancer);
            case SCTP -> throw new IllegalArgumentException("SCTP");
        };
        io.netty.util.concurrent.Future<?> bound = onLoop(loop, s::bind);
        try {
            if (!bound.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("proxy " + spec.key() + ": bind did not finish in " + WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (!bound.isSuccess()) {
            onLoop(loop, () -> {
                s.closeListener();
                return null;
            });
            throw new IOException("proxy " + spec.key() + ": cannot listen: " + bound.cause().getMessage(),
                    bound.cause());
        }
        services.put(spec.key(), s);
        LOG.info(() -> "proxy " + spec.key() + " listening (" + transport.name().toLowerCase(java.util.Locale.ROOT)
                + (spec.proxyProtocol() != ProxyProtocol.NONE ? ", PROXY protocol " + spec.proxyProtocol() : "")
                + (spec.transparent() ? ", transparent" : "") + ")");
    }

    /** Changes a service's settings (same key) for the connections that come next; waits until the loop has them. */
    public void update(ProxyService spec) throws IOException {
        RunningService s = service(spec.key());
        if (spec.transparent()) {
            ensureTransparent();
        }
        // applied before this returns: a connection that comes after it gets the new settings (the loop may handle
        // an accept before a queued task)
        onLoop(s.loop, () -> {
            s.spec = spec;
            return null;
        });
    }

    /**
     * Stops serving KEY: the listener closes; open TCP connections finish on their own (as IPVS keeps a deleted
     * service's connections), UDP flows close with the socket their replies leave from.
     */
    public void remove(ProxyService.Key key) {
        RunningService s = services.remove(key);
        if (s != null) {
            onLoop(s.loop, () -> {
                s.closeListener();
                return null;
            });
            LOG.info(() -> "proxy " + key + " removed");
        }
    }

    /** Resets the connections of KEY that go to DESTINATION (expire_nodest_conn); returns how many. */
    public int closeConnectionsTo(ProxyService.Key key, InetSocketAddress destination) {
        RunningService s = service(key);
        int n = onLoop(s.loop, () -> s.closeConnectionsTo(destination));
        if (n > 0) {
            LOG.info(() -> "proxy " + key + ": " + n + " connection(s) to " + Endpoints.text(destination) + " closed");
        }
        return n;
    }

    /** Open connections (UDP: flows) of KEY. */
    public int connections(ProxyService.Key key) {
        RunningService s = service(key);
        return onLoop(s.loop, s::connections);
    }

    /** Runs WORK on KEY's event loop (where its balancer runs) and returns what it returns. */
    public <T> T call(ProxyService.Key key, Callable<T> work) {
        return onLoop(service(key).loop, work);
    }

    /** Runs WORK every PERIOD on KEY's event loop, until the returned future is cancelled. */
    public ScheduledFuture<?> every(ProxyService.Key key, Duration period, Runnable work) {
        return service(key).loop.scheduleAtFixedRate(work, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    public boolean has(ProxyService.Key key) {
        return services.containsKey(key);
    }

    /** Closes every listener and connection, stops the threads, removes the transparent setup. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RunningService> all = new ArrayList<>(services.values());
        services.clear();
        for (RunningService s : all) {
            try {
                onLoop(s.loop, () -> {
                    s.closeListener();
                    s.closeAll();
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "proxy " + s.name() + ": closing failed", e);
            }
        }
        synchronized (this) {
            if (transparentInstalled) {
                try {
                    onLoop(group.next(), () -> {
                        transparentHost.remove();
                        return null;
                    });
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "proxy: removing the transparent-mode setup failed", e);
                }
                transparentInstalled = false;
            }
        }
        // (each TCP loop's poller closes its epoll instance as its thread ends)
        io.netty.util.concurrent.Future<?> stopped = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        MultiThreadIoEventLoopGroup udp;
        synchronized (this) {
            udp = udpGroup;
        }
        if (udp != null) {
            udp.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        stopped.awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** The loops UDP services run on: Netty's epoll loops of their own on EPOLL, else the one set. */
    private synchronized MultiThreadIoEventLoopGroup udpLoops() {
        if (transport != Transport.EPOLL) {
            return group;
        }
        if (udpGroup == null) {
            checkOpen();
            udpGroup = new MultiThreadIoEventLoopGroup(threads, threadFactory, transport.ioHandlerFactory());
        }
        return udpGroup;
    }

    /** LOOP's poller (a TCP loop of the EPOLL transport). */
    private NativeTcpLoop tcpLoop(EventLoop loop) {
        NativeTcpLoop tcp = tcpLoops.get((ThreadAwareExecutor) loop);
        if (tcp == null) {
            throw new IllegalStateException("proxy: " + loop + " has no TCP poller");
        }
        return tcp;
    }

    RateLimitedLog log() {
        return log;
    }

    private synchronized void ensureTransparent() throws IOException {
        if (transparentInstalled) {
            return;
        }
        if (transport.transparent() == null) {
            throw new IOException("transparent mode needs a native transport, not " + transport);
        }
        if (transparentHost == null) {
            throw new IOException("transparent mode is not set up for this proxy");
        }
        try {
            onLoop(group.next(), () -> {
                transparentHost.install();
                return null;
            });
        } catch (RuntimeException e) {
            throw new IOException("transparent mode: host setup failed: " + e.getMessage(), e);
        }
        transparentInstalled = true;
        LOG.info("proxy: transparent mode set up (nftables table and policy routing)");
    }

    private RunningService service(ProxyService.Key key) {
        RunningService s = services.get(key);
        if (s == null) {
            throw new IllegalArgumentException("no proxy service " + key);
        }
        return s;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the proxy engine is closed");
        }
    }

    /** Runs TASK on LOOP and waits for it; exceptions come back as RuntimeException. */
    private static <T> T onLoop(EventLoop loop, Callable<T> task) {
        try {
            if (loop.inEventLoop()) {
                return task.call();
            }
            return loop.submit(task).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException r ? r : new IllegalStateException(c.getMessage(), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the proxy's loop did not answer in " + WAIT_SECONDS + " s", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
