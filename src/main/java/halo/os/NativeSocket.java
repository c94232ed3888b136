package halo.os;

import java.lang.foreign.Arena;

/** A socket's descriptor and the native memory its buffers live in, released together, once. */
abstract class NativeSocket implements AutoCloseable {
    final int fd;
    final Arena arena = Arena.ofShared();
    private volatile boolean closed;

    NativeSocket(int fd) {
        this.fd = fd;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Native.close(fd);
        arena.close();
    }
}
