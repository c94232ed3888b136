package halo.lvs.proxy;

import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/** One virtual service as it runs: its listener and its connections, all on one event loop (its thread). */
abstract sealed class RunningService permits TcpService, NativeTcpService, UdpService {
    final ProxyEngine engine;
    final EventLoop loop;
    final Balancer balancer;
    /** Written on the loop (update), read on the loop. */
    ProxyService spec;

    RunningService(ProxyEngine engine, EventLoop loop, ProxyService spec, Balancer balancer) {
        this.engine = engine;
        this.loop = loop;
        this.spec = spec;
        this.balancer = balancer;
    }

    /** Opens the listener; on the loop. */
    abstract io.netty.util.concurrent.Future<?> bind();

    /** Closes the listener; established connections finish. On the loop. */
    abstract void closeListener();

    /** Closes (resets) the connections going to DESTINATION; returns how many. On the loop. */
    abstract int closeConnectionsTo(InetSocketAddress destination);

    /** Closes every connection. On the loop. */
    abstract void closeAll();

    /** Connections (UDP: flows) open now. On the loop. */
    abstract int connections();

    /** Timeouts changed: every connection recomputes its idle deadline. On the loop. */
    abstract void timeoutsChanged();

    final boolean atLimit() {
        int max = spec.maxConnections();
        return max > 0 && connections() >= max;
    }

    final String name() {
        return spec.key().toString();
    }
}
