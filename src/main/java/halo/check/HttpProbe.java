package halo.check;

import halo.net.AddressText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP_GET and SSL_GET (keepalived check_http.c / check_ssl.c): one GET per probe, as keepalived writes it, the
 * whole response read to end of stream, then status code, MD5 digest of the body and regex checked in that order.
 *
 * <p>Body handling follows keepalived 2.2.7 as observed with its genhash: the body is everything after the first
 * blank line; "Content-Length:" (exact case, digits followed by CR) limits the bytes hashed; chunked bodies are
 * hashed as received, framing included. Each network step (connect, TLS handshake, each read) is bounded by
 * connect_timeout.
 */
public final class HttpProbe {

    /** Response bytes kept for regex matching; keepalived streams with PCRE2 partial matching instead. */
    static final int MAX_REGEX_BODY = 4 << 20;

    /** A header longer than this without its blank line is never going to end: give up, as at end of stream. */
    static final int MAX_HEADER = 1 << 20;

    private final ConnectOptions options;
    private final boolean ssl;
    private final HttpProtocol protocol;
    private final Optional<String> virtualhost;
    private final boolean enableSni;
    private final List<HttpUrl> urls;
    private final String userAgent;
    /** SSL_GET's context: the SSL{} block's client certificate, if any ({@link TlsClient}). */
    private final SSLContext tls;

    /**
     * @param virtualhost the checker-level Host: the HTTP_GET block's virtualhost, else the real server's, else the
     *                    virtual server's (a url's own virtualhost still wins)
     */
    public HttpProbe(ConnectOptions options, boolean ssl, HttpProtocol protocol, Optional<String> virtualhost,
                     boolean enableSni, List<HttpUrl> urls) {
        this(options, ssl, protocol, virtualhost, enableSni, urls, "KeepAliveClient");
    }

    /** As above, SSL_GET using {@code tls} (from {@link TlsClient#context}: the SSL{} block applied). */
    public HttpProbe(ConnectOptions options, boolean ssl, HttpProtocol protocol, Optional<String> virtualhost,
                     boolean enableSni, List<HttpUrl> urls, SSLContext tls) {
        this(options, ssl, protocol, virtualhost, enableSni, urls, "KeepAliveClient", tls);
    }

    HttpProbe(ConnectOptions options, boolean ssl, HttpProtocol protocol, Optional<String> virtualhost,
              boolean enableSni, List<HttpUrl> urls, String userAgent) {
        this(options, ssl, protocol, virtualhost, enableSni, urls, userAgent, TlsClient.defaultContext());
    }

    HttpProbe(ConnectOptions options, boolean ssl, HttpProtocol protocol, Optional<String> virtualhost,
              boolean enableSni, List<HttpUrl> urls, String userAgent, SSLContext tls) {
        this.options = Objects.requireNonNull(options);
        this.ssl = ssl;
        this.protocol = Objects.requireNonNull(protocol);
        this.virtualhost = Objects.requireNonNull(virtualhost);
        this.enableSni = enableSni;
        this.urls = List.copyOf(urls);
        this.userAgent = userAgent;
        this.tls = Objects.requireNonNull(tls);
    }

    public List<HttpUrl> urls() {
        return urls;
    }

    /** What a fetch returned. {@code md5} covers the body as keepalived hashes it. */
    public record Response(int statusCode, String header, byte[] md5, long bodyBytes, long contentLength,
                           byte[] bodyPrefix) {
        public String digestHex() {
            return HexFormat.of().formatHex(md5);
        }
    }

    /** A fetch failure, with keepalived's wording ("Timeout connecting", "Read error with", ...). */
    public static final class FetchException extends Exception {
        private final boolean noData;

        FetchException(String message, boolean noData) {
            super(message);
            this.noData = noData;
        }

        /** True when the server closed without sending a complete header ("no data received"). */
        public boolean noData() {
            return noData;
        }
    }

