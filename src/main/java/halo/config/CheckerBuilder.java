package halo.config;

import static halo.config.ConfigParser.opt;

import halo.config.source.Statement;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A checker block of a real server (TCP_CHECK, HTTP_GET, MISC_CHECK...): the settings of every kind. */
final class CheckerBuilder implements ParseContext {
    private final CheckParser check;
    final String kind;
    final Statement at;
    final RealServerBuilder rs;
    InetAddress connectIp;
    Integer connectPort;
    InetAddress bindTo;
    int bindPort;
    String bindIf;
    int fwmark;
    final InheritedCheckSettings inherited = new InheritedCheckSettings();
    boolean logAllFailures;
    // HTTP
    final List<Checker.Url> urls = new ArrayList<>();
    String httpProtocol = "1.0";
    boolean enableSni;
    boolean fastRecovery;
    // SMTP / DNS
    String helo;
    String dnsType = "SOA";
    String dnsName = ".";
    // MISC
    ScriptCommand misc;
    Duration miscTimeout;
    boolean miscDynamic;
    String miscUser;
    String miscGroup;
    // UDP
    String payload;
    String requireReply;
    int minReply;
    int maxReply;
    // FILE / BFD
    String target;
    Integer weight;
    boolean reverse;

    CheckerBuilder(CheckParser check, String kind, Statement at, RealServerBuilder rs) {
        this.check = check;
        this.kind = kind;
        this.at = at;
        this.rs = rs;
    }

    void weight(Statement s) {
        weight = check.parser.integer(s, 1, -254, 254);
        reverse = "reverse".equals(opt(s, 2));
    }

    String hex(Statement s, String v, boolean wildcards) {
        if (v == null) {
            return null;
        }
        String h = v.startsWith("0x") || v.startsWith("0X") ? v.substring(2) : v;
        for (char c : h.toCharArray()) {
            if (Character.digit(c, 16) < 0 && !(wildcards && (c == 'X' || c == 'x'))) {
                check.parser.warn(s, v, "Invalid hex string '" + v + "' for " + s.keyword() + " - ignoring");
                return null;
            }
        }
        if (h.length() % 2 != 0) {
            check.parser.warn(s, v, "Hex string '" + v + "' for " + s.keyword() + " has an odd number of digits - ignoring");
            return null;
        }
        return h.toLowerCase();
    }

    private Map<String, KeywordHandler> table;

    @Override
    public Map<String, KeywordHandler> keywords() {
        if (table == null) {
            table = check.checkerKeywords(kind); // looked up once per checker, not once per keyword
        }
        return table;
    }

