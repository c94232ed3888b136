package halo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GenhashCommandTest {

    ServerSocket server;
    final AtomicReference<String> response = new AtomicReference<>("HTTP/1.0 200 OK\r\nContent-Length: 12\r\n\r\nhello world\n");
    final AtomicReference<String> lastRequest = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    StringBuilder req = new StringBuilder();
                    while (!req.toString().endsWith("\r\n\r\n")) {
                        int c = in.read();
                        if (c < 0) break;
                        req.append((char) c);
                    }
                    lastRequest.set(req.toString());
                    OutputStream out = s.getOutputStream();
                    out.write(response.get().getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    // next
                }
            }
        });
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new GenhashCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    String port() {
        return String.valueOf(server.getLocalPort());
    }

    @Test
    void printsTheDigestOfTheBody() throws Exception {
        Run r = run("-s", "127.0.0.1", "-p", port(), "-u", "/index.html");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(md5("hello world\n") + "\n");
        assertThat(lastRequest.get()).isEqualTo("GET /index.html HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:"
                + port() + "\r\n\r\n");
        run("-s", "127.0.0.1", "-p", port(), "-u", "/", "-V", "www.example.com", "-P", "1.1");
        assertThat(lastRequest.get()).isEqualTo("GET / HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\n"
                + "Host: www.example.com\r\n\r\n");
    }

    @Test
    void verboseDumpsHeaderBodyAndHashLikeGenhash() throws Exception {
        Run r = run("-s", "127.0.0.1", "-p", port(), "-u", "/", "-v");
        String header = "HTTP/1.0 200 OK\r\nContent-Length: 12\r\n\r\n";
        assertThat(r.out()).startsWith("-----------------------[    HTTP Header Buffer    ]-----------------------\n"
                + "0000  48 54 54 50 2f 31 2e 30 - 20 32 30 30 20 4f 4b 0d   HTTP/1.0 200 OK.\n");
        assertThat(r.out()).contains("-----------------------[ HTTP Header Ascii Buffer ]-----------------------\n"
                + header + "\n");
        assertThat(r.out()).contains("-----------------------[        HTML Buffer        ]-----------------------\n"
                + "0000  68 65 6c 6c 6f 20 77 6f - 72 6c 64 0a               hello world.    \n\n");
        assertThat(r.out()).contains("-----------------------[ HTML hash final resulting ]-----------------------\n"
                + md5("hello world\n") + "\n\nGlobal response time for [/] = ");
    }

    @Test
    void failuresAreReportedAsGenhashDoes() throws Exception {
        response.set("no header end");
        Run noData = run("-s", "127.0.0.1", "-p", port(), "-u", "/");
        assertThat(noData.err()).isEqualTo("no data received from remote webserver\n");
        assertThat(noData.code()).isZero();
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThat(run("-s", "127.0.0.1", "-p", String.valueOf(closed), "-u", "/").out()).isEqualTo("Connection failed\n");
        Run usage = run("-s", "127.0.0.1", "-u", "/");
        assertThat(usage.code()).isEqualTo(1);
        assertThat(usage.err()).contains("-s server-address -p port -u url");
        assertThat(run("-s", "localhost", "-p", port(), "-u", "/").err()).startsWith("server should be an IP, not localhost");
    }

    /** Same answers as keepalived's own genhash, when it is installed (Debian's keepalived package ships it). */
    @Test
    void matchesKeepalivedsGenhash() throws Exception {
        Path genhash = Path.of("/usr/bin/genhash");
        assumeTrue(Files.isExecutable(genhash), "keepalived's genhash not installed");
        for (String body : new String[] {
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcdeEXTRA",
                "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nabcdeEXTRA",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n",
                "HTTP/1.1 404 Not Found\r\n\r\n<html>missing</html>",
                "HTTP/1.0 200 OK\r\n\r\n"}) {
            response.set(body);
            Process p = new ProcessBuilder(genhash.toString(), "-s", "127.0.0.1", "-p", port(), "-u", "/x")
                    .redirectErrorStream(true).start();
            String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String theirRequest = lastRequest.get();
            Run ours = run("-s", "127.0.0.1", "-p", port(), "-u", "/x");
            assertThat(ours.out()).as(body).isEqualTo(theirs);
            assertThat(lastRequest.get()).isEqualTo(theirRequest);
        }
    }
}
