package halo.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * keepalived's notify FIFO: one line per event ({@code INSTANCE "VI_1" MASTER 100}, {@code VS [192.0.2.10]:tcp:80 UP}).
 * The FIFO is made when missing and opened read-write, so opening never blocks waiting for a reader and a reader
 * that comes and goes does not make writes fail. Lines are written by a writer thread from a bounded queue, so a
 * FIFO nobody reads (its pipe full) never blocks the protocol thread: lines beyond the queue are dropped and counted.
 */
public final class NotifyFifo implements AutoCloseable {

    private final Path path;
    private final FileChannel channel;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(4096);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;

    private NotifyFifo(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
        this.writer = Thread.ofPlatform().daemon().name("notify-fifo").start(this::drain);
    }

    public static NotifyFifo open(Path path) throws IOException {
        if (!Files.exists(path)) {
            try {
                Process p = new ProcessBuilder("mkfifo", "-m", "0600", path.toString()).inheritIO().start();
                if (p.waitFor() != 0) {
                    throw new IOException("cannot create notify FIFO " + path);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted creating notify FIFO " + path, e);
            }
        }
        return new NotifyFifo(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    public Path path() {
        return path;
    }

    /** Queues one line (the newline is added); never blocks. */
    public void write(String line) {
        if (!queue.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    /** Lines dropped because nobody read the FIFO fast enough. */
    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        try {
            while (true) {
                String line = queue.take();
                ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }
        } catch (InterruptedException | IOException e) {
            // closed
        }
    }

    /** Gives queued lines up to a second to be written, then closes. */
    @Override
    public void close() throws IOException {
        long end = System.nanoTime() + 1_000_000_000L;
        while (!queue.isEmpty() && System.nanoTime() < end) {
            Thread.onSpinWait();
            Thread.yield();
        }
        writer.interrupt();
        channel.close();
    }
}
