package halo.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A connectionless AF_UNIX datagram socket that sends to one path (syslog's /dev/log, systemd's NOTIFY_SOCKET), or
 * one bound to a path that receives (a test standing in for systemd): Java's own channels speak only stream sockets
 * over AF_UNIX. A path starting with {@code @} names an abstract socket, as NOTIFY_SOCKET may.
 */
public final class UnixDatagramSocket implements AutoCloseable {

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int EAGAIN = 11;
    private static final int SOCKADDR_UN_LENGTH = 110; // sa_family_t + sun_path[108]

    private final Arena arena;
    private final int fd;
    private final MemorySegment address;
    private final MemorySegment buffer;

    private UnixDatagramSocket(Arena arena, int fd, MemorySegment address) {
        this.arena = arena;
        this.fd = fd;
        this.address = address;
        this.buffer = arena.allocate(8192);
    }

    /** A socket that sends to {@code path}. */
    public static UnixDatagramSocket to(String path) throws NativeException {
        HostOs.ensureAvailable();
        int fd = Native.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, "socket(AF_UNIX, SOCK_DGRAM)", null);
        Arena arena = Arena.ofShared();
        return new UnixDatagramSocket(arena, fd, address(arena, path));
    }

    /** A socket bound to {@code path} (which must not exist yet), to {@link #receive} datagrams sent there. */
    public static UnixDatagramSocket bound(String path) throws NativeException {
        UnixDatagramSocket s = to(path);
        try {
            Native.bind(s.fd, s.address, "binding " + path);
        } catch (NativeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * sockaddr_un for PATH, exactly as long as the name: an abstract name's length is part of the name (its trailing
     * bytes are not padding), and for a path the terminating zero is included.
     */
    private static MemorySegment address(Arena arena, String path) {
        boolean abstractName = path.startsWith("@");
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SOCKADDR_UN_LENGTH - 2) {
            throw new IllegalArgumentException("socket path too long: " + path);
        }
        if (abstractName) {
            name[0] = 0;
        }
        MemorySegment sa = arena.allocate(2 + name.length + (abstractName ? 0 : 1));
        sa.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) AF_UNIX);
        MemorySegment.copy(name, 0, sa, ValueLayout.JAVA_BYTE, 2, name.length);
        return sa;
    }

    /** Sends one datagram; a full or absent receiver drops it (a log line is not worth blocking for). */
    public synchronized boolean send(byte[] data) {
        int n = Math.min(data.length, (int) buffer.byteSize());
        MemorySegment.copy(data, 0, buffer, ValueLayout.JAVA_BYTE, 0, n);
        try {
            long sent = (long) Native.SENDTO.invokeExact(Native.capture(), fd, buffer, (long) n, 0x40 /* MSG_DONTWAIT */, address, (int) address.byteSize());
            return sent == n;
        } catch (Throwable t) {
            return false;
        }
    }

    /** The next datagram, waiting up to TIMEOUT for it; null when none came. */
    public synchronized byte[] receive(Duration timeout) throws NativeException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tv = a.allocate(16); // struct timeval
            long micros = Math.max(1, timeout.toNanos() / 1000);
            tv.set(ValueLayout.JAVA_LONG, 0, micros / 1_000_000);
            tv.set(ValueLayout.JAVA_LONG, 8, micros % 1_000_000);
            Native.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, "SO_RCVTIMEO", "unix datagram socket");
        }
        long n = Native.recv(fd, buffer, buffer.byteSize(), 0);
        if (n == -EAGAIN) {
            return null;
        }
        if (n < 0) {
            throw NativeException.of("recv", (int) -n, "unix datagram socket");
        }
        return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void close() {
        try {
            int ignored = (int) Native.CLOSE.invokeExact(Native.capture(), fd);
        } catch (Throwable t) {
            // closing anyway
        }
        arena.close();
    }
}
