package halo.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

final class Sockets {
    private Sockets() {}

    /** Opens a TCP connection as keepalived's tcp_bind_connect does: optional bind, connect with timeout. */
    static Socket connect(ConnectOptions options) throws IOException {
        Socket socket = new Socket();
        try {
            InetSocketAddress bind = options.effectiveBind();
            if (bind != null) {
                socket.setReuseAddress(true);
                socket.bind(bind);
            }
            socket.setTcpNoDelay(true);
            socket.connect(options.effectiveDestination(), options.timeoutMillis());
            socket.setSoTimeout(options.timeoutMillis());
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
