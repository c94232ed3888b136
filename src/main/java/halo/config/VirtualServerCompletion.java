package halo.config;

import halo.lvs.ForwardingMethod;
import halo.lvs.Protocol;
import halo.net.AddressText;
import halo.config.source.Diagnostic;
import halo.config.source.Statement;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * keepalived's validation of virtual servers (validate_check_config): one at a time, each into its builder; one
 * instance per thread ({@link CheckParser#complete}).
 */
final class VirtualServerCompletion implements Runnable {
    private final List<VirtualServerGroup> groups;
    private final Set<String> fileNames;
    private final Set<String> bfdNames;
    /** The warnings of the virtual server being validated; made at its first warning. */
    private List<Diagnostic> warnings;

    VirtualServerCompletion(List<VirtualServerGroup> groups, Set<String> fileNames, Set<String> bfdNames) {
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

    void completeAllInto(List<VirtualServerBuilder> list, int from, int to) {
        for (int i = from; i < to; i++) {
            completeInto(list.get(i));
        }
    }

    /** What {@link #run} completes on its own thread: {@code batch} from {@code from} on. */
    List<VirtualServerBuilder> batch;
    int from;

    @Override
    public void run() {
        completeAllInto(batch, from, batch.size());
    }

    void completeInto(VirtualServerBuilder vs) {
        warnings = null;
        try {
            vs.completion = complete(vs);
        } catch (RuntimeException | Error e) {
            vs.completionFailure = e; // reported in order by complete(list...)
        }
        vs.completionWarnings = warnings == null ? List.of() : warnings;
        vs.completed = true;
    }

    private VirtualServer complete(VirtualServerBuilder vs) {
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
        for (RealServerBuilder r : vs.realServers) {
            needDefault |= r.forwarding == null;
        }
        if (method == null && needDefault) {
            warn(vs.at, null, "Virtual server " + display(vs, named) + ": no forwarding method set, setting default NAT");
            method = ForwardingMethod.NAT;
        }
        Duration delayLoop = vs.inherited.delayLoop != null ? vs.inherited.delayLoop : SECONDS_60;
        int vsPort = vs.address instanceof VirtualServerAddress.Socket sk ? sk.port() : 0;

        List<RealServer> reals = new ArrayList<>(vs.realServers.size());
        List<RealServerBuilder> kept = new ArrayList<>(vs.realServers.size());
        long weightSum = 0;
        for (RealServerBuilder rs : vs.realServers) {
            if (isDuplicate(kept, rs)) {
                warn(rs.at, rs.at.words().get(1), "VS " + display(vs, named) + ": real server "
                        + rsName(rs, protocol) + " is duplicated - removing second rs");
                continue;
            }
            kept.add(rs);
        }
        for (RealServerBuilder rs : kept) {
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
                vs.granularity, delayLoop, vs.inherited.connectTimeout, vs.inherited.retry == null ? -1 : vs.inherited.retry,
                vs.inherited.delayBeforeRetry, vs.inherited.warmup, vs.inherited.inhibit != null && vs.inherited.inhibit, sorry,
                vs.sorryInhibit, quorum, hysteresis, vs.quorumUp, vs.quorumDown, vs.alpha, vs.omega, haSuspend,
                vs.inherited.virtualhost, reals, raw, new ProxySettings(vs.proxyHeader, vs.proxyTransparent,
                        vs.proxyMaxConnections));
    }

    private int fixPort(VirtualServerBuilder vs, RealServerBuilder rs, ForwardingMethod m, boolean fwmark, VirtualServerGroup group, int vsPort,
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
                        warn(rs.at, String.valueOf(port), "virtual server " + name + ":[" + AddressText.format(r.first())
                                + "-" + AddressText.format(r.last()) + "," + r.port() + "] and " + who + " ports don't match");
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

    private RealServer realServer(VirtualServerBuilder vs, RealServerBuilder rs, ForwardingMethod m, Tunnel tn, int port, Duration vsDelayLoop) {
        List<Checker> checkers = new ArrayList<>(rs.checkers.size());
        for (CheckerBuilder c : rs.checkers) {
            Checker built = checker(vs, rs, c, port, vsDelayLoop);
            if (built != null) {
                checkers.add(built);
            }
        }
        boolean inhibit = rs.inherited.inhibit != null ? rs.inherited.inhibit : vs.inherited.inhibit != null && vs.inherited.inhibit;
        return new RealServer(rs.address, port, rs.weight == null ? 1 : rs.weight, m,
                m == ForwardingMethod.TUN ? (tn == null ? Tunnel.IPIP : tn) : null, inhibit, rs.notifyUp, rs.notifyDown,
                rs.uthreshold, rs.lthreshold, rs.inherited.delayLoop, rs.inherited.virtualhost, checkers);
    }

    private Checker checker(VirtualServerBuilder vs, RealServerBuilder rs, CheckerBuilder c, int rsPort, Duration vsDelayLoop) {
        Duration delayLoop = first(c.inherited.delayLoop, rs.inherited.delayLoop, vsDelayLoop);
        int defaultRetry = switch (c.kind) {
            case "MISC_CHECK" -> 0;
            case "DNS_CHECK" -> 3;
            default -> 1;
        };
        Integer retry = c.inherited.retry != null ? c.inherited.retry : rs.inherited.retry != null ? rs.inherited.retry : vs.inherited.retry;
        Duration dbrDefault = switch (c.kind) {
            case "HTTP_GET", "SSL_GET" -> SECONDS_3;
            case "DNS_CHECK" -> delayLoop;
            default -> SECONDS_1;
        };
        Duration dbr = first(c.inherited.delayBeforeRetry, rs.inherited.delayBeforeRetry, vs.inherited.delayBeforeRetry, dbrDefault);
        Duration warmup = first(c.inherited.warmup, rs.inherited.warmup, vs.inherited.warmup, delayLoop);
        Duration timeout = first(c.inherited.connectTimeout, rs.inherited.connectTimeout, vs.inherited.connectTimeout, SECONDS_5);
        boolean alpha = c.inherited.alpha != null ? c.inherited.alpha : vs.alpha;
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
        if (!CheckParser.CONNECTING.contains(c.kind)) {
            // no connection: keepalived has no such keywords here; the values are fixed so they mean nothing
            ip = rs.address;
            port = 0;
            timeout = SECONDS_5;
        }
        if (c.kind.equals("FILE_CHECK") || c.kind.equals("BFD_CHECK")) {
            // event-driven: no timing keywords of their own; keep the virtual server's values for reference
            delayLoop = vsDelayLoop;
            retry = vs.inherited.retry;
            dbr = first(vs.inherited.delayBeforeRetry, SECONDS_1);
            warmup = first(vs.inherited.warmup, vsDelayLoop);
        }
        Checker.Common common = new Checker.Common(ip, port, c.bindTo, c.bindPort, c.bindIf, c.fwmark, timeout,
                retry != null ? retry : defaultRetry, dbr, warmup, delayLoop, alpha, c.logAllFailures);
        String vhost = c.inherited.virtualhost != null ? c.inherited.virtualhost : rs.inherited.virtualhost != null ? rs.inherited.virtualhost : vs.inherited.virtualhost;
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
                if (c.target == null) {
                    warn(c.at, "FILE_CHECK", "FILE_CHECK has no track_file specified - ignoring"); // keepalived's words
                    yield null;
                }
                if (!fileNames.contains(c.target)) {
                    warn(c.at, c.target, "FILE_CHECK for real server " + rsName(rs, null) + ": track file "
                            + c.target + " not found - removing checker");
                    yield null;
                }
                yield new Checker.File(common, c.target, c.weight, c.reverse);
            }
            case "BFD_CHECK" -> {
                if (c.target == null) {
                    warn(c.at, "BFD_CHECK", "(" + rsName(rs, null) + ") No name has been specified for BFD_CHECKER - skipping");
                    yield null;
                }
                if (!bfdNames.contains(c.target)) {
                    warn(c.at, c.target, "BFD_CHECK for real server " + rsName(rs, null) + ": bfd_instance "
                            + c.target + " not found - removing checker");
                    yield null;
                }
                yield new Checker.Bfd(common, c.target, c.weight, c.reverse);
            }
            default -> null;
        };
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

    private static boolean isDuplicate(List<RealServerBuilder> kept, RealServerBuilder rs) {
        for (RealServerBuilder o : kept) {
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

    static String display(VirtualServerBuilder vs, Protocol protocol) {
        String proto = protocol == null ? "none" : protocol.name().toLowerCase();
        return switch (vs.address) {
            case VirtualServerAddress.Socket s -> "[" + AddressText.format(s.address()) + "]:" + proto + ":" + s.port();
            case VirtualServerAddress.Fwmark f -> "FWM " + f.mark();
            case VirtualServerAddress.Group g -> "[" + g.name() + "]:0";
        };
    }

    static String rsName(RealServerBuilder rs, Protocol protocol) {
        return "[" + AddressText.format(rs.address) + "]:" + (protocol == null ? "none" : protocol.name().toLowerCase()) + ":" + rs.port;
    }
}
