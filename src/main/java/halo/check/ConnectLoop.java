package halo.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Non-blocking TCP connects on one selector thread, as keepalived's tcp_connect_thread does on its event loop:
 * thousands of TCP_CHECKs per second cost no thread each. Connections are closed with SO_LINGER 0 (RST) once
 * established, so checks leave no TIME_WAIT behind.
 */
final class ConnectLoop implements AutoCloseable {

    enum Outcome { CONNECTED, REFUSED, TIMEOUT, ERROR }

    private record Pending(InetSocketAddress destination, InetSocketAddress bind, long timeoutNanos,
                           CompletableFuture<Outcome> result) {}

    private static final class Attempt implements Comparable<Attempt> {
        final SocketChannel channel;
        final CompletableFuture<Outcome> result;
        final long deadline;

        Attempt(SocketChannel channel, CompletableFuture<Outcome> result, long deadline) {
            this.channel = channel;
            this.result = result;
            this.deadline = deadline;
        }

        @Override
        public int compareTo(Attempt o) {
            return Long.compare(deadline, o.deadline);
        }
    }

    private static ConnectLoop shared;

    /** The process-wide loop (started on first use). */
    static synchronized ConnectLoop shared() {
        if (shared == null) shared = new ConnectLoop();
        return shared;
    }

    private final Selector selector;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Attempt> deadlines = new PriorityQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Thread thread;

    ConnectLoop() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        thread = Thread.ofPlatform().daemon().name("halo-check-connect").start(this::loop);
    }

    CompletableFuture<Outcome> connect(InetSocketAddress destination, InetSocketAddress bind, long timeoutNanos) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        queue.add(new Pending(destination, bind, timeoutNanos, f));
        if (wakeupPending.compareAndSet(false, true)) selector.wakeup();
        return f;
    }

    private void loop() {
        try {
            while (selector.isOpen()) {
                long wait = 0;
                Attempt first = deadlines.peek();
                if (first != null) wait = Math.max(1, (first.deadline - System.nanoTime()) / 1_000_000);
                wakeupPending.set(false);
                if (queue.isEmpty()) selector.select(wait);
                else selector.selectNow();
                wakeupPending.set(true); // wakeups are not needed while we are busy
                for (SelectionKey k : selector.selectedKeys()) finish((Attempt) k.attachment());
                selector.selectedKeys().clear();
                Pending p;
                while ((p = queue.poll()) != null) start(p);
                long now = System.nanoTime();
                while ((first = deadlines.peek()) != null && (first.deadline <= now || first.result.isDone())) {
                    deadlines.poll();
                    if (!first.result.isDone()) expire(first);
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // closed
        }
    }

    private void start(Pending p) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(p.destination().getAddress() instanceof java.net.Inet6Address
                    ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            if (p.bind() != null) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(p.bind());
            }
            Attempt a = new Attempt(ch, p.result(), System.nanoTime() + p.timeoutNanos());
            if (ch.connect(p.destination())) {
                close(ch);
                p.result().complete(Outcome.CONNECTED);
                return;
            }
            ch.register(selector, SelectionKey.OP_CONNECT, a);
            deadlines.add(a);
        } catch (java.net.ConnectException e) {
            close(ch);
            p.result().complete(Outcome.REFUSED);
        } catch (IOException | RuntimeException e) {
            close(ch);
            p.result().complete(Outcome.ERROR);
        }
    }

    private void finish(Attempt a) {
        try {
            a.channel.finishConnect();
            close(a.channel);
            a.result.complete(Outcome.CONNECTED);
        } catch (java.net.ConnectException e) {
            close(a.channel);
            a.result.complete(Outcome.REFUSED);
        } catch (IOException e) {
            close(a.channel);
            a.result.complete(Outcome.ERROR);
        }
    }

    /**
     * The deadline passed without this loop seeing the connect complete. When the loop is late (a starved host),
     * the connection may have completed in time all the same: ask the socket before calling it a timeout.
     */
    private void expire(Attempt a) {
        try {
            if (a.channel.finishConnect()) {
                close(a.channel);
                a.result.complete(Outcome.CONNECTED);
                return;
            }
        } catch (java.net.ConnectException e) {
            close(a.channel);
            a.result.complete(Outcome.REFUSED);
            return;
        } catch (IOException e) {
            close(a.channel);
            a.result.complete(Outcome.ERROR);
            return;
        }
        close(a.channel);
        a.result.complete(Outcome.TIMEOUT);
    }

    private static void close(SocketChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        thread.interrupt();
    }
}
