package halo.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpProbeTest {

    static final Duration TIMEOUT = Duration.ofMillis(800);
    TestWebServer web;

    @BeforeEach
    void start() throws Exception {
        web = new TestWebServer(InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws Exception {
        web.close();
    }

    static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    HttpProbe probe(HttpProtocol protocol, Optional<String> vhost, HttpUrl... urls) {
        return new HttpProbe(ConnectOptions.to(web.address(), TIMEOUT), false, protocol, vhost, false, List.of(urls));
    }

    @Test
    void sendsTheRequestKeepalivedSends() {
        probe(HttpProtocol.HTTP_1_0, Optional.empty(), HttpUrl.of("/health")).check(0);
        probe(HttpProtocol.HTTP_1_0C, Optional.of("checker.example"), HttpUrl.of("/a?b=c")).check(0);
        probe(HttpProtocol.HTTP_1_1, Optional.of("checker.example"),
                HttpUrl.of("/x").withVirtualhost("url.example")).check(0);
        int port = web.port();
        assertThat(web.requests).containsExactly(
                "GET /health HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
                "GET /a?b=c HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: checker.example\r\n\r\n",
                "GET /x HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: url.example\r\n\r\n");
    }

    @Test
    void ipv6HostHeaderIsBracketed() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (TestWebServer web6 = new TestWebServer(v6)) {
            var p = new HttpProbe(ConnectOptions.to(web6.address(), TIMEOUT), false, HttpProtocol.HTTP_1_0,
                    Optional.empty(), false, List.of(HttpUrl.of("/")));
            assertThat(p.check(0).success()).isTrue();
            assertThat(web6.requests.getFirst()).contains("Host: [::1]:" + web6.port() + "\r\n");
        }
    }

    @Test
    void statusCodesDefaultTo2xxAndAcceptListsAndRanges() {
        HttpUrl def = HttpUrl.of("/");
        HttpUrl custom = HttpUrl.of("/").withStatusCodes(StatusCodes.parse(List.of("200", "301-302", "503")));
        record Case(int status, boolean byDefault, boolean byCustom) {}
        for (Case c : List.of(new Case(200, true, true), new Case(204, true, false), new Case(301, false, true),
                new Case(302, false, true), new Case(404, false, false), new Case(503, false, true),
                new Case(500, false, false))) {
            web.respond(TestWebServer.response(c.status, "X", "body"));
            assertThat(probe(HttpProtocol.HTTP_1_0, Optional.empty(), def).check(0).success())
                    .as("%d default", c.status).isEqualTo(c.byDefault);
            assertThat(probe(HttpProtocol.HTTP_1_0, Optional.empty(), custom).check(0).success())
                    .as("%d custom", c.status).isEqualTo(c.byCustom);
        }
        ProbeResult bad = probe(HttpProtocol.HTTP_1_0, Optional.empty(), def).check(0);
        assertThat(bad.detail()).isEqualTo("HTTP status code error to server [127.0.0.1]:tcp:" + web.port() + ".");
    }

    @Test
    void statusLineWithoutReasonPhraseSpaceIsRejectedLikeKeepalived() {
        web.respond("HTTP/1.0 200\r\n\r\nbody");
        assertThat(probe(HttpProtocol.HTTP_1_0, Optional.empty(), HttpUrl.of("/")).check(0).success()).isFalse();
    }

    @Test
    void digestIsMd5OfTheBodyWithHeadersStripped() throws Exception {
        web.respond(TestWebServer.ok("hello world\n"));
        HttpUrl good = HttpUrl.of("/").withDigest(md5("hello world\n"));
        HttpUrl bad = HttpUrl.of("/").withDigest(md5("something else"));
        assertThat(probe(HttpProtocol.HTTP_1_0, Optional.empty(), good).check(0))
                .extracting(ProbeResult::success, ProbeResult::detail)
                .containsExactly(true, "MD5 digest success to [127.0.0.1]:tcp:" + web.port() + " url(/)");
        ProbeResult r = probe(HttpProtocol.HTTP_1_0, Optional.empty(), bad).check(0);
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).startsWith("MD5 digest error to server");
    }

    @Test
    void bodyHashingFollowsKeepalivedForContentLengthAndChunking() throws Exception {
        var p = probe(HttpProtocol.HTTP_1_1, Optional.empty(), HttpUrl.of("/"));
        web.respond("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcdeEXTRA");
        assertThat(p.fetch(HttpUrl.of("/")).digestHex()).isEqualTo(md5("abcde"));
        web.respond("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nabcdeEXTRA"); // case-sensitive in keepalived
        assertThat(p.fetch(HttpUrl.of("/")).digestHex()).isEqualTo(md5("abcdeEXTRA"));
        web.respond("HTTP/1.1 200 OK\r\nContent-Length:5 \r\n\r\nabcdeEXTRA");
        assertThat(p.fetch(HttpUrl.of("/")).digestHex()).isEqualTo(md5("abcdeEXTRA"));
        web.respond("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n");
        assertThat(p.fetch(HttpUrl.of("/")).digestHex()).isEqualTo(md5("5\r\nabcde\r\n0\r\n\r\n"));
        web.respond("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nabcde");
        assertThat(p.fetch(HttpUrl.of("/")).digestHex()).isEqualTo(md5("abcde"));
        web.respond("HTTP/1.1 200 OK\r\n\r\n");
        assertThat(p.fetch(HttpUrl.of("/")).digestHex()).isEqualTo(md5(""));
    }

    @Test
    void slowAndDrippingServersWithinTheTimeoutPass() throws Exception {
        web.respond(TestWebServer.ok("a body that arrives in small pieces"));
        web.drip(3);
        HttpUrl url = HttpUrl.of("/").withDigest(md5("a body that arrives in small pieces"));
        assertThat(probe(HttpProtocol.HTTP_1_0, Optional.empty(), url).check(0).success()).isTrue();
        web.drip(0);
        web.delay(300); // each step is bounded by the timeout (800 ms), not the whole fetch
        assertThat(probe(HttpProtocol.HTTP_1_0, Optional.empty(), url).check(0).success()).isTrue();
        web.delay(1500);
        ProbeResult late = probe(HttpProtocol.HTTP_1_0, Optional.empty(), url).check(0);
        assertThat(late.success()).isFalse();
        assertThat(late.detail()).startsWith("Timeout WEB read server");
    }

    @Test
    void aResponseWithoutHeaderEndIsNoData() {
        web.respond("garbage without header end");
        ProbeResult r = probe(HttpProtocol.HTTP_1_0, Optional.empty(), HttpUrl.of("/")).check(0);
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).startsWith("Read, no data received from server");
    }

    @Test
    void regexMustMatchOrWithNoMatchMustNot() {
        web.respond(TestWebServer.ok("status: healthy, load 0.5"));
        HttpUrl match = HttpUrl.of("/").withRegex(HttpUrl.Regex.of("health[a-z]+"));
        HttpUrl miss = HttpUrl.of("/").withRegex(HttpUrl.Regex.of("sick"));
        HttpUrl noMatch = HttpUrl.of("/").withRegex(new HttpUrl.Regex(
                java.util.regex.Pattern.compile("sick"), true, 0, -1));
        HttpUrl beyondMax = HttpUrl.of("/").withRegex(new HttpUrl.Regex(
                java.util.regex.Pattern.compile("healthy"), false, 0, 3));
        HttpUrl fromMin = HttpUrl.of("/").withRegex(new HttpUrl.Regex(
                java.util.regex.Pattern.compile("status"), false, 2, -1));
        assertThat(probe(HttpProtocol.HTTP_1_0, Optional.empty(), match).check(0).detail()).startsWith("Regex match success");
        assertThat(probe(HttpProtocol.HTTP_1_0, Optional.empty(), miss).check(0).detail()).startsWith("Regex match failed");
        assertThat(probe(HttpProtocol.HTTP_1_0, Optional.empty(), noMatch).check(0).success()).isTrue();
        assertThat(probe(HttpProtocol.HTTP_1_0, Optional.empty(), beyondMax).check(0).success()).isFalse();
        assertThat(probe(HttpProtocol.HTTP_1_0, Optional.empty(), fromMin).check(0).success()).isFalse();
    }

    @Test
    void hungServerFailsWithinTheTimeout() {
        web.mode(TestWebServer.Mode.HANG);
        long t0 = System.nanoTime();
        ProbeResult r = probe(HttpProtocol.HTTP_1_0, Optional.empty(), HttpUrl.of("/")).check(0);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).startsWith("Timeout WEB read server");
        assertThat(ms).isBetween(TIMEOUT.toMillis() - 50, TIMEOUT.toMillis() + 1000);
    }

    @Test
    void refusedConnectionFails() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        var p = new HttpProbe(ConnectOptions.to(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT),
                false, HttpProtocol.HTTP_1_0, Optional.empty(), false, List.of(HttpUrl.of("/")));
        assertThat(p.check(0).detail()).isEqualTo("Connection failed server [127.0.0.1]:tcp:" + port + ".");
    }

    @Test
    void sslGetWithAndWithoutSni() throws Exception {
        try (TestWebServer tls = new TestWebServer(InetAddress.getLoopbackAddress(), SelfSignedTls.serverContext())) {
            tls.respond(TestWebServer.ok("secure body"));
            HttpUrl url = HttpUrl.of("/").withDigest(md5("secure body"));
            var noSni = new HttpProbe(ConnectOptions.to(tls.address(), Duration.ofSeconds(5)), true,
                    HttpProtocol.HTTP_1_0, Optional.of("www.example.com"), false, List.of(url));
            var sni = new HttpProbe(ConnectOptions.to(tls.address(), Duration.ofSeconds(5)), true,
                    HttpProtocol.HTTP_1_1, Optional.of("www.example.com"), true, List.of(url));
            assertThat(noSni.check(0).success()).isTrue();
            assertThat(sni.check(0).success()).isTrue();
            assertThat(tls.sniNames).containsExactly("", "www.example.com");
            assertThat(tls.requests.get(1)).contains("Host: www.example.com\r\n");
            // Plain HTTP against a TLS port fails.
            var plain = new HttpProbe(ConnectOptions.to(tls.address(), TIMEOUT), false, HttpProtocol.HTTP_1_0,
                    Optional.empty(), false, List.of(HttpUrl.of("/")));
            assertThat(plain.check(0).success()).isFalse();
        }
    }
}
