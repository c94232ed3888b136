package halo.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A connectionless AF_UNIX datagram socket that sends to one path (syslog's /dev/log): Java's own channels speak only
 * stream sockets over AF_UNIX.
 */
public final class UnixDatagramSocket implements AutoCloseable {

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
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
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SOCKADDR_UN_LENGTH - 2) {
            throw new IllegalArgumentException("socket path too long: " + path);
        }
        int fd = Native.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, "socket(AF_UNIX, SOCK_DGRAM)", null);
        Arena arena = Arena.ofShared();
        MemorySegment sa = arena.allocate(SOCKADDR_UN_LENGTH);
        sa.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) AF_UNIX);
        MemorySegment.copy(name, 0, sa, ValueLayout.JAVA_BYTE, 2, name.length);
        return new UnixDatagramSocket(arena, fd, sa);
    }

    /** Sends one datagram; a full or absent receiver drops it (a log line is not worth blocking for). */
    public synchronized boolean send(byte[] data) {
        int n = Math.min(data.length, (int) buffer.byteSize());
        MemorySegment.copy(data, 0, buffer, ValueLayout.JAVA_BYTE, 0, n);
        try {
            long sent = (long) Native.SENDTO.invokeExact(Native.capture(), fd, buffer, (long) n, 0x40 /* MSG_DONTWAIT */, address, SOCKADDR_UN_LENGTH);
            return sent == n;
        } catch (Throwable t) {
            return false;
        }
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
