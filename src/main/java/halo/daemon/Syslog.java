package halo.daemon;

import halo.os.NativeException;
import halo.os.UnixDatagramSocket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Log lines to the local syslog socket (/dev/log) in the RFC 3164 form keepalived's syslog(3) calls produce:
 * {@code <PRI>Keepalived_vrrp[PID]: message}, facility daemon (or local0..local7 with {@code -S}), level info.
 */
public final class Syslog implements Consumer<String> {

    private static final int LOG_DAEMON = 3 << 3;
    private static final int LOG_LOCAL0 = 16 << 3;
    private static final int LOG_INFO = 6;

    private final UnixDatagramSocket socket;
    private final String prefix;

    private Syslog(UnixDatagramSocket socket, int facility) {
        this.socket = socket;
        this.prefix = "<" + (facility + LOG_INFO) + ">Keepalived_vrrp[" + ProcessHandle.current().pid() + "]: ";
    }

    /** keepalived's -S user: syslog's LOG_USER. */
    public static final int USER = 8;

    /**
     * Syslog on /dev/log with local{@code localN} (0-7), the daemon facility when {@code localN} is negative, the
     * user facility for {@link #USER}; null when there is none.
     */
    public static Syslog open(int localN) {
        try {
            int facility = localN == USER ? 1 << 3 : localN >= 0 && localN <= 7 ? LOG_LOCAL0 + (localN << 3) : LOG_DAEMON;
            return new Syslog(UnixDatagramSocket.to("/dev/log"), facility);
        } catch (NativeException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void accept(String message) {
        socket.send((prefix + message).getBytes(StandardCharsets.UTF_8));
    }
}
