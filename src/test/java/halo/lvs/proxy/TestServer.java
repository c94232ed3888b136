package halo.lvs.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A TCP real server for tests: each accepted connection is served by HANDLER on its own virtual thread. */
final class TestServer implements AutoCloseable {
    interface Handler {
        void serve(Socket s) throws IOException;
    }

    private final ServerSocket socket;
    final List<Socket> accepted = new CopyOnWriteArrayList<>();

    TestServer(ServerSocket socket, Handler handler) {
        this.socket = socket;
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.add(s);
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            handler.serve(s);
                        } catch (IOException e) {
                            // the client or the proxy went away: the test looks at what the client saw
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** A server on ADDRESS (port 0: any). */
    static TestServer listen(InetSocketAddress address, Handler handler) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(address);
        return new TestServer(ss, handler);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Answers every line with "NAME LINE". */
    static Handler naming(String name) {
        return s -> {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
            var out = s.getOutputStream();
            for (String line; (line = in.readLine()) != null; ) {
                out.write((name + " " + line + "\n").getBytes());
                out.flush();
            }
        };
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
