package halo.config;

import halo.lvs.ForwardingMethod;
import halo.config.source.Statement;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real_server (or sorry_server) of a virtual server: its settings and checkers. */
final class RealServerBuilder implements ParseContext {
    private final CheckParser check;
    final InetAddress address;
    int port;
    final Statement at;
    final VirtualServerBuilder vs;
    Integer weight;
    ForwardingMethod forwarding;
    Tunnel tunnel;
    final InheritedCheckSettings inherited = new InheritedCheckSettings();
    ScriptCommand notifyUp;
    ScriptCommand notifyDown;
    int uthreshold;
    int lthreshold;
    final List<CheckerBuilder> checkers = new ArrayList<>();

    RealServerBuilder(CheckParser check, InetAddress address, int port, Statement at, VirtualServerBuilder vs) {
        this.check = check;
        this.address = address;
        this.port = port;
        this.at = at;
        this.vs = vs;
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return check.realServerKeywords();
    }

    /** The keywords of a real_server block: made once per load and shared ({@link CheckParser#realServerKeywords}). */
    static Map<String, KeywordHandler> keywordTable(CheckParser check) {
        ConfigParser parser = check.parser;
        Map<String, KeywordHandler> table = new HashMap<>();

        KeywordTable.<RealServerBuilder>line(table, "weight", (b, s) -> {
            String v = parser.arg(s, 1);
            Integer w = parser.integer(s, 1, 0, Integer.MAX_VALUE);
            if (w != null) {
                b.weight = w;
            } else if (v != null) {
                parser.warn(s, v, "Real server weight " + v + " is outside range 0-2147483647");
            }
        });
        KeywordTable.<RealServerBuilder>line(table, "lvs_method", (b, s) -> check.method(s, m -> b.forwarding = m, tn -> b.tunnel = tn));
        check.inheritedKeywords(table, c -> ((RealServerBuilder) c).inherited, "real server");
        KeywordTable.<RealServerBuilder>line(table, "notify_up", (b, s) -> b.notifyUp = parser.script(s, 1));
        KeywordTable.<RealServerBuilder>line(table, "notify_down", (b, s) -> b.notifyDown = parser.script(s, 1));
        KeywordTable.<RealServerBuilder>line(table, "uthreshold", (b, s) -> {
            Integer v = parser.integer(s, 1, 0, Integer.MAX_VALUE);
            if (v != null) {
                b.uthreshold = v;
            }
        });
        KeywordTable.<RealServerBuilder>line(table, "lthreshold", (b, s) -> {
            Integer v = parser.integer(s, 1, 0, Integer.MAX_VALUE);
            if (v != null) {
                b.lthreshold = v;
            }
        });
        KeywordTable.<RealServerBuilder>line(table, "smtp_alert", (b, s) -> {});
        for (String kind : List.of("TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "DNS_CHECK", "MISC_CHECK",
                "UDP_CHECK", "PING_CHECK", "FILE_CHECK", "BFD_CHECK")) {
            KeywordTable.<RealServerBuilder>block(table, kind, (b, s) -> {
                CheckerBuilder c = new CheckerBuilder(check, kind, s, b);
                b.checkers.add(c);
                return c;
            });
        }
        // accepted, not acted on: no mail, no SNMP, no BFD; a real server's alpha is its checkers' in Halo
        KeywordTable.unused(table, "smtp_alert", "alpha", "snmp_name", "BFD_CHECK");
        return table;
    }
}
