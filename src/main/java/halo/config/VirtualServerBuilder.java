package halo.config;

import halo.lvs.ForwardingMethod;
import halo.lvs.Protocol;
import static halo.config.ConfigParser.opt;

import halo.config.source.Diagnostic;
import halo.config.source.Statement;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A virtual_server block: its settings, real servers and sorry server, validated by {@link VirtualServerCompletion}. */
final class VirtualServerBuilder implements ParseContext, HasRawSettings {
    private final CheckParser check;
    final VirtualServerAddress address;
    final Statement at;
    Protocol protocol;
    Statement protocolAt;
    String scheduler;
    final List<String> schedFlags = new ArrayList<>();
    ForwardingMethod forwarding;
    Tunnel tunnel;
    Duration persistence;
    InetAddress granularity;
    final InheritedCheckSettings inherited = new InheritedCheckSettings();
    RealServerBuilder sorry;
    boolean sorryInhibit;
    int quorum = 1;
    int hysteresis;
    ScriptCommand quorumUp;
    ScriptCommand quorumDown;
    boolean alpha;
    boolean omega;
    boolean haSuspend;
    final List<RealServerBuilder> realServers = new ArrayList<>();
    final List<RawSetting> raw = new ArrayList<>();
    ProxySettings.ProxyHeader proxyHeader = ProxySettings.ProxyHeader.NONE;
    boolean proxyTransparent;
    int proxyMaxConnections;

    // keepalived's validation of it (see VirtualServerCompletion): done early by the walker or at the end
    boolean completed;
    VirtualServer completion;
    List<Diagnostic> completionWarnings = List.of();
    Throwable completionFailure;

    VirtualServerBuilder(CheckParser check, VirtualServerAddress address, Statement at) {
        this.check = check;
        this.address = address;
        this.at = at;
    }

    /** Its block is closed: nothing changes it any more. */
    @Override
    public void end() {
        if (completesAlone()) {
            check.closedVirtualServers.add(this);
        }
    }

    /** Whether its validation needs nothing declared elsewhere (a group, a track file, a BFD instance). */
    boolean completesAlone() {
        if (address instanceof VirtualServerAddress.Group) {
            return false;
        }
        for (RealServerBuilder rs : realServers) {
            for (CheckerBuilder c : rs.checkers) {
                if (c.kind.equals("FILE_CHECK") || c.kind.equals("BFD_CHECK")) {
                    return false;
                }
            }
        }
        return true;
    }

    void scheduler(Statement s) {
        String v = check.parser.arg(s, 1);
        if (v == null) {
            return;
        }
        if (!CheckParser.SCHEDULERS.contains(v)) {
            check.parser.warn(s, v, "Invalid lvs_scheduler '" + v + "' - ignoring (expected one of rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos)");
            return;
        }
        scheduler = v;
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return check.virtualServerKeywords();
    }

    @Override
    public List<RawSetting> raw() {
        return raw;
    }