    /** The request keepalived sends (check_http.c request_template). */
    public String request(HttpUrl url) {
        Optional<String> vhost = url.virtualhost().or(() -> virtualhost);
        String host;
        if (vhost.isPresent()) {
            host = vhost.get();
        } else {
            String ip = AddressText.format(options.destination().getAddress());
            if (options.destination().getAddress() instanceof Inet6Address) ip = "[" + ip + "]"; // RFC 2732
            host = ip + ":" + options.destination().getPort();
        }
        return "GET " + url.path() + " HTTP/1." + (protocol == HttpProtocol.HTTP_1_1 ? 1 : 0) + "\r\n"
                + "User-Agent: " + userAgent + "\r\n"
                + (protocol == HttpProtocol.HTTP_1_0 ? "" : "Connection: close\r\n")
                + "Host: " + host + "\r\n\r\n";
    }

    /** Probes url number {@code index} and judges the answer as keepalived's http_handle_response does. */
    public ProbeResult check(int index) {
        HttpUrl url = urls.get(index);
        String server = options.format("tcp");
        Response response;
        try {
            response = fetch(url);
        } catch (FetchException e) {
            return ProbeResult.failure(e.getMessage() + " server " + server + ".");
        }
        if (!url.statusCodes().contains(response.statusCode())) {
            return ProbeResult.failure("HTTP status code error to server " + server + ".");
        }
        String what = "HTTP status code";
        if (url.digest().isPresent()) {
            if (!url.digest().get().equals(response.digestHex())) {
                return ProbeResult.failure("MD5 digest error to server " + server + ".");
            }
            what = "MD5 digest";
        }
        if (url.regex().isPresent()) {
            HttpUrl.Regex r = url.regex().get();
            if (regexMatches(r, response.bodyPrefix()) == r.noMatch()) {
                return ProbeResult.failure("Regex match failed server " + server + ".");
            }
            what = "Regex match";
        }
        return ProbeResult.success(what + " success to " + server + " url(" + url.path() + ")");
    }

    static boolean regexMatches(HttpUrl.Regex r, byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int from = (int) Math.min(text.length(), Math.max(0, r.minOffset()));
        Matcher m = r.pattern().matcher(text);
        m.region(from, text.length());
        m.useTransparentBounds(true);
        if (!m.find()) return false;
        return r.maxOffset() < 0 || m.start() <= r.maxOffset();
    }

    /** Connects, sends the GET and reads the response to end of stream. */
    public Response fetch(HttpUrl url) throws FetchException {
        return fetch(url, url.regex().isPresent());
    }

