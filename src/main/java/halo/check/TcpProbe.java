package halo.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * TCP_CHECK: success when a TCP connection to the destination completes within connect_timeout. Runs on the
 * shared non-blocking {@link ConnectLoop}: no thread per check.
 */
public final class TcpProbe implements AsyncProbe {
    private final ConnectOptions options;
    private final String target;

    public TcpProbe(ConnectOptions options) {
        this.options = options;
        this.target = options.format("tcp");
    }

    @Override
    public CompletableFuture<ProbeResult> start() {
        InetSocketAddress dst, bind;
        try {
            dst = options.effectiveDestination();
            bind = options.effectiveBind();
        } catch (IOException e) {
            return CompletableFuture.completedFuture(ProbeResult.failure("TCP socket bind failed. " + e.getMessage()));
        }
        return ConnectLoop.shared().connect(dst, bind, options.timeout().toNanos()).thenApply(o -> switch (o) {
            case CONNECTED -> ProbeResult.success("TCP connection to " + target + " success.");
            case TIMEOUT -> ProbeResult.failure("TCP connection to " + target + " timedout.");
            case REFUSED, ERROR -> ProbeResult.failure("TCP connection to " + target + " failed.");
        });
    }
}