    /**
     * The keywords of a checker block of one kind: made once per load and kind, and shared
     * ({@link CheckParser#checkerKeywords}).
     */
    static Map<String, KeywordHandler> keywordTable(CheckParser check, String kind) {
        ConfigParser parser = check.parser;
        Map<String, KeywordHandler> table = new HashMap<>();

        KeywordTable.<CheckerBuilder>line(table, "connect_ip", (b, s) -> b.connectIp = parser.cutAddress(s, 1, "connect_ip address"));
        KeywordTable.<CheckerBuilder>line(table, "connect_port", (b, s) -> {
            Integer v = parser.integer(s, 1, 1, 65535);
            if (v == null) {
                if (opt(s, 1) != null) { // alone, keepalived stops (missing a parameter, said by integer)
                    parser.warn(s, opt(s, 1), "Invalid checker connect_port '" + opt(s, 1) + "'");
                }
            } else {
                b.connectPort = v;
            }
        });
        KeywordTable.<CheckerBuilder>line(table, "bindto", (b, s) -> b.bindTo = parser.cutAddress(s, 1, "bindto address"));
        KeywordTable.<CheckerBuilder>line(table, "bind_port", (b, s) -> {
            Integer v = parser.integer(s, 1, 0, 65535);
            if (v != null) {
                b.bindPort = v;
            }
        });
        KeywordTable.<CheckerBuilder>line(table, "bind_if", (b, s) -> b.bindIf = parser.arg(s, 1));
        KeywordTable.<CheckerBuilder>line(table, "fwmark", (b, s) -> {
            Long v = parser.number(s, parser.arg(s, 1), 0, 0xffffffffL);
            if (v != null) {
                b.fwmark = (int) (long) v;
            }
        });
        KeywordTable.<CheckerBuilder>line(table, "connect_timeout", (b, s) -> {
            Duration d = check.connectTimeout(s, "");
            if (d != null) {
                b.inherited.connectTimeout = d;
            }
        });
        KeywordTable.<CheckerBuilder>line(table, "retry", (b, s) -> {
            Integer n = check.retry(s);
            if (n != null) {
                b.inherited.retry = n;
            }
        });
        KeywordTable.<CheckerBuilder>line(table, "delay_before_retry", (b, s) -> b.inherited.delayBeforeRetry = parser.seconds(s, 1));
        KeywordTable.<CheckerBuilder>line(table, "warmup", (b, s) -> b.inherited.warmup = parser.seconds(s, 1));
        KeywordTable.<CheckerBuilder>line(table, "delay_loop", (b, s) -> b.inherited.delayLoop = parser.seconds(s, 1));
        KeywordTable.<CheckerBuilder>line(table, "alpha", (b, s) -> b.inherited.alpha = parser.bool(s, 1));
        KeywordTable.<CheckerBuilder>line(table, "log_all_failures", (b, s) -> b.logAllFailures = parser.bool(s, 1));
        switch (kind) {
            case "HTTP_GET", "SSL_GET" -> {
                KeywordTable.<CheckerBuilder>line(table, "nb_get_retry", (b, s) -> {
                    parser.warn(s, "nb_get_retry", "nb_get_retry is deprecated - please use 'retry'");
                    b.inherited.retry = parser.integer(s, 1, 0, Integer.MAX_VALUE);
                });
                KeywordTable.<CheckerBuilder>block(table, "url", (b, s) -> new UrlBuilder(check, b, s));
                KeywordTable.<CheckerBuilder>line(table, "http_protocol", (b, s) -> {
                    String v = parser.arg(s, 1);
                    if (v != null && Set.of("1.0", "1.0C", "1.0c", "1.1").contains(v)) {
                        b.httpProtocol = v.toUpperCase();
                    } else if (v != null) {
                        parser.warn(s, v, "Invalid http_protocol " + v + " - expected 1.0, 1.0C or 1.1");
                    }
                });
                KeywordTable.<CheckerBuilder>line(table, "virtualhost", (b, s) -> b.inherited.virtualhost = parser.arg(s, 1));
                KeywordTable.<CheckerBuilder>line(table, "enable_sni", (b, s) -> b.enableSni = parser.bool(s, 1));
                KeywordTable.<CheckerBuilder>line(table, "fast_recovery", (b, s) -> b.fastRecovery = parser.bool(s, 1));
            }
            case "SMTP_CHECK" -> {
                KeywordTable.<CheckerBuilder>line(table, "helo_name", (b, s) -> b.helo = parser.arg(s, 1));
            }
            case "DNS_CHECK" -> {
                KeywordTable.<CheckerBuilder>line(table, "type", (b, s) -> {
                    String v = parser.arg(s, 1);
                    if (v != null && Set.of("A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA").contains(v.toUpperCase())) {
                        b.dnsType = v.toUpperCase();
                    } else if (v != null) {
                        parser.warn(s, v, "Unknown DNS check type " + v + " - expected A, NS, CNAME, SOA, MX, TXT or AAAA; using SOA");
                    }
                });
                KeywordTable.<CheckerBuilder>line(table, "name", (b, s) -> b.dnsName = parser.arg(s, 1));
            }
            case "MISC_CHECK" -> {
                KeywordTable.<CheckerBuilder>line(table, "misc_path", (b, s) -> b.misc = parser.script(s, 1));
                KeywordTable.<CheckerBuilder>line(table, "misc_timeout", (b, s) -> {
                    Duration d = parser.wholeSeconds(s, 0, Integer.MAX_VALUE, "Invalid misc_timeout value '%s'");
                    if (d != null) {
                        b.miscTimeout = d;
                    }
                });
                KeywordTable.<CheckerBuilder>line(table, "misc_dynamic", (b, s) -> b.miscDynamic = true);
                KeywordTable.<CheckerBuilder>line(table, "user", (b, s) -> {
                    b.miscUser = parser.arg(s, 1);
                    b.miscGroup = opt(s, 2);
                });
            }
            case "UDP_CHECK" -> {
                KeywordTable.<CheckerBuilder>line(table, "payload", (b, s) -> b.payload = b.hex(s, parser.arg(s, 1), false));
                KeywordTable.<CheckerBuilder>line(table, "require_reply", (b, s) ->
                        b.requireReply = opt(s, 1) == null ? "" : b.hex(s, opt(s, 1), true));
                KeywordTable.<CheckerBuilder>line(table, "min_reply_length", (b, s) -> {
                    Integer v = parser.integer(s, 1, 0, 65535);
                    if (v != null) {
                        b.minReply = v;
                    }
                });
                KeywordTable.<CheckerBuilder>line(table, "max_reply_length", (b, s) -> {
                    Integer v = parser.integer(s, 1, 0, 65535);
                    if (v != null) {
                        b.maxReply = v;
                    }
                });
            }
            case "FILE_CHECK" -> {
                KeywordTable.<CheckerBuilder>line(table, "track_file", (b, s) -> b.target = parser.arg(s, 1));
                KeywordTable.<CheckerBuilder>line(table, "weight", (b, s) -> b.weight(s));
            }
            case "BFD_CHECK" -> {
                KeywordTable.<CheckerBuilder>line(table, "name", (b, s) -> b.target = parser.arg(s, 1));
                // keepalived 2.2.7: no weight in BFD_CHECK (the bfd_instance has one)
            }
            default -> {}
        }
        // keepalived 2.2.7 installs the connection keywords only for checkers that connect; FILE_CHECK and
        // BFD_CHECK take none of the common keywords (BFD_CHECK keeps alpha)
        if (!CheckParser.CONNECTING.contains(kind)) {
            table.keySet().removeAll(List.of("connect_ip", "connect_port", "bindto", "bind_port", "bind_if", "fwmark",
                    "connect_timeout"));
        }
        if (kind.equals("FILE_CHECK") || kind.equals("BFD_CHECK")) {
            table.keySet().removeAll(List.of("retry", "delay_before_retry", "warmup", "delay_loop", "log_all_failures"));
        }
        if (kind.equals("FILE_CHECK")) {
            table.remove("alpha");
        }
        if (table.containsKey("log_all_failures")) {
            KeywordTable.unused(table, "log_all_failures");
        }
        if (kind.equals("SMTP_CHECK")) {
            // keepalived's older form: one host block per address to check; Halo checks the real server's address
            KeywordTable.unusedBlocks(table, "host");
        }
        return table;
    }
}