    /** As {@link #fetch(HttpUrl)}; {@code keepBody} keeps the body (up to 4 MiB) in the response. */
    public Response fetch(HttpUrl url, boolean keepBody) throws FetchException {
        Socket socket;
        try {
            socket = Sockets.connect(options);
        } catch (SocketTimeoutException e) {
            throw new FetchException("Timeout connecting", false);
        } catch (IOException e) {
            throw new FetchException("Connection failed", false);
        }
        try (Socket s = socket) {
            Socket stream = s;
            if (ssl) {
                try {
                    stream = tls(s, url);
                } catch (SocketTimeoutException e) {
                    throw new FetchException("Timeout connecting", false);
                } catch (IOException e) {
                    throw new FetchException("SSL handshake/communication error connecting to", false);
                }
            }
            try {
                OutputStream out = stream.getOutputStream();
                out.write(request(url).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                throw new FetchException("Cannot send get request to", false);
            }
            try {
                return read(stream.getInputStream(), keepBody);
            } finally {
                // Each check is a fresh TLS session, as keepalived's SSL_new per request: a resumed JSSE session
                // would also leave out a changed SNI name.
                if (stream instanceof SSLSocket tls) tls.getSession().invalidate();
            }
        } catch (IOException e) {
            throw new FetchException("Read error with", false);
        }
    }

    private Response read(InputStream in, boolean keepBody) throws FetchException {
        MessageDigest md5 = md5();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        boolean headerDone = false;
        boolean anyData = false;
        int status = 0;
        long contentLength = -1;
        long bodyBytes = 0;
        String header = "";
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                throw new FetchException(anyData ? "Timeout HTTP read" : "Timeout WEB read", false);
            } catch (SSLException e) {
                if (!headerDone) throw new FetchException("Read error with", false);
                break; // a TLS peer that closes without close_notify: keep what was read, as keepalived does
            } catch (IOException e) {
                throw new FetchException("Read error with", false);
            }
            if (n < 0) break;
            anyData = true;
            int off = 0;
            if (!headerDone) {
                int before = head.size();
                head.write(buf, 0, n);
                byte[] h = head.toByteArray();
                int end = headerEnd(h, Math.max(0, before - 3));
                if (end < 0 && h.length > MAX_HEADER) throw new FetchException("Read, no data received from", true);
                if (end < 0) continue;
                headerDone = true;
                header = new String(h, 0, end, StandardCharsets.ISO_8859_1);
                status = statusCode(h, end);
                contentLength = contentLength(header);
                off = n - (h.length - end);
            }
            int len = n - off;
            long hashable = contentLength < 0 ? len : Math.max(0, Math.min(len, contentLength - bodyBytes));
            md5.update(buf, off, (int) hashable);
            if (keepBody && body.size() < MAX_REGEX_BODY) {
                body.write(buf, off, (int) Math.min(len, MAX_REGEX_BODY - body.size()));
            }
            bodyBytes += len;
        }
        if (!headerDone) throw new FetchException("Read, no data received from", true);
        return new Response(status, header, md5.digest(), bodyBytes, contentLength, body.toByteArray());
    }

    /** Offset just past the first CRLFCRLF at or after {@code from}, or -1 (keepalived's extract_html). */
    static int headerEnd(byte[] b, int from) {
        for (int i = from; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i + 4;
        }
        return -1;
    }

    /**
     * keepalived's extract_status_code: the three digits after the first space of the status line, which must be
     * followed by a space; anything else is 0 (never an accepted code).
     */
    static int statusCode(byte[] b, int size) {
        int i = 0;
        while (i < size && b[i] != ' ' && b[i] != '\r') i++;
        if (i >= size || b[i] != ' ') return 0;
        i++;
        if (i + 3 >= size || b[i] == ' ' || b[i + 3] != ' ') return 0;
        int code = 0;
        for (int k = 0; k < 3; k++) {
            int c = b[i + k];
            if (c < '0' || c > '9') return 0;
            code = code * 10 + (c - '0');
        }
        return code;
    }

    /** "Content-Length:" exactly as keepalived matches it: case-sensitive, digits then end of line; else -1. */
    static long contentLength(String header) {
        int at = header.indexOf("Content-Length:");
        if (at < 0) return -1;
        int i = at + "Content-Length:".length();
        while (i < header.length() && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) i++;
        int start = i;
        long value = 0;
        while (i < header.length() && Character.isDigit(header.charAt(i)) && i - start < 18) {
            value = value * 10 + (header.charAt(i) - '0');
            i++;
        }
        if (i == start) return -1;
        if (i < header.length() && header.charAt(i) != '\r' && header.charAt(i) != '\n') return -1;
        return value;
    }

    private SSLSocket tls(Socket plain, HttpUrl url) throws IOException {
        String host = AddressText.format(options.destination().getAddress());
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, host,
                options.destination().getPort(), true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm(null);
        Optional<String> sni = enableSni ? url.virtualhost().or(() -> virtualhost) : Optional.empty();
        List<javax.net.ssl.SNIServerName> names = List.of();
        if (sni.isPresent()) {
            try {
                names = List.of(new SNIHostName(sni.get()));
            } catch (IllegalArgumentException e) {
                names = List.of(); // not a host name (an address): no SNI, like OpenSSL would refuse it
            }
        }
        p.setServerNames(names);
        s.setSSLParameters(p);
        s.setSoTimeout(options.timeoutMillis());
        s.startHandshake();
        return s;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
