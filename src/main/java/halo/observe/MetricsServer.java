package halo.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The opt-in HTTP listener ({@code metrics_listen}, {@code --metrics-listen}): {@code GET /metrics} in Prometheus's
 * text format, {@code GET /status.json} the same JSON as {@code halo status --json}. The JDK's own server on one
 * thread of its own: a scrape never runs on the protocol thread (the figures are gathered there, as for the control
 * socket, and rendered here).
 */
public final class MetricsServer implements AutoCloseable {

    /** What a page answers: its body, or null when the daemon could not answer (a 503). */
    public record Pages(Supplier<String> metrics, Supplier<String> statusJson) {}

    private final HttpServer server;
    private final ExecutorService thread;

    private MetricsServer(HttpServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /** Binds ADDRESS and serves PAGES; IOException when the address cannot be bound. */
    public static MetricsServer start(InetSocketAddress address, Pages pages) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("metrics").factory());
        server.setExecutor(thread);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String method = exchange.getRequestMethod();
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
                } else if (path.equals("/metrics")) {
                    page(exchange, pages.metrics(), MetricsText.CONTENT_TYPE);
                } else if (path.equals("/status.json")) {
                    page(exchange, pages.statusJson(), "application/json");
                } else {
                    send(exchange, 404, "text/plain; charset=utf-8", "not found: try /metrics or /status.json\n");
                }
            }
        });
        server.start();
        return new MetricsServer(server, thread);
    }

    /** The bound address (the port chosen when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void page(HttpExchange exchange, Supplier<String> body, String type) throws IOException {
        String text;
        try {
            text = body.get();
        } catch (RuntimeException e) {
            text = null;
        }
        if (text == null) {
            send(exchange, 503, "text/plain; charset=utf-8", "the daemon did not answer\n");
        } else {
            send(exchange, 200, type, text);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
