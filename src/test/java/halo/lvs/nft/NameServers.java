package halo.lvs.nft;

import halo.os.NetNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The nftables namespace tests' real servers (a line in, the server's name out) and their clients' connections. */
final class NameServers {
    private NameServers() {}

    /** One client connection to the VIP: a line out, the real server's name back. */
    static final class Connection implements AutoCloseable {
        final Socket socket;
        private final PrintWriter out;
        private final BufferedReader in;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(5_000);
            OutputStream o = socket.getOutputStream();
            this.out = new PrintWriter(new java.io.OutputStreamWriter(o, StandardCharsets.US_ASCII), true);
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        }

        /** The name of the server that answers (fails on a reset, a close or 5 s of silence). */
        String ask() throws IOException {
            out.println("who");
            String line = in.readLine();
            if (line == null) throw new IOException("connection closed by the server");
            return line;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A connection from the CLIENT namespace to VIP:PORT. */
    static Connection connect(NetNamespace client, String vip, int port) throws Exception {
        return new Connection(client.call(() -> {
            Socket c = new Socket();
            c.connect(new InetSocketAddress(vip, port), 5_000);
            return c;
        }));
    }

    /** A real server in NS on PORT answering NAME, on a daemon thread of its own; closing the socket stops it. */
    static ServerSocket start(NetNamespace ns, int port, String name) throws Exception {
        ServerSocket server = ns.call(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(port), 64);
            return s;
        });
        Thread.ofPlatform().daemon().name("server-" + name).start(() -> serve(server, name));
        return server;
    }

    /** Answers every line of every connection with NAME. */
    static void serve(ServerSocket server, String name) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofPlatform().daemon().start(() -> {
                    try (s; BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.US_ASCII))) {
                        OutputStream o = s.getOutputStream();
                        while (r.readLine() != null) o.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException ignored) {
                        // the client went away
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": " + out);
        }
    }
}
