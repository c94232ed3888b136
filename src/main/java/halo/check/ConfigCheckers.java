package halo.check;

import halo.config.KeepalivedConfig;
import halo.config.RealServer;
import halo.config.TrackFile;
import halo.config.VirtualServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds runnable checkers from the parsed configuration (halo.config), whose checker records already carry
 * keepalived's resolved values (virtual server -> real server -> checker).
 */
public final class ConfigCheckers {
    private ConfigCheckers() {}

    /** The caller's identity for a checker by position (e.g. halo.lvs.CheckerId::new). */
    @FunctionalInterface
    public interface Keys {
        Object key(int virtualServer, int realServer, int checker);
    }

    /** A checker the configuration has but Halo cannot run (BFD_CHECK, unknown track_file...), and why. */
    public record Skipped(Object key, String reason) {}

    /**
     * @param warnings options Halo accepts but cannot apply: fwmark (SO_MARK) on checker sockets, and bind_if on
     *                 TCP-based checkers unless the destination is link-local IPv6 (where it is the scope)
     */
    public record Built(List<CheckerSpec> specs, List<Skipped> skipped, List<String> warnings, List<String> errors) {
        public Built(List<CheckerSpec> specs, List<Skipped> skipped, List<String> warnings) {
            this(specs, skipped, warnings, List.of());
        }

        /**
         * keepalived's lines for a configuration its checker process cannot run (the SSL{} block of an SSL_GET cannot
         * be loaded: keepalived's checker process stops); empty when it can.
         */
        public List<String> errors() {
            return errors;
        }
    }

    /** Every checker of every real server, in configuration order. */
    public static Built build(KeepalivedConfig config, Keys keys) {
        List<CheckerSpec> specs = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        // keepalived builds its one SSL context (the SSL{} block) when some checker is an SSL_GET
        javax.net.ssl.SSLContext tls = TlsClient.defaultContext();
        boolean sslGet = config.virtualServers().stream().flatMap(vs -> vs.realServers().stream())
                .flatMap(rs -> rs.checkers().stream())
                .anyMatch(c -> c instanceof halo.config.Checker.Http h && h.ssl());
        if (sslGet) {
            try {
                tls = TlsClient.context(config.ssl());
            } catch (TlsClient.SetupException e) {
                errors.addAll(e.logLines());
            }
        }
        List<VirtualServer> vss = config.virtualServers();
        for (int v = 0; v < vss.size(); v++) {
            List<RealServer> rss = vss.get(v).realServers();
            for (int r = 0; r < rss.size(); r++) {
                List<halo.config.Checker> cs = rss.get(r).checkers();
                for (int c = 0; c < cs.size(); c++) {
                    Object key = keys.key(v, r, c);
                    warnings.addAll(unsupported(cs.get(c)));
                    try {
                        specs.add(spec(key, withScriptUser(cs.get(c), config), rss.get(r), config.trackFiles(), tls));
                    } catch (IllegalArgumentException | UnsupportedOperationException e) {
                        skipped.add(new Skipped(key, e.getMessage()));
                    }
                }
            }
        }
        return new Built(specs, skipped, warnings, errors);
    }

    /**
     * MISC_CHECK without its own user runs as the global script_user (and script group), else as
     * keepalived_script when that user exists, else as root, as keepalived does.
     */
    static halo.config.Checker withScriptUser(halo.config.Checker checker, KeepalivedConfig config) {
        if (!(checker instanceof halo.config.Checker.Misc m) || m.script().user() != null) return checker;
        String user = config.global() != null ? config.global().scriptUser() : null;
        String group = config.global() != null ? config.global().scriptGroup() : null;
        if (user == null && userExists("keepalived_script")) user = "keepalived_script";
        if (user == null) return checker;
        return new halo.config.Checker.Misc(m.common(), new halo.config.ScriptCommand(m.script().commandLine(), user,
                group), m.timeout(), m.dynamic());
    }

