package halo.config;

import halo.lvs.ForwardingMethod;
import halo.config.source.Statement;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The checker side: virtual_server_group, virtual_server, real_server and the checker blocks. */
final class CheckParser {
    final ConfigParser parser;

    CheckParser(ConfigParser parser) {
        this.parser = parser;
    }

    // keyword tables, built once per load and shared by every builder of their kind (a big config has 10,000s)
    private Map<String, KeywordHandler> virtualServerKeywords;
    private Map<String, KeywordHandler> realServerKeywords;
    private Map<String, KeywordHandler> urlKeywords;
    private final Map<String, Map<String, KeywordHandler>> checkerKeywords = new HashMap<>();

    Map<String, KeywordHandler> virtualServerKeywords() {
        if (virtualServerKeywords == null) {
            virtualServerKeywords = VirtualServerBuilder.keywordTable(this);
        }
        return virtualServerKeywords;
    }

    Map<String, KeywordHandler> realServerKeywords() {
        if (realServerKeywords == null) {
            realServerKeywords = RealServerBuilder.keywordTable(this);
        }
        return realServerKeywords;
    }

    Map<String, KeywordHandler> checkerKeywords(String kind) {
        return checkerKeywords.computeIfAbsent(kind, k -> CheckerBuilder.keywordTable(this, k));
    }

    Map<String, KeywordHandler> urlKeywords() {
        if (urlKeywords == null) {
            urlKeywords = UrlBuilder.keywordTable(this);
        }
        return urlKeywords;
    }

    /** Checkers that open a connection and so take connect_ip, connect_port, bindto... */
    static final Set<String> CONNECTING = Set.of("TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "DNS_CHECK",
            "UDP_CHECK", "PING_CHECK");