    /** The keywords of a virtual_server block: made once per load and shared ({@link CheckParser#virtualServerKeywords}). */
    static Map<String, KeywordHandler> keywordTable(CheckParser check) {
        ConfigParser parser = check.parser;
        Map<String, KeywordHandler> table = new HashMap<>();

        KeywordTable.<VirtualServerBuilder>line(table, "protocol", (b, s) -> {
            String v = parser.arg(s, 1);
            if (v == null) {
                return;
            }
            switch (v.toUpperCase()) {
                case "TCP" -> b.protocol = Protocol.TCP;
                case "UDP" -> b.protocol = Protocol.UDP;
                case "SCTP" -> b.protocol = Protocol.SCTP;
                default -> {
                    parser.warn(s, v, "Unknown protocol " + v + " - ignoring; expected TCP, UDP or SCTP");
                    return;
                }
            }
            b.protocolAt = s;
        });
        KeywordTable.<VirtualServerBuilder>line(table, "lb_algo", (b, s) -> b.scheduler(s));
        KeywordTable.<VirtualServerBuilder>line(table, "lvs_sched", (b, s) -> b.scheduler(s));
        KeywordTable.<VirtualServerBuilder>line(table, "lb_kind", (b, s) -> check.method(s, m -> b.forwarding = m, tn -> b.tunnel = tn));
        KeywordTable.<VirtualServerBuilder>line(table, "lvs_method", (b, s) -> check.method(s, m -> b.forwarding = m, tn -> b.tunnel = tn));
        for (String flag : List.of("flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port", "mh-fallback")) {
            KeywordTable.<VirtualServerBuilder>line(table, flag, (b, s) -> {
                String sched = b.scheduler == null ? "" : b.scheduler;
                if ((flag.startsWith("sh-") && !sched.equals("sh")) || (flag.startsWith("mh-") && !sched.equals("mh"))) {
                    parser.warn(s, flag, flag + " only applies to " + flag.substring(0, 2) + " scheduler - ignoring");
                    return;
                }
                if (!b.schedFlags.contains(flag)) {
                    b.schedFlags.add(flag);
                }
            });
        }
        KeywordTable.<VirtualServerBuilder>line(table, "ops", (b, s) -> b.raw.add(new RawSetting("ops", List.of())));
        // Halo's keywords for the userspace proxy (ProxySettings); keepalived would call them unknown
        KeywordTable.<VirtualServerBuilder>line(table, "proxy_protocol", (b, s) -> {
            String v = parser.arg(s, 1);
            if (v == null) return;
            switch (v) {
                case "v1", "1" -> b.proxyHeader = ProxySettings.ProxyHeader.V1;
                case "v2", "2" -> b.proxyHeader = ProxySettings.ProxyHeader.V2;
                default -> parser.warn(s, v, "Invalid proxy_protocol '" + v + "' - ignoring (expected v1 or v2)");
            }
        });
        KeywordTable.<VirtualServerBuilder>line(table, "proxy_transparent", (b, s) -> b.proxyTransparent = true);
        KeywordTable.<VirtualServerBuilder>line(table, "proxy_max_connections", (b, s) -> {
            String v = parser.arg(s, 1);
            if (v == null) return;
            Long n = parser.number(s, v, 0, Integer.MAX_VALUE);
            if (n != null) b.proxyMaxConnections = (int) (long) n;
        });
        KeywordTable.<VirtualServerBuilder>line(table, "persistence_timeout", (b, s) -> {
            String v = opt(s, 1);
            if (v == null) {
                b.persistence = Duration.ofSeconds(360);
                return;
            }
            Long n = parser.number(s, v, 1, 2678400); // IPVS: at most 31 days
            if (n != null) {
                b.persistence = Duration.ofSeconds(n);
            } else {
                parser.warn(s, v, "persistence_timeout invalid");
            }
        });
        KeywordTable.<VirtualServerBuilder>line(table, "persistence_granularity", (b, s) -> {
            String v = parser.arg(s, 1);
            if (v == null) {
                return;
            }
            if (v.chars().allMatch(Character::isDigit) && !v.isEmpty()) {
                Long len = parser.number(s, v, 1, 128);
                if (len != null) {
                    b.granularity = check.prefixMask((int) (long) len, len > 32);
                }
            } else {
                b.granularity = parser.address(s, v, "persistence_granularity netmask");
            }
        });
        check.inheritedKeywords(table, c -> ((VirtualServerBuilder) c).inherited, "virtual server");
        KeywordTable.<VirtualServerBuilder>line(table, "sorry_server", (b, s) -> {
            InetAddress a = parser.cutAddress(s, 1, "sorry_server address");
            if (a == null) {
                return;
            }
            Integer port = opt(s, 2) == null ? Integer.valueOf(0) : parser.integer(s, 2, 0, 65535);
            b.sorry = new RealServerBuilder(check, a, port == null ? 0 : port, s, b);
        });
        KeywordTable.<VirtualServerBuilder>line(table, "sorry_server_inhibit", (b, s) -> {
            if (b.sorry == null) {
                parser.warn(s, s.keyword(), "Ignoring sorry_server inhibit used before or without sorry_server");
                return;
            }
            b.sorryInhibit = parser.bool(s, 1);
        });
        KeywordTable.<VirtualServerBuilder>line(table, "sorry_server_lvs_method", (b, s) -> {
            if (b.sorry == null) {
                parser.warn(s, s.keyword(), "sorry_server_lvs_method before sorry_server - ignoring");
                return;
            }
            check.method(s, m -> b.sorry.forwarding = m, tn -> b.sorry.tunnel = tn);
        });
        KeywordTable.<VirtualServerBuilder>line(table, "quorum", (b, s) -> {
            String v = parser.arg(s, 1);
            Long n = parser.number(s, v, 1, 4294967295L);
            if (n != null) {
                b.quorum = (int) Math.min(n, Integer.MAX_VALUE);
            } else if (v != null) {
                parser.warn(s, v, "Quorum " + v + " must be in [1, 4294967295]. Setting to 1.");
                b.quorum = 1;
            }
        });
        KeywordTable.<VirtualServerBuilder>line(table, "hysteresis", (b, s) -> {
            Integer v = parser.integer(s, 1, 0, Integer.MAX_VALUE);
            if (v != null) {
                b.hysteresis = v;
            }
        });
        KeywordTable.<VirtualServerBuilder>line(table, "quorum_up", (b, s) -> b.quorumUp = parser.script(s, 1));
        KeywordTable.<VirtualServerBuilder>line(table, "quorum_down", (b, s) -> b.quorumDown = parser.script(s, 1));
        KeywordTable.<VirtualServerBuilder>line(table, "alpha", (b, s) -> b.alpha = parser.bool(s, 1));
        KeywordTable.<VirtualServerBuilder>line(table, "omega", (b, s) -> b.omega = parser.bool(s, 1));
        KeywordTable.<VirtualServerBuilder>line(table, "ha_suspend", (b, s) -> b.haSuspend = parser.bool(s, 1));
        KeywordTable.<VirtualServerBuilder>raw(table, "smtp_alert", "ip_family", "weight", "hashed",
                "persistence_engine", "snmp_name");
        // kept for dump-conf, not acted on: no mail, no SNMP, no IPVS persistence engine (sip), and hashed and a
        // virtual server's weight change nothing in Halo's tables
        KeywordTable.unused(table, "smtp_alert", "ip_family", "weight", "hashed", "persistence_engine", "snmp_name");
        KeywordTable.<VirtualServerBuilder>block(table, "real_server", (b, s) -> {
            String text = parser.arg(s, 1); // alone: keepalived stops, missing a parameter
            if (text == null) {
                return null;
            }
            InetAddress a = Addresses.parseCut(text);
            if (a == null) {
                parser.warn(s, opt(s, 1), "Invalid real server ip address/port " + opt(s, 1) + "/"
                        + (s.words().size() > 2 ? s.words().get(2) : "") + " - skipping");
                return null;
            }
            Integer port = opt(s, 2) == null ? Integer.valueOf(0) : parser.integer(s, 2, 0, 65535);
            if (port == null) {
                return null;
            }
            RealServerBuilder rs = new RealServerBuilder(check, a, port, s, b);
            b.realServers.add(rs);
            return rs;
        });
        return table;
    }
}