    private static boolean userExists(String name) {
        try {
            return java.nio.file.Files.readAllLines(Path.of("/etc/passwd")).stream()
                    .anyMatch(l -> l.startsWith(name + ":"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static List<String> unsupported(halo.config.Checker checker) {
        List<String> w = new ArrayList<>();
        halo.config.Checker.Common c = checker.common();
        String name = checker.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
        if (c.fwmark() != 0) w.add(name + " fwmark " + c.fwmark() + " is not applied (no SO_MARK on Java sockets)");
        boolean nativeSocket = checker instanceof halo.config.Checker.Udp;
        boolean linkLocal = c.connectIp() instanceof java.net.Inet6Address a && a.isLinkLocalAddress();
        if (c.bindInterface() != null && !nativeSocket && !linkLocal) {
            w.add(name + " bind_if " + c.bindInterface() + " is not applied (no SO_BINDTODEVICE on Java sockets)");
        }
        return w;
    }

    public static CheckTiming timing(halo.config.Checker.Common c) {
        return new CheckTiming(c.delayLoop(), c.connectTimeout(), c.retry(), c.delayBeforeRetry(), c.warmup(),
                c.alpha());
    }

    public static ConnectOptions connectOptions(halo.config.Checker.Common c) {
        InetSocketAddress bind = null;
        if (c.bindTo() != null || c.bindPort() != 0) {
            InetAddress a = c.bindTo();
            bind = a != null ? new InetSocketAddress(a, c.bindPort()) : new InetSocketAddress(c.bindPort());
        }
        return new ConnectOptions(new InetSocketAddress(c.connectIp(), c.connectPort()), bind, c.bindInterface(),
                c.connectTimeout());
    }

    /** One checker block as a runnable spec. */
    public static CheckerSpec spec(Object key, halo.config.Checker checker, RealServer rs, List<TrackFile> trackFiles) {
        return spec(key, checker, rs, trackFiles, TlsClient.defaultContext());
    }

    /** As above; an SSL_GET uses {@code tls} (the SSL{} block applied, {@link TlsClient#context}). */
    public static CheckerSpec spec(Object key, halo.config.Checker checker, RealServer rs, List<TrackFile> trackFiles,
                                   javax.net.ssl.SSLContext tls) {
        CheckTiming t = timing(checker.common());
        return switch (checker) {
            case halo.config.Checker.Tcp tcp -> CheckerSpec.tcp(key, t, connectOptions(tcp.common()));
            case halo.config.Checker.Http http -> {
                ConnectOptions co = connectOptions(http.common());
                List<HttpUrl> urls = http.urls().stream().map(ConfigCheckers::url).toList();
                if (urls.isEmpty()) throw new IllegalArgumentException("HTTP/SSL_GET checker has no urls specified");
                HttpProtocol protocol = Optional.ofNullable(HttpProtocol.parse(http.httpProtocol()))
                        .orElse(HttpProtocol.HTTP_1_0);
                HttpProbe probe = new HttpProbe(co, http.ssl(), protocol, Optional.ofNullable(http.virtualhost()),
                        http.enableSni(), urls, tls);
                yield CheckerSpec.http(key, t, probe, http.ssl(), http.fastRecovery(), co);
            }
            case halo.config.Checker.Smtp smtp -> {
                ConnectOptions co = connectOptions(smtp.common());
                yield CheckerSpec.of(key, CheckerType.SMTP_CHECK, t, co, new SmtpProbe(co, smtp.heloName()));
            }
            case halo.config.Checker.Dns dns -> {
                ConnectOptions co = connectOptions(dns.common());
                yield CheckerSpec.of(key, CheckerType.DNS_CHECK, t, co, new DnsProbe(co, dns.type(), dns.name()));
            }
            case halo.config.Checker.Misc misc -> CheckerSpec.misc(key, t,
                    new MiscProbe(misc.script().argv(), misc.timeout(), misc.dynamic(), misc.script().user(),
                            misc.script().group()), rs.weight());
            case halo.config.Checker.Udp udp -> {
                ConnectOptions co = connectOptions(udp.common());
                byte[] payload = udp.payload() == null ? null : HexPattern.parse(udp.payload(), false).data();
                boolean require = udp.requireReply() != null;
                HexPattern reply = require && !udp.requireReply().isBlank()
                        ? HexPattern.parse(udp.requireReply(), true) : null;
                yield CheckerSpec.of(key, CheckerType.UDP_CHECK, t, co,
                        new UdpProbe(co, payload, require, reply, udp.minReplyLength(), udp.maxReplyLength()));
            }
            case halo.config.Checker.Ping ping -> {
                ConnectOptions co = connectOptions(ping.common());
                yield CheckerSpec.of(key, CheckerType.PING_CHECK, t, co, new PingProbe(co));
            }
            case halo.config.Checker.File file -> {
                TrackFile tf = trackFiles.stream().filter(f -> f.name().equals(file.trackFile())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("track_file " + file.trackFile()
                                + " not found"));
                int weight = file.weight() != null ? file.weight() : tf.weight();
                boolean reverse = file.weight() != null ? file.reverse() : tf.reverse();
                yield CheckerSpec.file(key, new CheckerSpec.TrackedFile(Path.of(tf.file()), weight, reverse));
            }
            case halo.config.Checker.Bfd bfd -> throw new UnsupportedOperationException(
                    "BFD_CHECK " + bfd.name() + " is not supported");
        };
    }

    /**
     * One url block. keepalived (check_http.c url_check) accepts 200-299 when no status_code is written, digest
     * or not.
     */
    static HttpUrl url(halo.config.Checker.Url u) {
        StatusCodes codes = StatusCodes.parse(u.statusCodes().stream()
                .map(r -> r.from() == r.to() ? String.valueOf(r.from()) : r.from() + "-" + r.to()).toList());
        Optional<HttpUrl.Regex> regex = Optional.empty();
        if (u.regex() != null) {
            List<String> options = List.of();
            long min = 0, max = -1;
            for (halo.config.RawSetting s : u.otherSettings()) {
                switch (s.keyword()) {
                    case "regex_options" -> options = s.args();
                    case "regex_min_offset" -> min = parseLong(s.args(), 0);
                    case "regex_max_offset" -> max = parseLong(s.args(), -1);
                    default -> { }
                }
            }
            regex = Optional.of(new HttpUrl.Regex(HttpUrl.Regex.compile(u.regex(), options), u.regexNoMatch(), min,
                    max));
        }
        return new HttpUrl(u.path(), Optional.ofNullable(u.digest()), codes, Optional.ofNullable(u.virtualhost()),
                regex);
    }

    private static long parseLong(List<String> args, long otherwise) {
        try {
            return args.isEmpty() ? otherwise : Long.parseLong(args.getFirst());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
