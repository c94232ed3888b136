package halo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import halo.cli.GenhashCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** halo genhash -S against a TLS server, compared with keepalived's genhash when it is installed. */
class GenhashTlsInteropTest {

    static String ours(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new GenhashCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        cl.execute(args);
        return out.toString();
    }

    @Test
    void sslDigestAndSniMatchKeepalived() throws Exception {
        try (TestWebServer tls = new TestWebServer(InetAddress.getLoopbackAddress(), SelfSignedTls.serverContext())) {
            tls.respond("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nsecure body and more");
            String port = String.valueOf(tls.port());
            String mine = ours("-S", "-s", "127.0.0.1", "-p", port, "-u", "/", "-V", "www.example.com", "-I");
            assertThat(mine).isEqualTo(HttpProbeTest.md5("secure body") + "\n");
            assertThat(tls.sniNames).containsExactly("www.example.com");
            assertThat(tls.requests.getFirst()).contains("Host: www.example.com\r\n");

            Path genhash = Path.of("/usr/bin/genhash");
            assumeTrue(Files.isExecutable(genhash), "keepalived's genhash not installed");
            Process p = new ProcessBuilder(genhash.toString(), "-S", "-s", "127.0.0.1", "-p", port, "-u", "/",
                    "-V", "www.example.com", "-I").redirectErrorStream(true).start();
            String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(mine).isEqualTo(theirs);
            assertThat(tls.sniNames).containsExactly("www.example.com", "www.example.com");
            assertThat(tls.requests.get(1)).isEqualTo(tls.requests.getFirst());
        }
    }
}
