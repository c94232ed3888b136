package halo.cli;

import halo.check.ConnectOptions;
import halo.check.HttpProbe;
import halo.check.HttpProtocol;
import halo.check.HttpUrl;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * keepalived's genhash ({@code keepalived -T}): fetches a URL as HTTP_GET/SSL_GET do and prints the MD5 digest of
 * the body, the value for a url's {@code digest}. Output and messages as genhash prints them; like genhash, a
 * fetch that fails still exits 0 after saying why.
 */
@Command(name = "genhash", description = "Print the MD5 digest of a URL's body, for HTTP_GET/SSL_GET digest (keepalived's genhash).",
        sortOptions = false)
public final class GenhashCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-S", "--use-ssl"}, description = "Use SSL connection to remote server.")
    boolean ssl;

    @Option(names = {"-I", "--use-sni"}, description = "Use SNI during SSL handshake (uses virtualhost setting; see -V).")
    boolean sni;

    @Option(names = {"-s", "--server"}, paramLabel = "ADDRESS", description = "Use the specified remote server address.")
    String server;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Use the specified remote server port.")
    String port;

    @Option(names = {"-u", "--url"}, paramLabel = "URL", description = "Use the specified remote server url.")
    String url;

    @Option(names = {"-V", "--use-virtualhost"}, paramLabel = "HOST", description = "Use the specified virtualhost in GET query.")
    String virtualhost;

    @Option(names = {"-v", "--verbose"}, description = "Use verbose mode output.")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Display this short inlined help screen.")
    boolean help;

    @Option(names = {"-m", "--fwmark"}, paramLabel = "MARK", description = "Use the specified FW mark (not supported by Halo).")
    String fwmark;

    @Option(names = {"-P", "--protocol"}, paramLabel = "VERSION",
            description = "Use the specified HTTP protocol - '1.0', 1.0c', '1.1'. 1.0c means 1.0 with 'Connection: close'")
    String protocol;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", description = "Timeout in seconds (default 5).")
    String timeout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (server == null || port == null || url == null) return usage(err);
        InetAddress address;
        try {
            // An address literal only (IPv4 dotted or IPv6 with colons): genhash does not resolve names.
            if (!server.contains(":") && !server.matches("[0-9]+(\\.[0-9]+){3}")) throw new UnknownHostException();
            address = InetAddress.getByName(server);
        } catch (UnknownHostException e) {
            err.println("server should be an IP, not " + server);
            return usage(err);
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port);
            if (portNumber <= 0 || portNumber > 65535) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            err.println("invalid port number '" + port + "'");
            return usage(err);
        }
        HttpProtocol proto = HttpProtocol.HTTP_1_0;
        if (protocol != null) {
            proto = HttpProtocol.parse(protocol);
            if (proto == null) {
                err.println("invalid HTTP protocol version '" + protocol + "'");
                return usage(err);
            }
        }
        Duration to = Duration.ofSeconds(5);
        if (timeout != null) {
            try {
                long t = Long.parseLong(timeout.strip());
                if (t <= 0) throw new NumberFormatException();
                to = Duration.ofSeconds(t);
            } catch (NumberFormatException e) {
                err.println("invalid timeout '" + timeout + "'");
                return usage(err);
            }
        }
        if (fwmark != null) {
            err.println("fwmark is not supported by Halo");
            return usage(err);
        }
        ConnectOptions co = ConnectOptions.to(new InetSocketAddress(address, portNumber), to);
        HttpUrl target = HttpUrl.of(url);
        HttpProbe probe = new HttpProbe(co, ssl, proto, Optional.ofNullable(virtualhost), sni, List.of(target));
        long t0 = System.nanoTime();
        HttpProbe.Response r;
        try {
            r = probe.fetch(target, verbose);
        } catch (HttpProbe.FetchException e) {
            if (e.noData()) {
                err.println("no data received from remote webserver");
            } else if (e.getMessage().startsWith("Timeout")) {
                out.println("Connection timed out");
            } else {
                out.println("Connection failed");
            }
            out.flush();
            err.flush();
            return 0;
        }
        if (verbose) {
            byte[] header = r.header().getBytes(StandardCharsets.ISO_8859_1);
            out.print(delimiter("    HTTP Header Buffer    "));
            out.print(dump(header));
            out.print(delimiter(" HTTP Header Ascii Buffer "));
            out.print(r.header());
            out.print("\n");
            if (r.bodyBytes() > 0) {
                byte[] body = r.bodyPrefix();
                if (r.contentLength() >= 0 && body.length > r.contentLength()) {
                    body = java.util.Arrays.copyOf(body, (int) r.contentLength());
                }
                out.print(delimiter("        HTML Buffer        "));
                out.print(dump(body));
            }
            out.print("\n");
            out.print(delimiter("    HTML hash resulting    "));
            out.print(dump(r.md5()));
            out.print(delimiter(" HTML hash final resulting "));
        }
        out.print(r.digestHex() + "\n");
        if (verbose) {
            long us = (System.nanoTime() - t0) / 1000;
            out.print("\nGlobal response time for [" + url + "] = " + us + " usecs\n");
        }
        out.flush();
        return 0;
    }

    private int usage(PrintWriter err) {
        err.print("""
                Usage: halo genhash COMMAND [OPTIONS]
                Commands:
                   -s server-address -p port -u url
                   -S -s server-address -p port -u url
                   -h

                """);
        err.flush();
        spec.commandLine().usage(err);
        return 1;
    }

    static String delimiter(String title) {
        return "-----------------------[" + title + "]-----------------------\n";
    }

    /** keepalived's dump_buffer: decimal offset, 16 octets in hex with a dash after 8, then the printable text. */
    static String dump(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int line = 0; line < b.length; line += 16) {
            sb.append(String.format("%04d  ", line));
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                int at = line + i;
                if (at < b.length) {
                    int v = b[at] & 0xff;
                    sb.append(String.format("%02x ", v));
                    text.append(v >= 0x20 && v < 0x7f ? (char) v : '.');
                } else {
                    sb.append("   ");
                    text.append(' ');
                }
                if (i == 7) sb.append("- ");
            }
            sb.append("  ").append(text).append('\n');
        }
        return sb.toString();
    }
}
