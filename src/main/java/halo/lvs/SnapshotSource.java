package halo.lvs;

import java.io.IOException;

/**
 * Where {@code halo lvs} gets the table it prints: the running daemon (over its control socket) or a configuration
 * preview. Implementations may do I/O; the views do not.
 */
@FunctionalInterface
public interface SnapshotSource {
    IpvsSnapshot snapshot() throws IOException;
}
