package halo.config;

import halo.config.ConfigParser.Ctx;
import halo.config.ConfigParser.H;
import halo.config.ConfigParser.HasRaw;
import halo.config.source.Diagnostic;
import halo.config.source.Statement;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checker side: virtual_server_group, virtual_server, real_server and the checker blocks. */
final class CheckParser {
    final ConfigParser p;

    CheckParser(ConfigParser p) {
        this.p = p;
    }

    // keyword tables, built once per load and shared by every builder of their kind (a big config has 10,000s)
    private Map<String, H> vsTable;
    private Map<String, H> rsTable;
    private Map<String, H> urlTable;
    private final Map<String, Map<String, H>> checkerTables = new HashMap<>();

    /** Checkers that open a connection and so take connect_ip, connect_port, bindto... */
    static final Set<String> CONNECTING = Set.of("TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "DNS_CHECK",
            "UDP_CHECK", "PING_CHECK");

    /** IPVS schedulers (net/netfilter/ipvs/ip_vs_*.c) keepalived accepts. */
    static final Set<String> SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq",
            "fo", "ovf", "mh", "twos");

    // ---------------------------------------------------------------- virtual_server_group

    VirtualServerGroup group(Statement s) {
        String name = p.duplicateName(s, "virtual_server_group");
        if (name == null) {
            return null;
        }
        List<VirtualServerGroup.Entry> entries = new ArrayList<>();
        for (Statement line : s.block()) {
            List<String> w = line.words();
            if (w.getFirst().equals("fwmark")) {
                Long m = p.number(line, ConfigParser.opt(line, 1), 1, 0xffffffffL);
                if (m != null) {
                    entries.add(new VirtualServerGroup.Fwmark((int) (long) m));
                }
                continue;
            }
            String range = w.getFirst();
            int dash = range.lastIndexOf('-');
            InetAddress first = Addresses.parse(dash < 0 ? range : range.substring(0, dash));
            if (first == null) {
                p.warn(line, range, "Invalid virtual server group IP address " + range + " - skipping");
                continue;
            }
            InetAddress last = first;
            if (dash >= 0) {
                last = VirtualServerGroup.Range.end(first, range.substring(dash + 1));
                if (last == null) {
                    p.warn(line, range, "Invalid virtual server group IP address range " + range + " - skipping");
                    continue;
                }
            }
            int port = 0;
            if (w.size() > 1) {
                Long pt = p.number(line, w.get(1), 0, 65535);
                if (pt == null) {
                    continue;
                }
                port = (int) (long) pt;
            }
            entries.add(new VirtualServerGroup.Range(first, last, port));
        }
        return new VirtualServerGroup(name, entries);
    }

    // ---------------------------------------------------------------- virtual_server

    VsB virtualServer(Statement s) {
        List<String> w = s.words();
        VirtualServerAddress address;
        if (w.size() >= 3 && w.get(1).equals("fwmark")) {
            Long m = p.number(s, w.get(2), 1, 0xffffffffL);
            if (m == null) {
                p.warn(s, w.get(2), "virtual server fwmark '" + w.get(2) + "' invalid - skipping virtual server");
                return null;
            }
            AddressFamily family = w.size() > 3 && w.get(3).equals("inet6") ? AddressFamily.IPV6 : AddressFamily.IPV4;
            address = new VirtualServerAddress.Fwmark((int) (long) m, family);
        } else if (w.size() >= 3 && w.get(1).equals("group")) {
            address = new VirtualServerAddress.Group(w.get(2));
        } else if (w.size() >= 2) {
            InetAddress a = Addresses.parse(w.get(1));
            if (a == null) {
                p.warn(s, w.get(1), "Invalid virtual server IP address/port " + w.get(1) + "/"
                        + (w.size() > 2 ? w.get(2) : "") + " - skipping");
                return null;
            }
            int port = 0;
            if (w.size() >= 3) {
                Long pt = p.number(s, w.get(2), 0, 65535);
                if (pt == null) {
                    p.warn(s, w.get(2), "Invalid virtual server port " + w.get(2) + " - skipping virtual server");
                    return null;
                }
                port = (int) (long) pt;
            }
            address = new VirtualServerAddress.Socket(a, port);
        } else {
            p.warn(s, s.keyword(), "virtual_server needs IP PORT, fwmark N or group NAME - skipping");
            return null;
        }
        return new VsB(address, s);
    }

    /** Checker keywords a virtual or real server may carry, inherited by its checkers. */
    static final class Inherited {
        Duration delayLoop;
        Duration connectTimeout;
        Integer retry;
        Duration delayBeforeRetry;
        Duration warmup;
        String virtualhost;
        Boolean alpha;
        Boolean inhibit;
    }

    /** A timer value, or null after keepalived's "'x' invalid - ignoring" style message. */
    Duration timer(Statement s, String what) {
        String v = p.arg(s, 1);
        Duration d = p.seconds(s, v, 2_147_483d);
        if (v != null && d == null) {
            p.warn(s, v, what + " " + v + " invalid - ignoring");
        }
        return d;
    }

    /** connect_timeout: keepalived wants (0, 4294.967295] seconds. */
    Duration connectTimeout(Statement s, String who) {
        String v = p.arg(s, 1);
        if (v == null) {
            return null;
        }
        Duration d = p.seconds(s, v, 4294.967295);
        if (d != null && d.isZero()) {
            p.warn(s, v, "number '" + v + "' outside range [0.000001, 4294.967295]");
            d = null;
        }
        if (d == null) {
            p.warn(s, v, who + "connect_timeout " + v + " invalid - ignoring");
        }
        return d;
    }

    Integer retry(Statement s) {
        String v = p.arg(s, 1);
        Integer n = p.integer(s, 1, 0, Integer.MAX_VALUE);
        if (v != null && n == null) {
            p.warn(s, v, "Invalid retry connection value '" + v + "'");
        }
        return n;
    }

    void inheritedKeywords(Map<String, H> t, java.util.function.Function<Ctx, Inherited> get, String who) {
        t.put("delay_loop", new ConfigParser.Simple((c, s) -> {
            String v = p.arg(s, 1);
            Duration d = p.seconds(s, v, 2_147_483d);
            if (d != null) {
                get.apply(c).delayLoop = d;
            } else if (v != null) {
                p.warn(s, v, who + " delay loop '" + v + "' invalid - ignoring");
            }
        }));
        t.put("connect_timeout", new ConfigParser.Simple((c, s) -> {
            Duration d = connectTimeout(s, who + " ");
            if (d != null) {
                get.apply(c).connectTimeout = d;
            }
        }));
        t.put("retry", new ConfigParser.Simple((c, s) -> {
            Integer n = retry(s);
            if (n != null) {
                get.apply(c).retry = n;
            }
        }));
        t.put("delay_before_retry", new ConfigParser.Simple((c, s) -> {
            Duration d = timer(s, "delay_before_retry");
            if (d != null) {
                get.apply(c).delayBeforeRetry = d;
            }
        }));
        t.put("warmup", new ConfigParser.Simple((c, s) -> {
            Duration d = timer(s, "warmup");
            if (d != null) {
                get.apply(c).warmup = d;
            }
        }));
        t.put("virtualhost", new ConfigParser.Simple((c, s) -> get.apply(c).virtualhost = p.arg(s, 1)));
        t.put("inhibit_on_failure", new ConfigParser.Simple((c, s) -> get.apply(c).inhibit = p.bool(s, 1)));
    }

    Map<String, H> vsTable() {
        if (vsTable == null) {
            Map<String, H> t = new HashMap<>();

            ConfigParser.<VsB>simple(t, "protocol", (b, s) -> {
                String v = p.arg(s, 1);
                if (v == null) {
                    return;
                }
                switch (v.toUpperCase()) {
                    case "TCP" -> b.protocol = Protocol.TCP;
                    case "UDP" -> b.protocol = Protocol.UDP;
                    case "SCTP" -> b.protocol = Protocol.SCTP;
                    default -> {
                        p.warn(s, v, "Unknown protocol " + v + " - ignoring; expected TCP, UDP or SCTP");
                        return;
                    }
                }
                b.protocolAt = s;
            });
            ConfigParser.<VsB>simple(t, "lb_algo", (b, s) -> b.scheduler(b, s));
            ConfigParser.<VsB>simple(t, "lvs_sched", (b, s) -> b.scheduler(b, s));
            ConfigParser.<VsB>simple(t, "lb_kind", (b, s) -> method(s, m -> b.forwarding = m, tn -> b.tunnel = tn));
            ConfigParser.<VsB>simple(t, "lvs_method", (b, s) -> method(s, m -> b.forwarding = m, tn -> b.tunnel = tn));
            for (String flag : List.of("flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port", "mh-fallback")) {
                ConfigParser.<VsB>simple(t, flag, (b, s) -> {
                    String sched = b.scheduler == null ? "" : b.scheduler;
                    if ((flag.startsWith("sh-") && !sched.equals("sh")) || (flag.startsWith("mh-") && !sched.equals("mh"))) {
                        p.warn(s, flag, flag + " only applies to " + flag.substring(0, 2) + " scheduler - ignoring");
                        return;
                    }
                    if (!b.schedFlags.contains(flag)) {
                        b.schedFlags.add(flag);
                    }
                });
            }
            ConfigParser.<VsB>simple(t, "ops", (b, s) -> b.raw.add(new RawSetting("ops", List.of())));
            ConfigParser.<VsB>simple(t, "persistence_timeout", (b, s) -> {
                String v = ConfigParser.opt(s, 1);
                if (v == null) {
                    b.persistence = Duration.ofSeconds(360);
                    return;
                }
                Long n = p.number(s, v, 1, 2678400); // IPVS: at most 31 days
                if (n != null) {
                    b.persistence = Duration.ofSeconds(n);
                } else {
                    p.warn(s, v, "persistence_timeout invalid");
                }
            });
            ConfigParser.<VsB>simple(t, "persistence_granularity", (b, s) -> {
                String v = p.arg(s, 1);
                if (v == null) {
                    return;
                }
                if (v.chars().allMatch(Character::isDigit) && !v.isEmpty()) {
                    Long len = p.number(s, v, 1, 128);
                    if (len != null) {
                        b.granularity = prefixMask((int) (long) len, len > 32);
                    }
                } else {
                    b.granularity = p.address(s, v, "persistence_granularity netmask");
                }
            });
            inheritedKeywords(t, c -> ((VsB) c).inh, "virtual server");
            ConfigParser.<VsB>simple(t, "nb_get_retry", (b, s) -> p.unknown(s)); // keepalived 2.2.7: unknown here
            ConfigParser.<VsB>simple(t, "sorry_server", (b, s) -> {
                InetAddress a = p.address(s, 1, "sorry_server address");
                if (a == null) {
                    return;
                }
                Integer port = ConfigParser.opt(s, 2) == null ? Integer.valueOf(0) : p.integer(s, 2, 0, 65535);
                b.sorry = new RsB(a, port == null ? 0 : port, s, b);
            });
            ConfigParser.<VsB>simple(t, "sorry_server_inhibit", (b, s) -> {
                if (b.sorry == null) {
                    p.warn(s, s.keyword(), "Ignoring sorry_server inhibit used before or without sorry_server");
                    return;
                }
                b.sorryInhibit = p.bool(s, 1);
            });
            ConfigParser.<VsB>simple(t, "sorry_server_lvs_method", (b, s) -> {
                if (b.sorry == null) {
                    p.warn(s, s.keyword(), "sorry_server_lvs_method before sorry_server - ignoring");
                    return;
                }
                method(s, m -> b.sorry.forwarding = m, tn -> b.sorry.tunnel = tn);
            });
            ConfigParser.<VsB>simple(t, "quorum", (b, s) -> {
                String v = p.arg(s, 1);
                Long n = p.number(s, v, 1, 4294967295L);
                if (n != null) {
                    b.quorum = (int) Math.min(n, Integer.MAX_VALUE);
                } else if (v != null) {
                    p.warn(s, v, "Quorum " + v + " must be in [1, 4294967295]. Setting to 1.");
                    b.quorum = 1;
                }
            });
            ConfigParser.<VsB>simple(t, "hysteresis", (b, s) -> {
                Integer v = p.integer(s, 1, 0, Integer.MAX_VALUE);
                if (v != null) {
                    b.hysteresis = v;
                }
            });
            ConfigParser.<VsB>simple(t, "quorum_up", (b, s) -> b.quorumUp = p.script(s, 1));
            ConfigParser.<VsB>simple(t, "quorum_down", (b, s) -> b.quorumDown = p.script(s, 1));
            ConfigParser.<VsB>simple(t, "alpha", (b, s) -> b.alpha = p.bool(s, 1));
            ConfigParser.<VsB>simple(t, "omega", (b, s) -> b.omega = p.bool(s, 1));
            ConfigParser.<VsB>simple(t, "ha_suspend", (b, s) -> b.haSuspend = p.bool(s, 1));
            ConfigParser.<VsB>raw(t, "smtp_alert", "ip_family", "weight", "one_packet", "lvs_timeouts");
            ConfigParser.<VsB>block(t, "real_server", (b, s) -> {
                InetAddress a = s.words().size() > 1 ? Addresses.parse(s.words().get(1)) : null;
                if (a == null) {
                    p.warn(s, ConfigParser.opt(s, 1), "Invalid real server ip address/port " + ConfigParser.opt(s, 1) + "/"
                            + (s.words().size() > 2 ? s.words().get(2) : "") + " - skipping");
                    return null;
                }
                Integer port = ConfigParser.opt(s, 2) == null ? Integer.valueOf(0) : p.integer(s, 2, 0, 65535);
                if (port == null) {
                    return null;
                }
                RsB rs = new RsB(a, port, s, b);
                b.realServers.add(rs);
                return rs;
            });
                    vsTable = t;
        }
        return vsTable;
    }

    final class VsB implements Ctx, HasRaw {
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
        final Inherited inh = new Inherited();
        RsB sorry;
        boolean sorryInhibit;
        int quorum = 1;
        int hysteresis;
        ScriptCommand quorumUp;
        ScriptCommand quorumDown;
        boolean alpha;
        boolean omega;
        boolean haSuspend;
        final List<RsB> realServers = new ArrayList<>();
        final List<RawSetting> raw = new ArrayList<>();

        // keepalived's validation of it (see Completion): done early by the walker or at the end
        boolean completed;
        VirtualServer completion;
        List<Diagnostic> completionWarnings = List.of();
        Throwable completionFailure;

        VsB(VirtualServerAddress address, Statement at) {
            this.address = address;
            this.at = at;
        }

        /** Its block is closed: nothing changes it any more. */
        @Override
        public void end() {
            if (completesAlone()) {
                closed.add(this);
            }
        }

        /** Whether its validation needs nothing declared elsewhere (a group, a track file, a BFD instance). */
        boolean completesAlone() {
            if (address instanceof VirtualServerAddress.Group) {
                return false;
            }
            for (RsB rs : realServers) {
                for (CheckerB c : rs.checkers) {
                    if (c.kind.equals("FILE_CHECK") || c.kind.equals("BFD_CHECK")) {
                        return false;
                    }
                }
            }
            return true;
        }

        void scheduler(VsB b, Statement s) {
            String v = p.arg(s, 1);
            if (v == null) {
                return;
            }
            if (!SCHEDULERS.contains(v)) {
                p.warn(s, v, "Invalid lvs_scheduler '" + v + "' - ignoring (expected one of rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos)");
                return;
            }
            scheduler = v;
        }

        @Override
        public Map<String, H> table() {
            return vsTable();
        }

        @Override
        public List<RawSetting> raw() {
            return raw;
        }
    }

    static InetAddress prefixMask(int len, boolean v6) {
        byte[] b = new byte[v6 ? 16 : 4];
        for (int i = 0; i < len && i < b.length * 8; i++) {
            b[i / 8] |= (byte) (0x80 >> (i % 8));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    void method(Statement s, java.util.function.Consumer<ForwardingMethod> setMethod,
                java.util.function.Consumer<Tunnel> setTunnel) {
        String v = p.arg(s, 1);
        if (v == null) {
            return;
        }
        switch (v) { // keepalived compares case-sensitively
            case "NAT" -> setMethod.accept(ForwardingMethod.NAT);
            case "DR" -> setMethod.accept(ForwardingMethod.DR);
            case "TUN" -> {
                setMethod.accept(ForwardingMethod.TUN);
                setTunnel.accept(tunnel(s));
            }
            default -> p.warn(s, v, "PARSER : unknown [" + v + "] routing method for virtual server. (expected NAT, DR or TUN)");
        }
    }

    Tunnel tunnel(Statement s) {
        List<String> w = s.words();
        if (w.size() < 4 || !w.get(2).equals("type")) {
            return Tunnel.IPIP;
        }
        String type = w.get(3).toLowerCase();
        switch (type) {
            case "ipip" -> {
                return Tunnel.IPIP;
            }
            case "gue" -> {
                int port = 0;
                String csum = null;
                for (int i = 4; i < w.size(); i++) {
                    if (w.get(i).equals("port") && i + 1 < w.size()) {
                        Long n = p.number(s, w.get(++i), 1, 65535);
                        port = n == null ? 0 : (int) (long) n;
                    } else if (Set.of("nocsum", "csum", "remcsum").contains(w.get(i))) {
                        csum = w.get(i);
                    }
                }
                if (port == 0) {
                    p.warn(s, "gue", "GUE tunnel requires a port - using ipip");
                    return Tunnel.IPIP;
                }
                return new Tunnel(Tunnel.Type.GUE, port, csum);
            }
            case "gre" -> {
                String csum = w.size() > 4 ? w.get(4) : null;
                return new Tunnel(Tunnel.Type.GRE, 0, csum);
            }
            default -> {
                p.warn(s, w.get(3), "Unknown tunnel type " + w.get(3) + " - expected ipip, gue or gre; using ipip");
                return Tunnel.IPIP;
            }
        }
    }

    // ---------------------------------------------------------------- real_server

    Map<String, H> rsTable() {
        if (rsTable == null) {
            Map<String, H> t = new HashMap<>();

            ConfigParser.<RsB>simple(t, "weight", (b, s) -> {
                String v = p.arg(s, 1);
                Integer w = p.integer(s, 1, 0, Integer.MAX_VALUE);
                if (w != null) {
                    b.weight = w;
                } else if (v != null) {
                    p.warn(s, v, "Real server weight " + v + " is outside range 0-2147483647");
                }
            });
            ConfigParser.<RsB>simple(t, "lvs_method", (b, s) -> method(s, m -> b.forwarding = m, tn -> b.tunnel = tn));
            ConfigParser.<RsB>simple(t, "lb_kind", (b, s) -> method(s, m -> b.forwarding = m, tn -> b.tunnel = tn));
            inheritedKeywords(t, c -> ((RsB) c).inh, "real server");
            ConfigParser.<RsB>simple(t, "notify_up", (b, s) -> b.notifyUp = p.script(s, 1));
            ConfigParser.<RsB>simple(t, "notify_down", (b, s) -> b.notifyDown = p.script(s, 1));
            ConfigParser.<RsB>simple(t, "uthreshold", (b, s) -> {
                Integer v = p.integer(s, 1, 0, Integer.MAX_VALUE);
                if (v != null) {
                    b.uthreshold = v;
                }
            });
            ConfigParser.<RsB>simple(t, "lthreshold", (b, s) -> {
                Integer v = p.integer(s, 1, 0, Integer.MAX_VALUE);
                if (v != null) {
                    b.lthreshold = v;
                }
            });
            ConfigParser.<RsB>simple(t, "smtp_alert", (b, s) -> {});
            for (String kind : List.of("TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "DNS_CHECK", "MISC_CHECK",
                    "UDP_CHECK", "PING_CHECK", "ICMP_CHECK", "FILE_CHECK", "BFD_CHECK")) {
                ConfigParser.<RsB>block(t, kind, (b, s) -> {
                    CheckerB c = new CheckerB(kind.equals("ICMP_CHECK") ? "PING_CHECK" : kind, s, b);
                    b.checkers.add(c);
                    return c;
                });
            }
                    rsTable = t;
        }
        return rsTable;
    }

    final class RsB implements Ctx {
        final InetAddress address;
        int port;
        final Statement at;
        final VsB vs;
        Integer weight;
        ForwardingMethod forwarding;
        Tunnel tunnel;
        final Inherited inh = new Inherited();
        ScriptCommand notifyUp;
        ScriptCommand notifyDown;
        int uthreshold;
        int lthreshold;
        final List<CheckerB> checkers = new ArrayList<>();

        RsB(InetAddress address, int port, Statement at, VsB vs) {
            this.address = address;
            this.port = port;
            this.at = at;
            this.vs = vs;
        }

        @Override
        public Map<String, H> table() {
            return rsTable();
        }
    }

    // ---------------------------------------------------------------- checkers

    Map<String, H> checkerTable(String kind) {
        return checkerTables.computeIfAbsent(kind, k -> {
            Map<String, H> t = new HashMap<>();

            ConfigParser.<CheckerB>simple(t, "connect_ip", (b, s) -> b.connectIp = p.address(s, 1, "connect_ip address"));
            ConfigParser.<CheckerB>simple(t, "connect_port", (b, s) -> {
                Integer v = p.integer(s, 1, 1, 65535);
                if (v == null) {
                    p.warn(s, ConfigParser.opt(s, 1), "Invalid checker connect_port '" + ConfigParser.opt(s, 1) + "'");
                } else {
                    b.connectPort = v;
                }
            });
            ConfigParser.<CheckerB>simple(t, "bindto", (b, s) -> b.bindTo = p.address(s, 1, "bindto address"));
            ConfigParser.<CheckerB>simple(t, "bind_port", (b, s) -> {
                Integer v = p.integer(s, 1, 0, 65535);
                if (v != null) {
                    b.bindPort = v;
                }
            });
            ConfigParser.<CheckerB>simple(t, "bind_if", (b, s) -> b.bindIf = p.arg(s, 1));
            ConfigParser.<CheckerB>simple(t, "fwmark", (b, s) -> {
                Long v = p.number(s, p.arg(s, 1), 0, 0xffffffffL);
                if (v != null) {
                    b.fwmark = (int) (long) v;
                }
            });
            ConfigParser.<CheckerB>simple(t, "connect_timeout", (b, s) -> {
                Duration d = connectTimeout(s, "");
                if (d != null) {
                    b.inh.connectTimeout = d;
                }
            });
            ConfigParser.<CheckerB>simple(t, "retry", (b, s) -> {
                Integer n = retry(s);
                if (n != null) {
                    b.inh.retry = n;
                }
            });
            ConfigParser.<CheckerB>simple(t, "delay_before_retry", (b, s) -> b.inh.delayBeforeRetry = p.seconds(s, 1));
            ConfigParser.<CheckerB>simple(t, "warmup", (b, s) -> b.inh.warmup = p.seconds(s, 1));
            ConfigParser.<CheckerB>simple(t, "delay_loop", (b, s) -> b.inh.delayLoop = p.seconds(s, 1));
            ConfigParser.<CheckerB>simple(t, "alpha", (b, s) -> b.inh.alpha = p.bool(s, 1));
            ConfigParser.<CheckerB>simple(t, "log_all_failures", (b, s) -> b.logAllFailures = p.bool(s, 1));
            switch (k) {
                case "HTTP_GET", "SSL_GET" -> {
                    ConfigParser.<CheckerB>simple(t, "nb_get_retry", (b, s) -> {
                        p.warn(s, "nb_get_retry", "nb_get_retry is deprecated - please use 'retry'");
                        b.inh.retry = p.integer(s, 1, 0, Integer.MAX_VALUE);
                    });
                    ConfigParser.<CheckerB>block(t, "url", (b, s) -> new UrlB(b, s));
                    ConfigParser.<CheckerB>simple(t, "http_protocol", (b, s) -> {
                        String v = p.arg(s, 1);
                        if (v != null && Set.of("1.0", "1.0C", "1.0c", "1.1").contains(v)) {
                            b.httpProtocol = v.toUpperCase();
                        } else if (v != null) {
                            p.warn(s, v, "Invalid http_protocol " + v + " - expected 1.0, 1.0C or 1.1");
                        }
                    });
                    ConfigParser.<CheckerB>simple(t, "virtualhost", (b, s) -> b.inh.virtualhost = p.arg(s, 1));
                    ConfigParser.<CheckerB>simple(t, "enable_sni", (b, s) -> b.enableSni = p.bool(s, 1));
                    ConfigParser.<CheckerB>simple(t, "fast_recovery", (b, s) -> b.fastRecovery = p.bool(s, 1));
                }
                case "SMTP_CHECK" -> {
                    ConfigParser.<CheckerB>simple(t, "helo_name", (b, s) -> b.helo = p.arg(s, 1));
                }
                case "DNS_CHECK" -> {
                    ConfigParser.<CheckerB>simple(t, "type", (b, s) -> {
                        String v = p.arg(s, 1);
                        if (v != null && Set.of("A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA").contains(v.toUpperCase())) {
                            b.dnsType = v.toUpperCase();
                        } else if (v != null) {
                            p.warn(s, v, "Unknown DNS check type " + v + " - expected A, NS, CNAME, SOA, MX, TXT or AAAA; using SOA");
                        }
                    });
                    ConfigParser.<CheckerB>simple(t, "name", (b, s) -> b.dnsName = p.arg(s, 1));
                }
                case "MISC_CHECK" -> {
                    ConfigParser.<CheckerB>simple(t, "misc_path", (b, s) -> b.misc = p.script(s, 1));
                    ConfigParser.<CheckerB>simple(t, "misc_timeout", (b, s) -> {
                        Duration d = p.wholeSeconds(s, 0, Integer.MAX_VALUE, "Invalid misc_timeout value '%s'");
                        if (d != null) {
                            b.miscTimeout = d;
                        }
                    });
                    ConfigParser.<CheckerB>simple(t, "misc_dynamic", (b, s) -> b.miscDynamic = true);
                    ConfigParser.<CheckerB>simple(t, "user", (b, s) -> {
                        b.miscUser = p.arg(s, 1);
                        b.miscGroup = ConfigParser.opt(s, 2);
                    });
                }
                case "UDP_CHECK" -> {
                    ConfigParser.<CheckerB>simple(t, "payload", (b, s) -> b.payload = b.hex(s, p.arg(s, 1), false));
                    ConfigParser.<CheckerB>simple(t, "require_reply", (b, s) ->
                            b.requireReply = ConfigParser.opt(s, 1) == null ? "" : b.hex(s, ConfigParser.opt(s, 1), true));
                    ConfigParser.<CheckerB>simple(t, "min_reply_length", (b, s) -> {
                        Integer v = p.integer(s, 1, 0, 65535);
                        if (v != null) {
                            b.minReply = v;
                        }
                    });
                    ConfigParser.<CheckerB>simple(t, "max_reply_length", (b, s) -> {
                        Integer v = p.integer(s, 1, 0, 65535);
                        if (v != null) {
                            b.maxReply = v;
                        }
                    });
                }
                case "FILE_CHECK" -> {
                    ConfigParser.<CheckerB>simple(t, "track_file", (b, s) -> b.target = p.arg(s, 1));
                    ConfigParser.<CheckerB>simple(t, "weight", (b, s) -> b.weight(b, s));
                }
                case "BFD_CHECK" -> {
                    ConfigParser.<CheckerB>simple(t, "name", (b, s) -> b.target = p.arg(s, 1));
                    // keepalived 2.2.7: no weight in BFD_CHECK (the bfd_instance has one)
                }
                default -> {}
            }
                    // keepalived 2.2.7 installs the connection keywords only for checkers that connect; FILE_CHECK and
            // BFD_CHECK take none of the common keywords (BFD_CHECK keeps alpha)
            if (!CONNECTING.contains(k)) {
                t.keySet().removeAll(List.of("connect_ip", "connect_port", "bindto", "bind_port", "bind_if", "fwmark",
                        "connect_timeout"));
            }
            if (k.equals("FILE_CHECK") || k.equals("BFD_CHECK")) {
                t.keySet().removeAll(List.of("retry", "delay_before_retry", "warmup", "delay_loop", "log_all_failures"));
            }
            if (k.equals("FILE_CHECK")) {
                t.remove("alpha");
            }
            return t;
        });
    }

    final class CheckerB implements Ctx {
        final String kind;
        final Statement at;
        final RsB rs;
        InetAddress connectIp;
        Integer connectPort;
        InetAddress bindTo;
        int bindPort;
        String bindIf;
        int fwmark;
        final Inherited inh = new Inherited();
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

        CheckerB(String kind, Statement at, RsB rs) {
            this.kind = kind;
            this.at = at;
            this.rs = rs;
        }

        void weight(CheckerB b, Statement s) {
            weight = p.integer(s, 1, -254, 254);
            reverse = "reverse".equals(ConfigParser.opt(s, 2));
        }

        String hex(Statement s, String v, boolean wildcards) {
            if (v == null) {
                return null;
            }
            String h = v.startsWith("0x") || v.startsWith("0X") ? v.substring(2) : v;
            for (char c : h.toCharArray()) {
                if (Character.digit(c, 16) < 0 && !(wildcards && (c == 'X' || c == 'x'))) {
                    p.warn(s, v, "Invalid hex string '" + v + "' for " + s.keyword() + " - ignoring");
                    return null;
                }
            }
            if (h.length() % 2 != 0) {
                p.warn(s, v, "Hex string '" + v + "' for " + s.keyword() + " has an odd number of digits - ignoring");
                return null;
            }
            return h.toLowerCase();
        }

        private Map<String, H> table;

        @Override
        public Map<String, H> table() {
            if (table == null) {
                table = checkerTable(kind); // looked up once per checker, not once per keyword
            }
            return table;
        }
    }

    Map<String, H> urlTable() {
        if (urlTable == null) {
            Map<String, H> t = new HashMap<>();

            ConfigParser.<UrlB>simple(t, "path", (b, s) -> b.path = p.arg(s, 1));
            ConfigParser.<UrlB>simple(t, "digest", (b, s) -> {
                String v = p.arg(s, 1);
                if (v == null) {
                    return;
                }
                if (v.length() != 32 || !v.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    p.warn(s, v, "digest '" + v + "' is not 32 hex characters (an MD5, as genhash prints) - ignoring");
                    return;
                }
                b.digest = v.toLowerCase();
            });
            ConfigParser.<UrlB>simple(t, "status_code", (b, s) -> {
                for (int i = 1; i < s.words().size(); i++) {
                    String v = s.words().get(i);
                    int dash = v.indexOf('-');
                    Long from = p.number(s, dash < 0 ? v : v.substring(0, dash), 100, 999);
                    Long to = dash < 0 ? from : p.number(s, v.substring(dash + 1), 100, 999);
                    if (from == null || to == null || to < from) {
                        p.warn(s, v, "Invalid HTTP status code (range) '" + v + "' - expected 100-999 or FROM-TO");
                        continue;
                    }
                    b.codes.add(new Checker.StatusRange((int) (long) from, (int) (long) to));
                }
            });
            ConfigParser.<UrlB>simple(t, "virtualhost", (b, s) -> b.virtualhost = p.arg(s, 1));
            ConfigParser.<UrlB>simple(t, "regex", (b, s) -> {
                String v = p.arg(s, 1);
                if (v == null) {
                    return;
                }
                try {
                    java.util.regex.Pattern.compile(v);
                    b.regex = v;
                } catch (java.util.regex.PatternSyntaxException e) {
                    p.warn(s, v, "Invalid regex '" + v + "': " + e.getDescription());
                }
            });
            ConfigParser.<UrlB>simple(t, "regex_no_match", (b, s) -> b.regexNoMatch = true);
            for (String k : List.of("regex_options", "regex_stack", "regex_min_offset", "regex_max_offset")) {
                ConfigParser.<UrlB>simple(t, k, (b, s) -> b.raw.add(new RawSetting(s.keyword(), s.args())));
            }
                    urlTable = t;
        }
        return urlTable;
    }

    final class UrlB implements Ctx {
        final CheckerB checker;
        final Statement at;
        String path;
        String digest;
        final List<Checker.StatusRange> codes = new ArrayList<>();
        String virtualhost;
        String regex;
        boolean regexNoMatch;
        final List<RawSetting> raw = new ArrayList<>();

        UrlB(CheckerB checker, Statement at) {
            this.checker = checker;
            this.at = at;
        }

        @Override
        public Map<String, H> table() {
            return urlTable();
        }

        @Override
        public void end() {
            if (path == null) {
                p.warn(at, "url", "url block has no path - ignoring");
                return;
            }
            List<Checker.StatusRange> sc = codes;
            if (sc.isEmpty() && digest == null && regex == null) {
                sc = List.of(new Checker.StatusRange(200, 299));
            }
            checker.urls.add(new Checker.Url(path, digest, sc, virtualhost, regex, regexNoMatch, raw));
        }
    }

    // ---------------------------------------------------------------- completion (keepalived's validate_check_config)

    /** Fewer virtual servers than this are completed on the calling thread alone (a thread costs more). */
    static final int PARALLEL_COMPLETION = 256;

    /** Closed virtual servers that {@link #completeOneEarly} may validate before the end. */
    private final java.util.ArrayDeque<VsB> closed = new java.util.ArrayDeque<>();
    private Completion early;

    /**
     * Validates one virtual server whose block is closed and whose validation needs nothing declared later (the
     * walker does this while it waits for the reader); false when there is none. Its result and warnings are kept
     * for {@link #complete}, which reports them in order.
     */
    boolean completeOneEarly() {
        VsB vs = closed.poll();
        if (vs == null) {
            return false;
        }
        if (early == null) {
            early = new Completion(List.of(), Set.of(), Set.of());
        }
        early.completeInto(vs);
        return true;
    }

    /**
     * keepalived's validation of every virtual server (validate_check_config), reported in order. Each one's
     * validation depends on it alone (and on the groups, track files and BFD instances), so it is done one by one
     * into the virtual server: some early ({@link #completeOneEarly}), the rest here, a large rest in two halves on
     * two threads ({@code parallel}). Then results and warnings are collected in order, stopping at the first that
     * failed inside: what validating them one after the other gives.
     */
    List<VirtualServer> complete(List<VsB> list, List<VirtualServerGroup> groups, List<TrackFile> files,
                                 List<BfdInstance> bfds) {
        Set<String> fileNames = new HashSet<>();
        files.forEach(f -> fileNames.add(f.name()));
        Set<String> bfdNames = new HashSet<>();
        bfds.forEach(b -> bfdNames.add(b.name()));
        List<VsB> todo = new ArrayList<>(list.size());
        for (VsB vs : list) {
            if (!vs.completed) {
                todo.add(vs);
            }
        }
        if (!p.parallel || todo.size() < PARALLEL_COMPLETION) {
            new Completion(groups, fileNames, bfdNames).completeAllInto(todo, 0, todo.size());
        } else {
            int half = todo.size() / 2;
            // a Runnable class, not a lambda: a lambda first run here (not in the AOT cache's training run) is spun
            // at run time, which costs milliseconds
            Completion second = new Completion(groups, fileNames, bfdNames);
            second.batch = todo;
            second.from = half;
            Thread thread = Thread.ofPlatform().name("halo-config-completion").daemon().start(second);
            new Completion(groups, fileNames, bfdNames).completeAllInto(todo, 0, half);
            ConfigLoader.joinUninterruptibly(thread);
        }
        List<VirtualServer> out = new ArrayList<>(list.size());
        for (VsB vs : list) {
            p.diagnostics.addAll(vs.completionWarnings);
            if (vs.completionFailure instanceof RuntimeException e) {
                throw e;
            }
            if (vs.completionFailure instanceof Error e) {
                throw e;
            }
            if (vs.completion != null) {
                out.add(vs.completion);
            }
        }
        return out;
    }

    /** Validates virtual servers one at a time, each into itself (one Completion per thread). */
    final class Completion implements Runnable {
        private final List<VirtualServerGroup> groups;
        private final Set<String> fileNames;
        private final Set<String> bfdNames;
        /** The warnings of the virtual server being validated; made at its first warning. */
        private List<Diagnostic> warnings;

        Completion(List<VirtualServerGroup> groups, Set<String> fileNames, Set<String> bfdNames) {
            this.groups = groups;
            this.fileNames = fileNames;
            this.bfdNames = bfdNames;
        }

        void warn(Statement s, String token, String message) {
            if (warnings == null) {
                warnings = new ArrayList<>();
            }
            warnings.add(new Diagnostic(Diagnostic.Severity.WARNING, s == null ? null : s.location(), token, message));
        }

        void completeAllInto(List<VsB> list, int from, int to) {
            for (int i = from; i < to; i++) {
                completeInto(list.get(i));
            }
        }

        /** What {@link #run} completes on its own thread: {@code batch} from {@code from} on. */
        List<VsB> batch;
        int from;

        @Override
        public void run() {
            completeAllInto(batch, from, batch.size());
        }

        void completeInto(VsB vs) {
            warnings = null;
            try {
                vs.completion = complete(vs);
            } catch (RuntimeException | Error e) {
                vs.completionFailure = e; // reported in order by complete(list...)
            }
            vs.completionWarnings = warnings == null ? List.of() : warnings;
            vs.completed = true;
        }

        private VirtualServer complete(VsB vs) {
            VirtualServerGroup group = null;
            if (vs.address instanceof VirtualServerAddress.Group g) {
                for (VirtualServerGroup x : groups) {
                    if (x.name().equals(g.name())) {
                        group = x;
                        break;
                    }
                }
                if (group == null) {
                    warn(vs.at, g.name(), "Virtual server group " + g.name() + " is not defined - skipping virtual server");
                    return null;
                }
            }
            // the protocol keepalived names the virtual server with in messages (display() is made only for a message)
            Protocol named = vs.protocol;
            if (vs.realServers.isEmpty()) {
                warn(vs.at, vs.at.words().size() > 1 ? vs.at.words().get(1) : null,
                        "Virtual server " + display(vs, named) + " has no real servers - ignoring");
                return null;
            }
            boolean fwmark = vs.address instanceof VirtualServerAddress.Fwmark
                    || (group != null && !hasEntry(group, VirtualServerGroup.Range.class));
            boolean haSuspend = vs.haSuspend;
            if (haSuspend && (vs.address instanceof VirtualServerAddress.Fwmark
                    || (group != null && hasEntry(group, VirtualServerGroup.Fwmark.class)))) {
                warn(vs.at, "ha_suspend", "Virtual server " + display(vs, named)
                        + ": cannot use ha_suspend with fwmarks - clearing ha_suspend");
                haSuspend = false;
            }
            Protocol protocol = vs.protocol;
            Duration persistence = vs.persistence;
            if (!fwmark) {
                if (protocol == null) {
                    // keepalived: "If the protocol is 0, the kernel defaults to UDP, so set it explicitly"
                    warn(vs.at, null, "Virtual server " + display(vs, named) + ": no protocol set - defaulting to UDP");
                    protocol = Protocol.UDP;
                    named = protocol;
                }
                if (persistence == null && vs.address instanceof VirtualServerAddress.Socket sk && sk.port() == 0) {
                    warn(vs.at, "0", "Virtual server " + display(vs, named)
                            + ": zero port only valid for persistent services - setting");
                    persistence = SECONDS_360;
                }
            } else if (protocol != null) {
                warn(vs.protocolAt, protocol.name(), "Warning: Virtual server " + display(vs, named)
                        + ": protocol specified for fwmark - protocol will be ignored");
                protocol = null;
            }
            if (persistence == null && group != null && hasZeroPortRange(group)) {
                warn(vs.at, null, "Virtual server " + display(vs, named)
                        + ": zero port only valid for persistent services - setting");
                persistence = SECONDS_360;
            }
            List<RawSetting> raw = vs.raw;
            if (protocol != null && protocol != Protocol.UDP && hasOps(raw)) {
                // IPVS one-packet scheduling only makes sense for datagrams
                warn(vs.at, "ops", "Virtual server " + display(vs, named) + ": one packet scheduling requires UDP - resetting");
                raw = raw.stream().filter(x -> !x.keyword().equals("ops")).toList();
            }
            String scheduler = vs.scheduler;
            if (scheduler == null) {
                warn(vs.at, null, "Virtual server " + display(vs, named) + ": no scheduler set, setting default 'wlc'");
                scheduler = "wlc";
            }
            ForwardingMethod method = vs.forwarding;
            Tunnel tunnel = vs.tunnel;
            boolean needDefault = vs.sorry != null && vs.sorry.forwarding == null;
            for (RsB r : vs.realServers) {
                needDefault |= r.forwarding == null;
            }
            if (method == null && needDefault) {
                warn(vs.at, null, "Virtual server " + display(vs, named) + ": no forwarding method set, setting default NAT");
                method = ForwardingMethod.NAT;
            }
            Duration delayLoop = vs.inh.delayLoop != null ? vs.inh.delayLoop : SECONDS_60;
            int vsPort = vs.address instanceof VirtualServerAddress.Socket sk ? sk.port() : 0;

            List<RealServer> reals = new ArrayList<>(vs.realServers.size());
            List<RsB> kept = new ArrayList<>(vs.realServers.size());
            long weightSum = 0;
            for (RsB rs : vs.realServers) {
                if (isDuplicate(kept, rs)) {
                    warn(rs.at, rs.at.words().get(1), "VS " + display(vs, named) + ": real server "
                            + rsName(rs, protocol) + " is duplicated - removing second rs");
                    continue;
                }
                kept.add(rs);
            }
            for (RsB rs : kept) {
                ForwardingMethod m = rs.forwarding != null ? rs.forwarding : method;
                Tunnel tn = rs.forwarding != null ? rs.tunnel : tunnel;
                int port = fixPort(vs, rs, m, fwmark, group, vsPort, named, protocol, false);
                RealServer r = realServer(vs, rs, m, tn, port, delayLoop);
                weightSum += r.weight();
                reals.add(r);
            }
            RealServer sorry = null;
            if (vs.sorry != null) {
                ForwardingMethod m = vs.sorry.forwarding != null ? vs.sorry.forwarding : method;
                Tunnel tn = vs.sorry.forwarding != null ? vs.sorry.tunnel : tunnel;
                int port = fixPort(vs, vs.sorry, m, fwmark, group, vsPort, named, protocol, true);
                sorry = new RealServer(vs.sorry.address, port, 1, m, m == ForwardingMethod.TUN ? tn : null,
                        vs.sorryInhibit, null, null, 0, 0, null, null, List.of());
            }
            int quorum = vs.quorum;
            if (quorum > weightSum) {
                warn(vs.at, null, "Warning - quorum " + quorum + " for " + display(vs, named)
                        + " exceeds total weight of real servers " + weightSum + ", reducing quorum to " + weightSum);
                quorum = (int) weightSum;
            }
            int hysteresis = vs.hysteresis;
            if (hysteresis >= quorum && (hysteresis != 0 || quorum != 0) && quorum > 0) {
                warn(vs.at, null, "Virtual server " + display(vs, named) + ": hysteresis " + hysteresis + " >= quorum "
                        + quorum + "; setting hysteresis to " + (quorum - 1));
                hysteresis = quorum - 1;
            }
            return new VirtualServer(vs.address, protocol, scheduler, vs.schedFlags, method,
                    method == ForwardingMethod.TUN ? (tunnel == null ? Tunnel.IPIP : tunnel) : null, persistence,
                    vs.granularity, delayLoop, vs.inh.connectTimeout, vs.inh.retry == null ? -1 : vs.inh.retry,
                    vs.inh.delayBeforeRetry, vs.inh.warmup, vs.inh.inhibit != null && vs.inh.inhibit, sorry,
                    vs.sorryInhibit, quorum, hysteresis, vs.quorumUp, vs.quorumDown, vs.alpha, vs.omega, haSuspend,
                    vs.inh.virtualhost, reals, raw);
        }

        private int fixPort(VsB vs, RsB rs, ForwardingMethod m, boolean fwmark, VirtualServerGroup group, int vsPort,
                            Protocol named, Protocol protocol, boolean sorry) {
            int port = rs.port;
            if (group != null) {
                // keepalived only reports these for groups; IPVS ignores the port with fwmarks
                if (m != ForwardingMethod.NAT && port != 0) {
                    String name = display(vs, named);
                    String who = sorry ? "sorry server" : "real server " + rsName(rs, protocol);
                    if (hasEntry(group, VirtualServerGroup.Fwmark.class)) {
                        warn(rs.at, String.valueOf(port), "WARNING - fwmark virtual server " + name + ", " + who
                                + " has port specified - port will be ignored");
                    }
                    for (VirtualServerGroup.Entry e : group.entries()) {
                        if (e instanceof VirtualServerGroup.Range r && r.port() != port) {
                            warn(rs.at, String.valueOf(port), "virtual server " + name + ":[" + Addresses.format(r.first())
                                    + "-" + Addresses.format(r.last()) + "," + r.port() + "] and " + who + " ports don't match");
                        }
                    }
                }
                return port;
            }
            if (m == ForwardingMethod.NAT) {
                return !fwmark && port == 0 ? vsPort : port;
            }
            if (fwmark) {
                if (port != 0) {
                    warn(rs.at, String.valueOf(port), sorry
                            ? "WARNING - virtual server " + display(vs, named) + ", sorry server has port specified - clearing"
                            : "WARNING - fwmark virtual server " + display(vs, named) + ", real server "
                                    + rsName(rs, protocol) + " has port specified - clearing");
                }
                return 0;
            }
            if (port == 0) {
                return vsPort;
            }
            if (port != vsPort) {
                warn(rs.at, String.valueOf(port), sorry
                        ? "WARNING - virtual server " + display(vs, named) + " and sorry server ports don't match - resetting"
                        : "WARNING - virtual server " + display(vs, named) + " and real server " + rsName(rs, protocol)
                                + " ports don't match - resetting");
                return vsPort;
            }
            return port;
        }

        private RealServer realServer(VsB vs, RsB rs, ForwardingMethod m, Tunnel tn, int port, Duration vsDelayLoop) {
            List<Checker> checkers = new ArrayList<>(rs.checkers.size());
            for (CheckerB c : rs.checkers) {
                Checker built = checker(vs, rs, c, port, vsDelayLoop);
                if (built != null) {
                    checkers.add(built);
                }
            }
            boolean inhibit = rs.inh.inhibit != null ? rs.inh.inhibit : vs.inh.inhibit != null && vs.inh.inhibit;
            return new RealServer(rs.address, port, rs.weight == null ? 1 : rs.weight, m,
                    m == ForwardingMethod.TUN ? (tn == null ? Tunnel.IPIP : tn) : null, inhibit, rs.notifyUp, rs.notifyDown,
                    rs.uthreshold, rs.lthreshold, rs.inh.delayLoop, rs.inh.virtualhost, checkers);
        }

        private Checker checker(VsB vs, RsB rs, CheckerB c, int rsPort, Duration vsDelayLoop) {
            Duration delayLoop = first(c.inh.delayLoop, rs.inh.delayLoop, vsDelayLoop);
            int defaultRetry = switch (c.kind) {
                case "MISC_CHECK" -> 0;
                case "DNS_CHECK" -> 3;
                default -> 1;
            };
            Integer retry = c.inh.retry != null ? c.inh.retry : rs.inh.retry != null ? rs.inh.retry : vs.inh.retry;
            Duration dbrDefault = switch (c.kind) {
                case "HTTP_GET", "SSL_GET" -> SECONDS_3;
                case "DNS_CHECK" -> delayLoop;
                default -> SECONDS_1;
            };
            Duration dbr = first(c.inh.delayBeforeRetry, rs.inh.delayBeforeRetry, vs.inh.delayBeforeRetry, dbrDefault);
            Duration warmup = first(c.inh.warmup, rs.inh.warmup, vs.inh.warmup, delayLoop);
            Duration timeout = first(c.inh.connectTimeout, rs.inh.connectTimeout, vs.inh.connectTimeout, SECONDS_5);
            boolean alpha = c.inh.alpha != null ? c.inh.alpha : vs.alpha;
            // keepalived fixes the checker's destination when the block is read, with the real server's port as written
            int port = c.connectPort != null ? c.connectPort : rs.port != 0 ? rs.port : rsPort;
            boolean needsPort = NEEDS_PORT.contains(c.kind);
            if (needsPort && port == 0) {
                // keepalived accepts it silently and then checks port 0, which always fails
                warn(c.at, c.kind, c.kind + " for real server " + rsName(rs, null)
                        + " has no port to check - set connect_port (the real server has none)");
            }
            if (c.kind.equals("SMTP_CHECK") && c.connectPort == null && rsPort == 0) {
                port = 25;
            }
            if (!needsPort && c.connectPort == null) {
                port = 0;
            }
            InetAddress ip = c.connectIp != null ? c.connectIp : rs.address;
            if (!CONNECTING.contains(c.kind)) {
                // no connection: keepalived has no such keywords here; the values are fixed so they mean nothing
                ip = rs.address;
                port = 0;
                timeout = SECONDS_5;
            }
            if (c.kind.equals("FILE_CHECK") || c.kind.equals("BFD_CHECK")) {
                // event-driven: no timing keywords of their own; keep the virtual server's values for reference
                delayLoop = vsDelayLoop;
                retry = vs.inh.retry;
                dbr = first(vs.inh.delayBeforeRetry, SECONDS_1);
                warmup = first(vs.inh.warmup, vsDelayLoop);
            }
            Checker.Common common = new Checker.Common(ip, port, c.bindTo, c.bindPort, c.bindIf, c.fwmark, timeout,
                    retry != null ? retry : defaultRetry, dbr, warmup, delayLoop, alpha, c.logAllFailures);
            String vhost = c.inh.virtualhost != null ? c.inh.virtualhost : rs.inh.virtualhost != null ? rs.inh.virtualhost : vs.inh.virtualhost;
            return switch (c.kind) {
                case "TCP_CHECK" -> new Checker.Tcp(common);
                case "HTTP_GET", "SSL_GET" -> {
                    if (c.urls.isEmpty()) {
                        warn(c.at, c.kind, "HTTP/SSL_GET checker has no urls specified - ignoring");
                        yield null;
                    }
                    yield new Checker.Http(common, c.kind.equals("SSL_GET"), c.urls, c.httpProtocol, vhost, c.enableSni,
                            c.fastRecovery);
                }
                case "SMTP_CHECK" -> new Checker.Smtp(common, c.helo);
                case "DNS_CHECK" -> new Checker.Dns(common, c.dnsType, c.dnsName);
                case "MISC_CHECK" -> {
                    if (c.misc == null) {
                        warn(c.at, c.kind, "No script path has been specified for MISC_CHECKER - skipping");
                        yield null;
                    }
                    ScriptCommand sc = c.misc;
                    if (c.miscUser != null && sc.user() == null) {
                        sc = new ScriptCommand(sc.commandLine(), c.miscUser, c.miscGroup);
                    }
                    yield new Checker.Misc(common, sc, c.miscTimeout != null ? c.miscTimeout : delayLoop, c.miscDynamic);
                }
                case "UDP_CHECK" -> new Checker.Udp(common, c.payload, c.requireReply, c.minReply, c.maxReply);
                case "PING_CHECK" -> new Checker.Ping(common);
                case "FILE_CHECK" -> {
                    if (c.target == null || !fileNames.contains(c.target)) {
                        warn(c.at, c.target, "FILE_CHECK for real server " + rsName(rs, null) + ": track file "
                                + c.target + " not found - removing checker");
                        yield null;
                    }
                    yield new Checker.File(common, c.target, c.weight, c.reverse);
                }
                case "BFD_CHECK" -> {
                    if (c.target == null || !bfdNames.contains(c.target)) {
                        warn(c.at, c.target, "BFD_CHECK for real server " + rsName(rs, null) + ": bfd_instance "
                                + c.target + " not found - removing checker");
                        yield null;
                    }
                    yield new Checker.Bfd(common, c.target, c.weight, c.reverse);
                }
                default -> null;
            };
        }
    }

    private static final Duration SECONDS_1 = Duration.ofSeconds(1);
    private static final Duration SECONDS_3 = Duration.ofSeconds(3);
    private static final Duration SECONDS_5 = Duration.ofSeconds(5);
    private static final Duration SECONDS_60 = Duration.ofSeconds(60);
    private static final Duration SECONDS_360 = Duration.ofSeconds(360);

    /** Checkers that need a port to check. */
    static final Set<String> NEEDS_PORT = Set.of("TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "DNS_CHECK", "UDP_CHECK");

    private static boolean hasEntry(VirtualServerGroup group, Class<? extends VirtualServerGroup.Entry> kind) {
        for (VirtualServerGroup.Entry e : group.entries()) {
            if (kind.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasZeroPortRange(VirtualServerGroup group) {
        for (VirtualServerGroup.Entry e : group.entries()) {
            if (e instanceof VirtualServerGroup.Range r && r.port() == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasOps(List<RawSetting> raw) {
        for (RawSetting x : raw) {
            if (x.keyword().equals("ops")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDuplicate(List<RsB> kept, RsB rs) {
        for (RsB o : kept) {
            if (o.address.equals(rs.address) && o.port == rs.port) {
                return true;
            }
        }
        return false;
    }

    // fixed-arity forms: no array per call (four calls per checker)
    static <T> T first(T a, T b) {
        return a != null ? a : b;
    }

    static <T> T first(T a, T b, T c) {
        return a != null ? a : b != null ? b : c;
    }

    static <T> T first(T a, T b, T c, T d) {
        return a != null ? a : b != null ? b : c != null ? c : d;
    }

    @SafeVarargs
    static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    static String display(VsB vs, Protocol protocol) {
        String proto = protocol == null ? "none" : protocol.name().toLowerCase();
        return switch (vs.address) {
            case VirtualServerAddress.Socket s -> "[" + Addresses.format(s.address()) + "]:" + proto + ":" + s.port();
            case VirtualServerAddress.Fwmark f -> "FWM " + f.mark();
            case VirtualServerAddress.Group g -> "[" + g.name() + "]:0";
        };
    }

    static String rsName(RsB rs, Protocol protocol) {
        return "[" + Addresses.format(rs.address) + "]:" + (protocol == null ? "none" : protocol.name().toLowerCase()) + ":" + rs.port;
    }
}
