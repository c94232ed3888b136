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
    /** Made by us (not there before): removed at close, as keepalived unlinks only the FIFOs it created. */
    private final boolean created;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(4096);
    private final AtomicLong dropped = new AtomicLong();
    /** Lines queued and not yet written whole (one may be in the writer's hands, out of the queue). */
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private final Thread writer;

    private NotifyFifo(Path path, FileChannel channel, boolean created) {
        this.path = path;
        this.channel = channel;
        this.created = created;
        this.writer = Thread.ofPlatform().daemon().name("notify-fifo").start(this::drain);
    }

    /** Opens the FIFO, making it (mode 0600) when missing. */
    public static NotifyFifo open(Path path) throws IOException {
        return open(path, -1, -1);
    }

    /**
     * Opens the FIFO, making it when missing as keepalived 2.2.7 does: mode 0600 (its 0644 under its umask 077), owned
     * by {@code uid}:{@code gid} (the script user, so a fifo script running as that user can read it); -1 leaves the
     * owner as made.
     */
    public static NotifyFifo open(Path path, int uid, int gid) throws IOException {
        boolean created = false;
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                Process p = new ProcessBuilder("mkfifo", "-m", "0600", path.toString()).inheritIO().start();
                if (p.waitFor() != 0) {
                    throw new IOException("Unable to create notify fifo " + path);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted creating notify FIFO " + path, e);
            }
            created = true;
            try {
                if (uid >= 0 && uid != (Integer) Files.getAttribute(path, "unix:uid")) {
                    Files.setAttribute(path, "unix:uid", uid);
                }
                if (gid >= 0 && gid != (Integer) Files.getAttribute(path, "unix:gid")) {
                    Files.setAttribute(path, "unix:gid", gid);
                }
            } catch (IOException | UnsupportedOperationException e) {
                // keepalived goes on too: "Failed to set uid:gid for fifo"
            }
        }
        try {
            return new NotifyFifo(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS), created);
        } catch (IOException e) {
            if (created) {
                Files.deleteIfExists(path);
            }
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** Queues one line (the newline is added); never blocks. */
    public void write(String line) {
        pending.incrementAndGet();
        if (!queue.offer(line)) {
            pending.decrementAndGet();
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
                try {
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                } finally {
                    pending.decrementAndGet();
                }
            }
        } catch (InterruptedException | IOException e) {
            // closed
        }
    }

    /** Whether this daemon made the FIFO (and so removes it at close). */
    public boolean created() {
        return created;
    }

    /** Gives queued lines up to a second to be written into the pipe. */
    public void flush() {
        flush(java.time.Duration.ofSeconds(1));
    }

    /** Gives queued lines up to {@code limit} to be written into the pipe (it takes long only when the pipe is full). */
    public void flush(java.time.Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (pending.get() > 0 && System.nanoTime() < end) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /**
     * Gives queued lines up to a second to be written, then removes the FIFO if this daemon made it (first, as
     * keepalived, so a reader that reopens it when it closes cannot reopen this one) and closes it.
     */
    @Override
    public void close() throws IOException {
        close(java.time.Duration.ofSeconds(1));
    }

    /** As {@link #close()}, giving queued lines up to {@code flushLimit}. */
    public void close(java.time.Duration flushLimit) throws IOException {
        flush(flushLimit);
        writer.interrupt();
        try {
            if (created) {
                Files.deleteIfExists(path);
            }
        } finally {
            channel.close();
        }
    }
}
