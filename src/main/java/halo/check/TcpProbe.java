package halo.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * TCP_CHECK: success when a TCP connection to the destination completes within connect_timeout. Runs on the
 * shared {@link NativeConnectLoop} (on java.nio's {@link ConnectLoop} where FFM cannot be used): no thread per check.
 * The three results are made once: a check allocates no message.
 */
public final class TcpProbe implements AsyncProbe {
    /** -Dhalo.check.nioConnect=true: java.nio's loop even where FFM works (bench/checkers compares the two). */
    private static final boolean NIO = Boolean.getBoolean("halo.check.nioConnect");

    private final ConnectOptions options;
    private final ProbeResult success;
    private final ProbeResult timedOut;
    private final ProbeResult failed;

    public TcpProbe(ConnectOptions options) {
        this.options = options;
        String target = options.format("tcp");
        this.success = ProbeResult.success("TCP connection to " + target + " success.");
        this.timedOut = ProbeResult.failure("TCP connection to " + target + " timedout.");
        this.failed = ProbeResult.failure("TCP connection to " + target + " failed.");
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
        long timeout = options.timeout().toNanos();
        CompletableFuture<ConnectLoop.Outcome> outcome = !NIO && NativeConnectLoop.isAvailable()
                ? NativeConnectLoop.shared().connect(dst, bind, timeout)
                : ConnectLoop.shared().connect(dst, bind, timeout);
        return outcome.thenApply(o -> switch (o) {
            case CONNECTED -> success;
            case TIMEOUT -> timedOut;
            case REFUSED, ERROR -> failed;
        });
    }
}
