package halo.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The daemon's local control socket (a Unix stream socket, default /run/halo/halo.sock): a client writes one
 * command line ("status", "lvs"), the daemon answers with text and closes. Several daemons run side by side by
 * giving each its own socket path.
 */
public final class ControlServer implements AutoCloseable {

    public static final Path DEFAULT_PATH = Path.of("/run/halo/halo.sock");
    private static final int MAX_REQUEST = 4096;

    private final Path path;
    private final ServerSocketChannel server;
    private final Function<String, String> handler;
    private final Thread acceptor;

    private ControlServer(Path path, ServerSocketChannel server, Function<String, String> handler) {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.acceptor = Thread.ofPlatform().daemon().name("control").start(this::acceptLoop);
    }

    /** Binds the socket (replacing a stale one) and serves {@code handler}'s answers, each request on a virtual thread. */
    public static ControlServer start(Path path, Function<String, String> handler) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return new ControlServer(path, server, handler);
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().name("control-client").start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
            while (in.hasRemaining()) {
                if (client.read(in) < 0) {
                    break;
                }
                if (containsNewline(in)) {
                    break;
                }
            }
            String request = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
            String answer;
            try {
                answer = handler.apply(request);
            } catch (RuntimeException e) {
                answer = "error: " + e.getMessage() + "\n";
            }
            ByteBuffer out = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                client.write(out);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static boolean containsNewline(ByteBuffer in) {
        for (int i = 0; i < in.position(); i++) {
            if (in.get(i) == '\n') {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
        Files.deleteIfExists(path);
    }

    /** Sends one command to a daemon's control socket and returns its whole answer. */
    public static String ask(Path path, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.shutdownOutput();
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (channel.read(buffer) >= 0) {
                bytes.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
