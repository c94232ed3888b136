package halo.demo;

import halo.os.NetNamespace;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fetches http://VIP/ from the client every millisecond and keeps the longest silence between two answers. A new
 * fetch starts every millisecond whatever the earlier ones are doing (up to {@link #IN_FLIGHT} at once, each given
 * {@link #PROBE_TIMEOUT_NANOS}): a fetch whose SYN went to a dead director's MAC waits, but the next one, sent
 * after the new master's gratuitous ARP, answers; so the silence is measured to about a millisecond, not to a
 * fetch's timeout.
 */
final class ClientProbe implements AutoCloseable {
    private static final int IN_FLIGHT = 256;
    private static final long PERIOD_NANOS = 1_000_000L;
    private static final long PROBE_TIMEOUT_NANOS = 200_000_000L;
    private static final long SILENCE_NANOS = 20_000_000L;

    final AtomicBoolean running = new AtomicBoolean(true);
    final Thread thread;
    volatile String lastAnswer = "";
    volatile long lastSuccessNanos;
    volatile boolean print;
    /** Counts, written under this probe's lock, read by the lab's thread without it. */
    volatile long probes;
    volatile long failures;
    /** When the last fetch failed (System.nanoTime). */
    volatile long lastFailureNanos;
    private long longestGapNanos;
    private final long startNanos = System.nanoTime();
    private boolean silenceReported;

    /** One fetch in flight. */
    private final class Fetch {
        final SocketChannel channel;
        final long started;
        final ByteBuffer in = ByteBuffer.allocate(512);
        ByteBuffer request;

        Fetch(SocketChannel channel, long started) {
            this.channel = channel;
            this.started = started;
        }
    }

    private final NetNamespace client;
    private final String vip;
    private final PrintStream out;
    /** Answers by who gave them, since the last {@link #resetAnswers()}: the spread the client saw. */
    private final Map<String, Long> answers = new TreeMap<>();

    /** Starts fetching http://VIP/ from the CLIENT namespace; OUT gets the live view when {@link #print} is on. */
    ClientProbe(NetNamespace client, String vip, PrintStream out) {
        this.client = client;
        this.vip = vip;
        this.out = out;
        thread = Thread.ofPlatform().daemon().name("probe").start(this::run);
    }

    synchronized void resetAnswers() {
        answers.clear();
    }

    /** The answers counted since {@link #resetAnswers()}, by who gave them. */
    synchronized Map<String, Long> answers() {
        return new TreeMap<>(answers);
    }

    /** Waits until COUNT answers have come since {@link #resetAnswers()}; false when they do not within TIMEOUT. */
    boolean awaitAnswers(long count, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            synchronized (this) {
                if (answers.values().stream().mapToLong(Long::longValue).sum() >= count) return true;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() {
        running.set(false);
    }

    synchronized void resetGap() {
        longestGapNanos = 0;
    }

    synchronized long longestGapMicros() {
        return longestGapNanos / 1000;
    }

    void run() {
        byte[] request = ("GET / HTTP/1.0\r\nHost: " + vip + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress target = new InetSocketAddress(vip, 80);
        java.util.ArrayDeque<Fetch> inFlight = new java.util.ArrayDeque<>();
        try (Selector selector = Selector.open()) {
            long next = System.nanoTime();
            while (running.get()) {
                long now = System.nanoTime();
                if (now >= next) {
                    next += PERIOD_NANOS;
                    if (next < now) next = now + PERIOD_NANOS; // fell behind: no burst to catch up
                    if (inFlight.size() < IN_FLIGHT) start(selector, target, request, now, inFlight);
                }
                selector.select(Math.max(1, (next - System.nanoTime()) / 1_000_000L));
                for (SelectionKey key : selector.selectedKeys()) {
                    Fetch f = (Fetch) key.attachment();
                    String answer = step(key, f);
                    if (answer != null) finish(f, answer.isEmpty() ? null : answer, inFlight);
                }
                selector.selectedKeys().clear();
                long expired = System.nanoTime() - PROBE_TIMEOUT_NANOS;
                while (!inFlight.isEmpty() && inFlight.peekFirst().started < expired) {
                    Fetch f = inFlight.peekFirst();
                    finish(f, null, inFlight);
                }
                reportSilence(System.nanoTime());
            }
        } catch (IOException e) {
            out.println("probe: " + e.getMessage());
        } finally {
            inFlight.forEach(f -> close(f.channel));
        }
    }

    private void start(Selector selector, InetSocketAddress target, byte[] request, long now,
            java.util.ArrayDeque<Fetch> inFlight) {
        SocketChannel ch = null;
        try {
            ch = client.call(SocketChannel::open);
            ch.configureBlocking(false);
            Fetch f = new Fetch(ch, now);
            f.request = ByteBuffer.wrap(request);
            inFlight.addLast(f);
            if (ch.connect(target)) {
                ch.register(selector, SelectionKey.OP_WRITE, f);
            } else {
                ch.register(selector, SelectionKey.OP_CONNECT, f);
            }
        } catch (Exception e) {
            close(ch);
            synchronized (this) {
                probes++;
                failures++;
                lastFailureNanos = System.nanoTime();
            }
        }
    }

    /** Moves one fetch on; returns its answer when it is over ("" for a failure), null while it goes on. */
    private String step(SelectionKey key, Fetch f) {
        try {
            if (key.isConnectable()) {
                f.channel.finishConnect();
                key.interestOps(SelectionKey.OP_WRITE);
                return null;
            }
            if (key.isWritable()) {
                f.channel.write(f.request);
                if (!f.request.hasRemaining()) key.interestOps(SelectionKey.OP_READ);
                return null;
            }
            if (key.isReadable()) {
                int r = f.channel.read(f.in);
                if (r >= 0 && f.in.hasRemaining()) return null;
                String text = new String(f.in.array(), 0, f.in.position(), StandardCharsets.US_ASCII);
                int body = text.indexOf("\r\n\r\n");
                return text.startsWith("HTTP/1.") && body > 0 ? text.substring(body + 4).strip() : "";
            }
        } catch (IOException e) {
            return "";
        }
        return null;
    }

    private void finish(Fetch f, String answer, java.util.ArrayDeque<Fetch> inFlight) {
        inFlight.remove(f);
        close(f.channel);
        long t1 = System.nanoTime();
        synchronized (this) {
            probes++;
            if (answer == null) {
                failures++;
                lastFailureNanos = System.nanoTime();
                return;
            }
            // fetches start every millisecond: the time between two answers is the silence the client saw
            if (lastSuccessNanos > 0) longestGapNanos = Math.max(longestGapNanos, t1 - lastSuccessNanos);
            if (print && !answer.equals(lastAnswer)) {
                out.printf("%9.3f s  client: answered by %s%n", (t1 - startNanos) / 1e9, answer);
            }
            answers.merge(answer, 1L, Long::sum);
            lastAnswer = answer;
            lastSuccessNanos = t1;
            silenceReported = false;
        }
    }

    /** The live view says so once when nobody has answered for a while. */
    private synchronized void reportSilence(long now) {
        if (print && !silenceReported && lastSuccessNanos > 0 && now - lastSuccessNanos > SILENCE_NANOS) {
            out.printf("%9.3f s  client: no answer from %s%n", (lastSuccessNanos + SILENCE_NANOS - startNanos) / 1e9, vip);
            silenceReported = true;
            lastAnswer = "";
        }
    }

    private static void close(SocketChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