    /** IPVS schedulers (net/netfilter/ipvs/ip_vs_*.c) keepalived accepts. */
    static final Set<String> SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq",
            "fo", "ovf", "mh", "twos");

    // ---------------------------------------------------------------- virtual_server_group

    VirtualServerGroup group(Statement s) {
        String name = parser.duplicateName(s, "virtual_server_group");
        if (name == null) {
            return null;
        }
        List<VirtualServerGroup.Entry> entries = new ArrayList<>();
        for (Statement line : s.block()) {
            List<String> w = line.words();
            if (w.getFirst().equals("fwmark")) {
                Long m = parser.number(line, ConfigParser.opt(line, 1), 1, 0xffffffffL);
                if (m != null) {
                    entries.add(new VirtualServerGroup.Fwmark((int) (long) m));
                }
                continue;
            }
            String range = w.getFirst();
            int dash = range.lastIndexOf('-');
            InetAddress first = Addresses.parse(dash < 0 ? range : range.substring(0, dash));
            if (first == null) {
                parser.warn(line, range, "Invalid virtual server group IP address " + range + " - skipping");
                continue;
            }
            InetAddress last = first;
            if (dash >= 0) {
                last = VirtualServerGroup.Range.end(first, range.substring(dash + 1));
                if (last == null) {
                    parser.warn(line, range, "Invalid virtual server group IP address range " + range + " - skipping");
                    continue;
                }
            }
            int port = 0;
            if (w.size() > 1) {
                Long pt = parser.number(line, w.get(1), 0, 65535);
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

    VirtualServerBuilder virtualServer(Statement s) {
        List<String> w = s.words();
        VirtualServerAddress address;
        if (w.size() >= 3 && w.get(1).equals("fwmark")) {
            Long m = parser.number(s, w.get(2), 1, 0xffffffffL);
            if (m == null) {
                parser.warn(s, w.get(2), "virtual server fwmark '" + w.get(2) + "' invalid - skipping virtual server");
                return null;
            }
            AddressFamily family = w.size() > 3 && w.get(3).equals("inet6") ? AddressFamily.IPV6 : AddressFamily.IPV4;
            address = new VirtualServerAddress.Fwmark((int) (long) m, family);
        } else if (w.size() >= 3 && w.get(1).equals("group")) {
            address = new VirtualServerAddress.Group(w.get(2));
        } else if (w.size() >= 2) {
            InetAddress a = Addresses.parseCut(w.get(1));
            if (a == null) {
                parser.warn(s, w.get(1), "Invalid virtual server IP address/port " + w.get(1) + "/"
                        + (w.size() > 2 ? w.get(2) : "") + " - skipping");
                return null;
            }
            int port = 0;
            if (w.size() >= 3) {
                Long pt = parser.number(s, w.get(2), 0, 65535);
                if (pt == null) {
                    parser.warn(s, w.get(2), "Invalid virtual server port " + w.get(2) + " - skipping virtual server");
                    return null;
                }
                port = (int) (long) pt;
            }
            address = new VirtualServerAddress.Socket(a, port);
        } else {
            parser.warn(s, s.keyword(), "virtual_server needs IP PORT, fwmark N or group NAME - skipping");
            return null;
        }
        return new VirtualServerBuilder(this, address, s);
    }


    /** A timer value, or null after keepalived's "'x' invalid - ignoring" style message. */
    Duration timer(Statement s, String what) {
        String v = parser.arg(s, 1);
        Duration d = parser.seconds(s, v, 2_147_483d);
        if (v != null && d == null) {
            parser.warn(s, v, what + " " + v + " invalid - ignoring");
        }
        return d;
    }

    /** connect_timeout: keepalived wants (0, 4294.967295] seconds. */
    Duration connectTimeout(Statement s, String who) {
        String v = parser.arg(s, 1);
        if (v == null) {
            return null;
        }
        Duration d = parser.seconds(s, v, 4294.967295);
        if (d != null && d.isZero()) {
            parser.warn(s, v, "number '" + v + "' outside range [0.000001, 4294.967295]");
            d = null;
        }
        if (d == null) {
            parser.warn(s, v, who + "connect_timeout " + v + " invalid - ignoring");
        }
        return d;
    }

    Integer retry(Statement s) {
        String v = parser.arg(s, 1);
        Integer n = parser.integer(s, 1, 0, Integer.MAX_VALUE);
        if (v != null && n == null) {
            parser.warn(s, v, "Invalid retry connection value '" + v + "'");
        }
        return n;
    }

    void inheritedKeywords(Map<String, KeywordHandler> table, Function<ParseContext, InheritedCheckSettings> get, String who) {
        table.put("delay_loop", new KeywordHandler.Line((c, s) -> {
            String v = parser.arg(s, 1);
            Duration d = parser.seconds(s, v, 2_147_483d);
            if (d != null) {
                get.apply(c).delayLoop = d;
            } else if (v != null) {
                parser.warn(s, v, who + " delay loop '" + v + "' invalid - ignoring");
            }
        }));
        table.put("connect_timeout", new KeywordHandler.Line((c, s) -> {
            Duration d = connectTimeout(s, who + " ");
            if (d != null) {
                get.apply(c).connectTimeout = d;
            }
        }));
        table.put("retry", new KeywordHandler.Line((c, s) -> {
            Integer n = retry(s);
            if (n != null) {
                get.apply(c).retry = n;
            }
        }));
        table.put("delay_before_retry", new KeywordHandler.Line((c, s) -> {
            Duration d = timer(s, "delay_before_retry");
            if (d != null) {
                get.apply(c).delayBeforeRetry = d;
            }
        }));
        table.put("warmup", new KeywordHandler.Line((c, s) -> {
            Duration d = timer(s, "warmup");
            if (d != null) {
                get.apply(c).warmup = d;
            }
        }));
        table.put("virtualhost", new KeywordHandler.Line((c, s) -> get.apply(c).virtualhost = parser.arg(s, 1)));
        table.put("inhibit_on_failure", new KeywordHandler.Line((c, s) -> get.apply(c).inhibit = parser.bool(s, 1)));
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
        String v = parser.arg(s, 1);
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
            default -> parser.warn(s, v, "PARSER : unknown [" + v + "] routing method for virtual server. (expected NAT, DR or TUN)");
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
                        Long n = parser.number(s, w.get(++i), 1, 65535);
                        port = n == null ? 0 : (int) (long) n;
                    } else if (Set.of("nocsum", "csum", "remcsum").contains(w.get(i))) {
                        csum = w.get(i);
                    }
                }
                if (port == 0) {
                    parser.warn(s, "gue", "GUE tunnel requires a port - using ipip");
                    return Tunnel.IPIP;
                }
                return new Tunnel(Tunnel.Type.GUE, port, csum);
            }
            case "gre" -> {
                String csum = w.size() > 4 ? w.get(4) : null;
                return new Tunnel(Tunnel.Type.GRE, 0, csum);
            }
            default -> {
                parser.warn(s, w.get(3), "Unknown tunnel type " + w.get(3) + " - expected ipip, gue or gre; using ipip");
                return Tunnel.IPIP;
            }
        }
    }

    // ---------------------------------------------------------------- real_server



    // ---------------------------------------------------------------- checkers





    // ---------------------------------------------------------------- completion (keepalived's validate_check_config)

    /** Fewer virtual servers than this are completed on the calling thread alone (a thread costs more). */
    static final int PARALLEL_COMPLETION = 256;

    /** Closed virtual servers that {@link #completeOneEarly} may validate before the end. */
    final ArrayDeque<VirtualServerBuilder> closedVirtualServers = new ArrayDeque<>();
    private VirtualServerCompletion early;

    /**
     * Validates one virtual server whose block is closed and whose validation needs nothing declared later (the
     * walker does this while it waits for the reader); false when there is none. Its result and warnings are kept
     * for {@link #complete}, which reports them in order.
     */
    boolean completeOneEarly() {
        VirtualServerBuilder vs = closedVirtualServers.poll();
        if (vs == null) {
            return false;
        }
        if (early == null) {
            early = new VirtualServerCompletion(List.of(), Set.of(), Set.of());
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
    List<VirtualServer> complete(List<VirtualServerBuilder> list, List<VirtualServerGroup> groups, List<TrackFile> files,
                                 List<BfdInstance> bfds) {
        Set<String> fileNames = new HashSet<>();
        files.forEach(f -> fileNames.add(f.name()));
        Set<String> bfdNames = new HashSet<>();
        bfds.forEach(b -> bfdNames.add(b.name()));
        List<VirtualServerBuilder> todo = new ArrayList<>(list.size());
        for (VirtualServerBuilder vs : list) {
            if (!vs.completed) {
                todo.add(vs);
            }
        }
        if (!parser.parallel || todo.size() < PARALLEL_COMPLETION) {
            new VirtualServerCompletion(groups, fileNames, bfdNames).completeAllInto(todo, 0, todo.size());
        } else {
            int half = todo.size() / 2;
            // a Runnable class, not a lambda: a lambda first run here (not in the AOT cache's training run) is spun
            // at run time, which costs milliseconds
            VirtualServerCompletion second = new VirtualServerCompletion(groups, fileNames, bfdNames);
            second.batch = todo;
            second.from = half;
            Thread thread = Thread.ofPlatform().name("halo-config-completion").daemon().start(second);
            new VirtualServerCompletion(groups, fileNames, bfdNames).completeAllInto(todo, 0, half);
            ConfigLoader.joinUninterruptibly(thread);
        }
        List<VirtualServer> out = new ArrayList<>(list.size());
        for (VirtualServerBuilder vs : list) {
            parser.diagnostics.addAll(vs.completionWarnings);
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
}
