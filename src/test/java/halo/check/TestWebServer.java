package halo.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A real web server on loopback whose answer a test can change: raw response bytes, a delay, a hang, or closing
 * at once. Records each request and, for TLS, the SNI name the client sent.
 */
final class TestWebServer implements AutoCloseable {

    enum Mode { RESPOND, HANG, CLOSE }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> sniNames = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    private volatile byte[] response = ok("hello");
    private volatile Mode mode = Mode.RESPOND;
    private volatile long delayMillis;
    private volatile int dripChunk;

    TestWebServer(InetAddress address) throws IOException {
        this(address, null);
    }

    TestWebServer(InetAddress address, SSLContext tls) throws IOException {
        this(address, tls, false);
    }

    /** @param requireClientCertificate TLS: a client without a certificate the server trusts fails the handshake */
    TestWebServer(InetAddress address, SSLContext tls, boolean requireClientCertificate) throws IOException {
        server = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
        if (requireClientCertificate) {
            // before the first accept: an accepting SSLServerSocket copies its settings when accept() starts
            ((javax.net.ssl.SSLServerSocket) server).setNeedClientAuth(true);
        }
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(address, 0), 200);
        acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    static byte[] ok(String body) {
        return response(200, "OK", body);
    }

    static byte[] response(int status, String reason, String body) {
        return ("HTTP/1.0 " + status + " " + reason + "\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    void respond(byte[] raw) {
        this.response = raw;
        this.mode = Mode.RESPOND;
    }

    void respond(String raw) {
        respond(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    void mode(Mode m) {
        this.mode = m;
    }

    void delay(long millis) {
        this.delayMillis = millis;
    }

    /** Sends responses a few bytes at a time (0: all at once). */
    void drip(int chunk) {
        this.dripChunk = chunk;
    }

    /** The subjects of the client certificates the server was shown, one per TLS connection ("" for none). */
    final List<String> clientSubjects = new java.util.concurrent.CopyOnWriteArrayList<>();

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(10_000);
            if (s instanceof SSLSocket ssl) {
                // Record SNI in a matcher: a resumed TLS 1.3 session does not report requested names.
                String[] seen = {""};
                SSLParameters p = ssl.getSSLParameters();
                p.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                    @Override
                    public boolean matches(SNIServerName name) {
                        seen[0] = ((SNIHostName) name).getAsciiName();
                        return true;
                    }
                }));
                ssl.setSSLParameters(p);
                ssl.startHandshake();
                sniNames.add(seen[0]);
                String subject = "";
                try {
                    subject = ((java.security.cert.X509Certificate) ssl.getSession().getPeerCertificates()[0])
                            .getSubjectX500Principal().getName();
                } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                    // no client certificate
                }
                clientSubjects.add(subject);
            }
            Mode m = mode;
            if (m == Mode.CLOSE) return;
            requests.add(readRequest(s.getInputStream()));
            if (m == Mode.HANG) {
                Thread.sleep(60_000);
                return;
            }
            if (delayMillis > 0) Thread.sleep(delayMillis);
            OutputStream out = s.getOutputStream();
            byte[] r = response;
            int chunk = dripChunk;
            if (chunk <= 0) {
                out.write(r);
            } else {
                for (int i = 0; i < r.length; i += chunk) {
                    out.write(r, i, Math.min(chunk, r.length - i));
                    out.flush();
                    Thread.sleep(1);
                }
            }
            out.flush();
        } catch (IOException | InterruptedException e) {
            // client went away or server closed
        } finally {
            open.remove(s);
        }
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') break;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) s.close();
        acceptor.interrupt();
    }
}
