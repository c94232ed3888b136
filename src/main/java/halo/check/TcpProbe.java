package halo.check;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** TCP_CHECK: success when a TCP connection to the destination completes within connect_timeout. */
public final class TcpProbe implements Probe {
    private final ConnectOptions options;

    public TcpProbe(ConnectOptions options) {
        this.options = options;
    }

    @Override
    public ProbeResult run() {
        String target = options.format("tcp");
        try (Socket socket = Sockets.connect(options)) {
            return ProbeResult.success("TCP connection to " + target + " success.");
        } catch (SocketTimeoutException e) {
            return ProbeResult.failure("TCP connection to " + target + " timedout.");
        } catch (IOException e) {
            return ProbeResult.failure("TCP connection to " + target + " failed.");
        }
    }
}
