package halo.config;

import halo.net.AddressText;
import halo.config.source.Statement;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The VRRP side: vrrp_instance keywords, address/route/rule lines, trackers, and keepalived's instance checks. */
final class VrrpParser {
    final ConfigParser parser;

    VrrpParser(ConfigParser parser) {
        this.parser = parser;
    }

    // ---------------------------------------------------------------- shared pieces

    void trackerKeywords(Map<String, KeywordHandler> table, Function<ParseContext, TrackerReferences> get) {
        table.put("track_interface", new KeywordHandler.ValueBlock((c, s) -> {
            for (Statement line : s.block()) {
                TrackedInterface t = trackedInterface(line);
                if (t != null) {
                    get.apply(c).interfaces.add(t);
                }
            }
        }));
        table.put("track_script", new KeywordHandler.ValueBlock((c, s) ->
                refs(s, get.apply(c).scripts, "track_script", parser.topLevel.scripts.size())));
        table.put("track_file", new KeywordHandler.ValueBlock((c, s) ->
                refs(s, get.apply(c).files, "track_file", parser.topLevel.trackFiles.size())));
        table.put("track_process", new KeywordHandler.ValueBlock((c, s) ->
                refs(s, get.apply(c).processes, "track_process", parser.topLevel.trackProcesses.size())));
        table.put("track_bfd", new KeywordHandler.ValueBlock((c, s) ->
                refs(s, get.apply(c).bfds, "track_bfd", Integer.MAX_VALUE)));
    }

    void notifyKeywords(Map<String, KeywordHandler> table, Function<ParseContext, NotifyScriptsBuilder> get, String who) {
        /** A notify keyword and which script of {@link NotifyScriptsBuilder} it sets. */
        record NotifyKeyword(String keyword, int slot) {}
        for (NotifyKeyword k : List.of(new NotifyKeyword("notify_master", 0), new NotifyKeyword("notify_backup", 1),
                new NotifyKeyword("notify_fault", 2), new NotifyKeyword("notify_stop", 3),
                new NotifyKeyword("notify_deleted", 4), new NotifyKeyword("notify", 5),
                new NotifyKeyword("notify_master_rx_lower_pri", 6))) {
            table.put(k.keyword, new KeywordHandler.Line((c, s) -> {
                NotifyScriptsBuilder scripts = get.apply(c);
                ScriptCommand cmd = parser.script(s, 1);
                if (cmd == null) {
                    return;
                }
                ScriptCommand existing = switch (k.slot) {
                    case 0 -> scripts.master;
                    case 1 -> scripts.backup;
                    case 2 -> scripts.fault;
                    case 3 -> scripts.stop;
                    case 4 -> scripts.deleted;
                    case 5 -> scripts.any;
                    default -> scripts.masterRxLowerPri;
                };
                if (existing != null) {
                    parser.warn(s, k.keyword, who + ": " + k.keyword + " script already specified - ignoring " + cmd.commandLine());
                    return;
                }
                switch (k.slot) {
                    case 0 -> scripts.master = cmd;
                    case 1 -> scripts.backup = cmd;
                    case 2 -> scripts.fault = cmd;
                    case 3 -> scripts.stop = cmd;
                    case 4 -> scripts.deleted = cmd;
                    case 5 -> scripts.any = cmd;
                    default -> scripts.masterRxLowerPri = cmd;
                }
            }));
        }
    }

    TrackedInterface trackedInterface(Statement line) {
        String name = line.keyword();
        int weight = 0;
        boolean reverse = false;
        List<String> w = line.words();
        for (int i = 1; i < w.size(); i++) {
            if (w.get(i).equals("weight") && i + 1 < w.size()) {
                Long v = parser.number(line, w.get(++i), -254, 254);
                if (v == null || Math.abs(v) > 253) {
                    parser.warn(line, w.get(i), "weight " + w.get(i) + " for " + name + " must be between [-253..253] inclusive. Ignoring...");
                } else {
                    weight = (int) (long) v;
                }
            } else if (w.get(i).equals("reverse")) {
                reverse = true;
            } else {
                parser.warn(line, w.get(i), "unknown track_interface option '" + w.get(i) + "' - expected weight N [reverse]");
            }
        }
        return new TrackedInterface(name, weight, reverse);
    }

    void refs(Statement block, List<TrackerReference> into, String what, int definedBefore) {
        for (Statement line : block.block()) {
            String name = line.keyword();
            Integer weight = null;
            boolean reverse = false;
            List<String> w = line.words();
            for (int i = 1; i < w.size(); i++) {
                if (w.get(i).equals("weight") && i + 1 < w.size()) {
                    String text = w.get(++i);
                    Long v = parser.number(line, text, -254, 254);
                    if (v == null || Math.abs(v) > 253) {
                        parser.warn(line, text, what.replace('_', ' ') + " " + name + ": weight must be between [-253..253] inclusive, ignoring...");
                    } else {
                        weight = (int) (long) v;
                    }
                } else if (w.get(i).equals("reverse")) {
                    reverse = true;
                } else {
                    parser.warn(line, w.get(i), "unknown " + what + " option '" + w.get(i) + "' - expected weight N [reverse]");
                }
            }
            String finalName = name;
            if (into.stream().anyMatch(r -> r.ref().name().equals(finalName))) {
                parser.warn(line, name, "duplicate " + what + " " + name + " - ignoring");
                continue;
            }
            into.add(new TrackerReference(new TrackRef(name, weight, reverse), line, definedBefore));
        }
    }

    // ---------------------------------------------------------------- address, route and rule lines

    static final Set<String> SCOPES = Set.of("global", "site", "link", "host", "nowhere");

    VirtualAddress virtualAddress(Statement line) {
        List<String> w = line.words();
        String first = w.getFirst();
        IpPrefix address;
        int slash = first.indexOf('/');
        InetAddress a = Addresses.parse(slash < 0 ? first : first.substring(0, slash));
        if (a == null) {
            parser.warn(line, first, "VRRP parsed invalid IP " + first + ". skipping IP...");
            return null;
        }
        if (slash >= 0) {
            IpPrefix pr = Addresses.parsePrefix(first);
            int max = a instanceof Inet6Address ? 128 : 32;
            if (pr == null) {
                parser.warn(line, first, "Invalid address prefix len " + first.substring(slash + 1) + " for address " + first
                        + " - using " + max);
                pr = new IpPrefix(a, max);
            }
            address = pr;
        } else {
            address = IpPrefix.host(a);
        }
        InetAddress brd = null;
        String dev = null, scope = null, label = null;
        IpPrefix peer = null;
        boolean home = false, nodad = false, noprefixroute = false, autojoin = false, noTrack = false;
        for (int i = 1; i < w.size(); i++) {
            String k = w.get(i);
            String v = i + 1 < w.size() ? w.get(i + 1) : null;
            switch (k) {
                case "brd", "broadcast" -> {
                    i++;
                    if (v != null && !v.equals("+") && !v.equals("-")) {
                        brd = parser.address(line, v, "broadcast address");
                    }
                }
                case "dev" -> {
                    i++;
                    dev = v;
                }
                case "scope" -> {
                    i++;
                    if (v != null && (SCOPES.contains(v) || v.chars().allMatch(Character::isDigit))) {
                        scope = v;
                    } else {
                        parser.warn(line, v, "Invalid scope '" + v + "' for ip address - expected global, site, link, host or nowhere");
                    }
                }
                case "label" -> {
                    i++;
                    label = v;
                }
                case "peer" -> {
                    i++;
                    peer = v == null ? null : Addresses.parsePrefix(v);
                    if (peer == null) {
                        parser.warn(line, v, "Invalid peer address '" + v + "'");
                    }
                }
                case "home" -> home = true;
                case "-nodad", "nodad" -> nodad = true;
                case "noprefixroute" -> noprefixroute = true;
                case "autojoin" -> autojoin = true;
                case "no_track" -> noTrack = true;
                case "track_group" -> i++;
                default -> parser.warn(line, k, "Unknown configuration entry '" + k + "' for ip address - ignoring");
            }
            if (i >= w.size()) {
                parser.warn(line, k, "Missing value after '" + k + "' for ip address");
            }
        }
        if (brd != null && AddressFamily.of(brd) != address.family()) {
            parser.warn(line, AddressText.format(brd), "broadcast address family differs from address - ignoring");
            brd = null;
        }
        return new VirtualAddress(address, brd, dev, scope, label, peer, home, nodad, noprefixroute, autojoin, noTrack);
    }

    static final Set<String> ROUTE_TYPES = Set.of("unicast", "local", "broadcast", "multicast", "throw",
            "unreachable", "prohibit", "blackhole", "nat");

    /** Route options of keepalived's alloc_route that take one value (two with {@code lock} or {@code inet/inet6}). */
    static final Set<String> ROUTE_OPTIONS_WITH_VALUE = Set.of("src", "as", "via", "gw", "from", "tos", "table",
            "protocol", "scope", "metric", "priority", "preference", "dev", "oif", "expires", "mtu", "hoplimit",
            "advmss", "rtt", "rttvar", "reordering", "window", "cwnd", "ssthresh", "realms", "rto_min", "initcwnd",
            "initrwnd", "features", "quickack", "congctl", "pref", "ttl-propagate", "fastopen_no_cookie", "or",
            "track_group", "vrf");
    static final Set<String> ROUTE_OPTIONS_ALONE = Set.of("inet", "inet6", "onlink", "no_track");

    /**
     * keepalived's alloc_route takes the destination wherever it stands ({@code src 192.0.2.1 198.51.100.0/24 via
     * ...}, as in its own samples): the destination (with its {@code to} and route type) is moved first.
     */
    static List<String> destinationFirst(List<String> w) {
        int i = 0;
        while (i < w.size()) {
            String k = w.get(i);
            if (ROUTE_OPTIONS_ALONE.contains(k)) {
                i++;
            } else if (ROUTE_OPTIONS_WITH_VALUE.contains(k)) {
                String v = i + 1 < w.size() ? w.get(i + 1) : "";
                i += v.equals("lock") || v.equals("inet") || v.equals("inet6") || k.equals("as") && v.equals("to") ? 3 : 2;
            } else {
                break;
            }
        }
        if (i == 0 || i >= w.size() || w.get(i).equals("nexthop") || w.get(i).equals("encap")) {
            return w;
        }
        int end = i;
        if (w.get(end).equals("to")) end++;
        if (end < w.size() && ROUTE_TYPES.contains(w.get(end))) end++;
        end = Math.min(end + 1, w.size());
        List<String> moved = new ArrayList<>(w.subList(i, end));
        moved.addAll(w.subList(0, i));
        moved.addAll(w.subList(end, w.size()));
        return moved;
    }

    VirtualRoute route(Statement line) {
        List<String> w = destinationFirst(line.words());
        int i = 0;
        String type = "unicast";
        if (ROUTE_TYPES.contains(w.get(i))) {
            type = w.get(i++);
        }
        if (i < w.size() && w.get(i).equals("to")) {
            i++;
        }
        if (i >= w.size()) {
            parser.warn(line, line.keyword(), "Route has no destination - skipping");
            return null;
        }
        String dst = w.get(i++);
        IpPrefix destination;
        InetAddress source = null, via = null;
        String dev = null, table = null, scope = null;
        long metric = -1;
        boolean noTrack = false;
        if (dst.equals("default")) {
            destination = null;
        } else {
            destination = Addresses.parsePrefix(dst);
            if (destination == null) {
                parser.warn(line, dst, "Invalid route destination '" + dst + "' - skipping route");
                return null;
            }
        }
        List<String> options = new ArrayList<>();
        for (; i < w.size(); i++) {
            String k = w.get(i);
            String v = i + 1 < w.size() ? w.get(i + 1) : null;
            switch (k) {
                case "src" -> {
                    i++;
                    source = parser.address(line, v, "route src");
                }
                case "via", "gw" -> {
                    i++;
                    if (v != null && (v.equals("inet") || v.equals("inet6")) && i + 1 < w.size()) {
                        v = w.get(++i);
                    }
                    via = parser.address(line, v, "route gateway");
                }
                case "dev", "oif" -> {
                    i++;
                    dev = v;
                }
                case "table" -> {
                    i++;
                    table = v;
                }
                case "metric", "preference", "priority" -> {
                    i++;
                    Long m = parser.number(line, v, 0, 0xffffffffL);
                    if (m != null) {
                        metric = m;
                    }
                }
                case "scope" -> {
                    i++;
                    scope = v;
                }
                case "no_track" -> noTrack = true;
                default -> options.add(k);
            }
        }
        if (!noTrack && dev == null) {
            // keepalived's alloc_route: it tracks a route by its interface
            parser.warn(line, dst, "Warning - cannot track route " + dst + " with no interface specified, not tracking");
            noTrack = true;
        }
        if (destination == null) {
            boolean v6 = (via instanceof Inet6Address) || (source instanceof Inet6Address);
            destination = new IpPrefix(Addresses.parse(v6 ? "::" : "0.0.0.0"), 0);
        }
        return new VirtualRoute(type, destination, source, via, dev, table, metric, scope, noTrack, options);
    }

    VirtualRule rule(Statement line) {
        List<String> w = line.words();
        IpPrefix from = null, to = null;
        String table = null;
        long priority = -1;
        boolean noTrack = false;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            String k = w.get(i);
            String v = i + 1 < w.size() ? w.get(i + 1) : null;
            switch (k) {
                case "from" -> {
                    from = v == null || v.equals("all") ? null : Addresses.parsePrefix(v);
                    if (v != null && !v.equals("all") && from == null) {
                        parser.warn(line, v, "Invalid rule from address '" + v + "' - skipping rule");
                        return null;
                    }
                }
                case "to" -> {
                    to = v == null || v.equals("all") ? null : Addresses.parsePrefix(v);
                    if (v != null && !v.equals("all") && to == null) {
                        parser.warn(line, v, "Invalid rule to address '" + v + "' - skipping rule");
                        return null;
                    }
                }
                case "table", "lookup" -> table = v;
                case "priority", "preference", "pref" -> {
                    Long n = parser.number(line, v, 0, 0xffffffffL);
                    if (n != null) {
                        priority = n;
                    }
                }
                case "no_track" -> noTrack = true;
                default -> {}
            }
            if (!k.equals("no_track")) {
                words.add(k);
            }
        }
        return new VirtualRule(from, to, table, priority, noTrack, words);
    }

    // ---------------------------------------------------------------- vrrp_instance


    UnicastPeer unicastPeer(Statement line, String instance) {
        List<String> w = line.words();
        InetAddress a = Addresses.parseCut(w.getFirst());
        if (a == null) {
            parser.warn(line, w.getFirst(), "Configuration error: VRRP instance[" + instance + "] malformed unicast peer address["
                    + w.getFirst() + "]. Skipping...");
            return null;
        }
        int min = 0, max = 255;
        for (int i = 1; i < w.size(); i++) {
            String k = w.get(i);
            String v = i + 1 < w.size() ? w.get(++i) : null;
            Long n = parser.number(line, v, 0, 255);
            if (k.equals("min_ttl") && n != null) {
                min = (int) (long) n;
            } else if (k.equals("max_ttl") && n != null) {
                max = (int) (long) n;
            } else if (!k.equals("min_ttl") && !k.equals("max_ttl")) {
                parser.warn(line, k, "Unknown unicast_peer option '" + k + "' - expected min_ttl N or max_ttl N");
            }
        }
        if (min > max) {
            parser.warn(line, w.getFirst(), "unicast_peer " + w.getFirst() + " min_ttl " + min + " > max_ttl " + max + " - ignoring ttl range");
            min = 0;
            max = 255;
        }
        return new UnicastPeer(a, min, max);
    }


    // ---------------------------------------------------------------- completion (keepalived's vrrp_complete_instance)

    List<VrrpInstance> complete(List<VrrpInstanceBuilder> builders, GlobalDefs g, List<VrrpScript> scripts, List<TrackFile> files,
                                List<TrackProcess> processes, List<BfdInstance> bfds) {
        List<VrrpInstance> out = new ArrayList<>();
        for (VrrpInstanceBuilder b : builders) {
            VrrpInstance i = complete(b, g, scripts, files, processes, bfds);
            if (i != null) {
                out.add(i);
            }
        }
        // One VRID per interface and family: the adverts of both would be indistinguishable (RFC 5798 section 5.2.3).
        Map<String, VrrpInstance> seen = new HashMap<>();
        List<VrrpInstance> kept = new ArrayList<>();
        for (VrrpInstance i : out) {
            String key = i.interfaceName() + "/" + i.family() + "/" + i.virtualRouterId()
                    + (i.isUnicast() ? "/u" + i.unicastPeers() : "");
            VrrpInstance other = seen.putIfAbsent(key, i);
            if (other != null) {
                VrrpInstanceBuilder b = builders.stream().filter(x -> x.name.equals(i.name())).findFirst().orElseThrow();
                parser.warn(b.at, i.name(), other.name() + " and " + i.name() + " both use VRID " + i.virtualRouterId()
                        + " with " + (i.family() == AddressFamily.IPV4 ? "IPv4" : "IPv6") + " on interface "
                        + i.interfaceName() + " - ignoring " + i.name());
            } else {
                kept.add(i);
            }
        }
        return kept;
    }

    private VrrpInstance complete(VrrpInstanceBuilder b, GlobalDefs g, List<VrrpScript> scripts, List<TrackFile> files,
                                  List<TrackProcess> processes, List<BfdInstance> bfds) {
        String prefix = "(" + b.name + ") ";
        if (b.vrid == null) {
            parser.warn(b.at, b.name, prefix + "the virtual router id must be set - ignoring instance " + b.name);
            return null;
        }
        if (b.iface == null && b.peers.isEmpty()) {
            parser.warn(b.at, b.name, prefix + "Unknown interface! (no 'interface' and no unicast_peer) - ignoring instance " + b.name);
            return null;
        }
        // family from the first address (keepalived: the first VIP decides; native_ipv6 forces IPv6)
        AddressFamily family = null;
        if (b.nativeIpv6) {
            family = AddressFamily.IPV6;
        }
        if (b.source != null && family == null) {
            family = AddressFamily.of(b.source);
        }
        List<VirtualAddress> vips = new ArrayList<>();
        for (Statement line : b.vipLines) {
            VirtualAddress a = virtualAddress(line);
            if (a == null) {
                continue;
            }
            if (family == null) {
                family = a.family();
            } else if (a.family() != family) {
                parser.warn(line, line.keyword(), prefix + "address family must match VRRP instance [" + line.keyword() + "] - ignoring");
                continue;
            }
            vips.add(a);
        }
        if (family == null) {
            family = AddressFamily.IPV4;
        }
        List<VirtualAddress> evips = new ArrayList<>();
        for (Statement line : b.evipLines) {
            VirtualAddress a = virtualAddress(line);
            if (a != null) {
                evips.add(a);
            }
        }
        if (b.source != null && AddressFamily.of(b.source) != family) {
            parser.warn(b.sourceAt, b.sourceAt.words().get(1), "Configuration error: VRRP instance[" + b.name
                    + "] and src address[" + b.sourceAt.words().get(1) + "] MUST be of the same family !!! Skipping...");
            b.source = null;
        }
        List<UnicastPeer> peers = new ArrayList<>();
        for (int k = 0; k < b.peers.size(); k++) {
            UnicastPeer peer = b.peers.get(k);
            Statement line = b.peerLines.get(k);
            if (AddressFamily.of(peer.address()) != family) {
                parser.warn(line, line.keyword(), "Configuration error: VRRP instance[" + b.name + "] and unicast peer address["
                        + line.keyword() + "] MUST be of the same family !!! Skipping...");
            } else if (peers.stream().anyMatch(x -> x.address().equals(peer.address()))) {
                parser.warn(line, line.keyword(), prefix + "unicast peer " + line.keyword() + " specified more than once - ignoring");
            } else {
                peers.add(peer);
            }
        }
        if (b.unicastKeyword && peers.isEmpty()) {
            parser.warn(b.at, b.name, prefix + "A unicast keyword has been specified without any unicast peers. Defaulting to "
                    + "multicast. This usage is deprecated - please update your configuration.");
        }
        boolean strictMode = b.strictMode != null ? b.strictMode : g.strict();
        if (vips.isEmpty()) {
            // keepalived 2.2.7 (vrrp.c): required for VRRPv3 and in strict mode (RFC 5798 5.2.5: Count IPvX Addrs >= 1)
            int v = b.version != null ? b.version : family == AddressFamily.IPV6 ? 3 : g.vrrpVersion();
            parser.warn(b.at, b.name, prefix + "No VIP specified; at least one is "
                    + (v == 3 || strictMode ? "required" : "sensible"));
        }

        // version: instance, else global; IPv6 needs v3 (RFC 5798 is the only VRRP for IPv6)
        int version = b.version != null ? b.version : g.vrrpVersion();
        if (family == AddressFamily.IPV6 && version == 2) {
            if (b.version != null) {
                parser.warn(b.versionAt, "2", prefix + "cannot use IPv6 with VRRP version 2; setting version 3");
            }
            version = 3;
        }
        if (family == AddressFamily.IPV6 && peers.isEmpty() && !vips.isEmpty()
                && !vips.getFirst().address().address().isLinkLocalAddress()) {
            // a configuration error only in strict mode (RFC 5798 5.2.9); otherwise keepalived just logs it
            if (strictMode) {
                parser.warn(b.vipLines.getFirst(), b.vipLines.getFirst().keyword(), prefix + "the first IPv6 VIP address must be link local");
            } else {
                parser.info(b.vipLines.getFirst(), b.vipLines.getFirst().keyword(), prefix + "the first IPv6 VIP address should be link local");
            }
        }

        // advert_int: RFC 3768 5.3.7 (v2): whole seconds, 8 bits; RFC 5798 5.2.7 (v3): centiseconds, 12 bits
        Duration advert = b.advert;
        if (version == 2) {
            long micros = advert.toNanos() / 1000;
            if (micros % 1_000_000 != 0) {
                long rounded = Math.max(1, Math.round(micros / 1_000_000.0));
                parser.warn(b.advertAt, b.advertAt == null ? null : b.advertAt.words().get(1), prefix + "VRRPv2 advertisement interval "
                        + String.format("%.6f", micros / 1e6) + "s must be an integer. rounding");
                advert = Duration.ofSeconds(rounded);
            }
            if (advert.getSeconds() > 255) {
                parser.warn(b.advertAt, b.advertAt == null ? null : b.advertAt.words().get(1), prefix + "VRRPv2 advertisement interval "
                        + advert.getSeconds() + "s is out of range. Must be less than 256s. Setting to 255s");
                advert = Duration.ofSeconds(255);
            }
        } else {
            long centis = Math.round(advert.toNanos() / 1e7);
            String tok = b.advertAt == null ? null : b.advertAt.words().get(1);
            if (centis * 10_000_000L != advert.toNanos()) {
                parser.warn(b.advertAt, tok, prefix + "VRRPv3 advertisement interval " + String.format("%.6f", advert.toNanos() / 1e9)
                        + "s must be in units of 10ms - rounding");
            }
            if (centis > 4095) {
                parser.warn(b.advertAt, tok, prefix + "VRRPv3 advertisement interval " + String.format("%.2f", advert.toNanos() / 1e9)
                        + "s is out of range. Must be less than 40.96s. Setting to 40.95s");
                centis = 4095;
            } else if (centis < 1) {
                parser.warn(b.advertAt, tok, prefix + "VRRPv3 advertisement interval " + String.format("%.6f", advert.toNanos() / 1e9)
                        + "s is out of range. Must be at least 0.01s. Setting to 0.01s");
                centis = 1;
            }
            advert = Duration.ofMillis(centis * 10);
        }

        boolean strict = b.strictMode != null ? b.strictMode : g.strict();
        InitialState state = b.state;
        boolean nopreempt = b.nopreempt;
        Duration preemptDelay = b.preemptDelay;
        Authentication auth = null;
        if (b.authType != null || b.authPass != null) {
            if (b.authType == null) {
                parser.warn(b.authAt, "authentication", prefix + "authentication has auth_pass but no auth_type - ignoring authentication");
            } else if (b.authPass == null) {
                parser.warn(b.authAt, "authentication", prefix + "authentication has auth_type but no auth_pass - ignoring authentication");
            } else {
                auth = new Authentication(b.authType, b.authPass);
            }
        }
        if (strict) {
            if (state == InitialState.MASTER && b.priority != 255) {
                parser.warn(b.stateAt, "MASTER", prefix + "State MASTER must match being address owner");
                state = InitialState.BACKUP;
            }
            if (auth != null) {
                parser.warn(b.authAt, "authentication", prefix + "Strict mode does not support authentication. Ignoring.");
                auth = null;
            }
            if (!preemptDelay.isZero()) {
                parser.warn(b.preemptDelayAt, "preempt_delay", prefix + "preempt_delay is incompatible with strict mode - resetting");
                preemptDelay = Duration.ZERO;
            }
        }
        int downTimerAdverts = b.downTimerAdverts;
        Duration lowerDelay = b.garpLowerDelay;
        Integer lowerRepeat = b.garpLowerRepeat;
        if (strict) {
            // RFC 5798: Master_Down_Interval is 3 x Master_Adver_Interval + Skew_Time
            if (downTimerAdverts != 3) {
                parser.warn(b.at, "down_timer_adverts", prefix + "down_timer_adverts is incompatible with strict mode - resetting");
                downTimerAdverts = 3;
            }
            // the RFCs send one advert/GARP burst; keepalived's lower-priority GARP repeats are an extension
            if (lowerRepeat != null && lowerRepeat != 0) {
                parser.warn(b.garpAt, "garp_lower_prio_repeat", prefix + "Strict mode requires no repeat garps. resetting");
            }
            if (lowerDelay != null && !lowerDelay.isZero()) {
                parser.warn(b.garpAt, "garp_lower_prio_delay", prefix + "Strict mode requires no repeat garp delay. resetting");
            }
            lowerRepeat = 0;
            lowerDelay = Duration.ZERO;
        }
        if (auth != null && version == 3) {
            parser.warn(b.authAt, "authentication", prefix + "VRRP version 3 does not support authentication. Ignoring.");
            auth = null;
        }
        if (auth != null && auth.type() == Authentication.Type.AH && family == AddressFamily.IPV6) {
            parser.warn(b.authAt, "AH", prefix + "Cannot use AH authentication with IPv6 - ignoring authentication");
            auth = null;
        }
        // keepalived 2.2.7 (vrrp.c): a master needs an advert's AH sequence number before it can take over
        if (auth != null && auth.type() == Authentication.Type.AH && state == InitialState.MASTER && b.priority != 255) {
            parser.warn(b.stateAt != null ? b.stateAt : b.at, "MASTER",
                    prefix + "Initial state master is incompatible with AH authentication - clearing");
            state = InitialState.BACKUP;
        }
        if (state == InitialState.MASTER && nopreempt) {
            parser.warn(b.nopreemptAt, "nopreempt", prefix + "Warning - nopreempt will not work with initial state MASTER - clearing");
            nopreempt = false;
        }
        if (state == InitialState.MASTER && !preemptDelay.isZero()) {
            parser.warn(b.preemptDelayAt, "preempt_delay", prefix + "Warning - preempt delay will not work with initial state MASTER - clearing");
            preemptDelay = Duration.ZERO;
        }
        if (b.priority == 255 && nopreempt) {
            parser.warn(b.nopreemptAt, "nopreempt", prefix + "nopreempt is incompatible with priority 255. resetting nopreempt");
            nopreempt = false;
        }
        if (nopreempt && !preemptDelay.isZero()) {
            parser.warn(b.preemptDelayAt, "preempt_delay", prefix + "preempt_delay is incompatible with nopreempt mode - resetting");
            preemptDelay = Duration.ZERO;
        }
        if (b.useVmac && b.vmacXmitBase && b.iface == null) {
            parser.warn(b.at, "vmac_xmit_base", prefix + "vmac_xmit_base needs an interface - ignoring");
        }
        if (b.useVmac && b.raw.stream().anyMatch(r -> r.keyword().equals("promote_secondaries"))) {
            parser.warn(b.at, "promote_secondaries", prefix + "promote_secondaries is automatically set for vmacs - ignoring");
        }
        boolean xmitBase = b.vmacXmitBase;
        if (b.useVmac && !xmitBase && !b.peers.isEmpty()) {
            parser.warn(b.at, "use_vmac", prefix + "unicast with use_vmac requires vmac_xmit_base - setting");
            xmitBase = true;
        }
        if (b.useVmac && xmitBase && strict) {
            parser.warn(b.at, "vmac_xmit_base", prefix + "xmit_base is incompatible with strict mode - resetting");
            xmitBase = false;
        }
        // RFC 5798 6.1 Accept_Mode: default False; keepalived defaults it on unless strict (owner always accepts)
        boolean accept = b.accept != null ? b.accept : !strict;
        if (strict && version == 2 && b.accept != null && b.accept) {
            // RFC 3768 has no Accept_Mode: a VRRPv2 backup that becomes master must not accept packets for the VIPs
            parser.warn(b.at, "accept", prefix + "warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting");
            accept = false;
        }

        GarpSettings globalGarp = g.garp();
        Duration garpDelay = b.garpDelay != null ? b.garpDelay : globalGarp.masterDelay();
        int garpRepeat = b.garpRepeat != null ? b.garpRepeat : globalGarp.masterRepeat();
        GarpSettings garp = new GarpSettings(garpDelay, garpRepeat,
                b.garpRefresh != null ? b.garpRefresh : globalGarp.masterRefresh(),
                b.garpRefreshRepeat != null ? b.garpRefreshRepeat : globalGarp.masterRefreshRepeat(),
                lowerDelay != null ? lowerDelay : (b.garpDelay != null ? garpDelay : globalGarp.lowerPrioDelay()),
                lowerRepeat != null ? lowerRepeat : (b.garpRepeat != null ? garpRepeat : globalGarp.lowerPrioRepeat()));

        if (b.mcastDst != null && !peers.isEmpty()) {
            parser.warn(b.mcastDstAt, "mcast_dst_ip", prefix + "multicast destination specified with unicast - ignoring");
            b.mcastDst = null;
        }
        InetAddress group = b.mcastDst != null ? b.mcastDst
                : family == AddressFamily.IPV6 ? g.multicastGroup6() : g.multicastGroup4();
        if (AddressFamily.of(group) != family) {
            parser.warn(b.at, AddressText.format(group), prefix + "mcast_dst_ip family does not match the instance - using the default group");
            group = family == AddressFamily.IPV6 ? g.multicastGroup6() : g.multicastGroup4();
        }

        List<TrackRef> trackScripts = resolve(b.trackers.scripts, prefix, "track script",
                scripts.stream().map(VrrpScript::name).toList());
        List<TrackRef> trackFiles = resolve(b.trackers.files, prefix, "track file",
                files.stream().map(TrackFile::name).toList());
        List<TrackRef> trackProcs = resolve(b.trackers.processes, prefix, "track process",
                processes.stream().map(TrackProcess::name).toList());
        List<TrackRef> trackBfds = resolve(b.trackers.bfds, prefix, "track bfd",
                bfds.stream().map(BfdInstance::name).toList());
        List<TrackedInterface> trackIfs = new ArrayList<>();
        for (TrackedInterface t : b.trackers.interfaces) {
            if (t.name().equals(b.iface)) {
                // the instance already goes to FAULT when its own interface goes down (keepalived drops it, any weight)
                parser.warn(b.at, t.name(), prefix + "Ignoring track_interface " + t.name() + " since own interface");
            } else {
                trackIfs.add(t);
            }
        }
        if (b.priority == 255) {
            // RFC 5798 6.1: the owner's priority is 255 and cannot change, so weighted trackers mean nothing;
            // keepalived drops them (weight 0 trackers still put the instance in FAULT)
            trackScripts = dropWeighted(trackScripts, prefix, "script", r -> scripts.stream()
                    .filter(x -> x.name().equals(r.name())).findFirst().map(VrrpScript::weight).orElse(0), b.at);
            trackFiles = dropWeighted(trackFiles, prefix, "file", r -> files.stream()
                    .filter(x -> x.name().equals(r.name())).findFirst().map(TrackFile::weight).orElse(0), b.at);
            trackProcs = dropWeighted(trackProcs, prefix, "process", r -> processes.stream()
                    .filter(x -> x.name().equals(r.name())).findFirst().map(TrackProcess::weight).orElse(0), b.at);
            trackBfds = dropWeighted(trackBfds, prefix, "bfd", r -> bfds.stream()
                    .filter(x -> x.name().equals(r.name())).findFirst().map(BfdInstance::weight).orElse(0), b.at);
            List<TrackedInterface> kept = new ArrayList<>();
            for (TrackedInterface t : trackIfs) {
                if (t.weight() != 0) {
                    parser.warn(b.at, t.name(), prefix + "ignoring tracked interface " + t.name() + " with weights due to address_owner");
                } else {
                    kept.add(t);
                }
            }
            trackIfs = kept;
        }

        // RFC 5798 6.4.3: a master receiving a lower priority advert ignores it; one that hears a higher priority
        // steps down without an advert of its own: keepalived's extensions are cleared in strict mode
        boolean lowerPrioNoAdvert = b.lowerPrioNoAdvert != null ? b.lowerPrioNoAdvert : g.lowerPrioNoAdvert();
        boolean higherPrioSendAdvert = b.higherPrioSendAdvert != null ? b.higherPrioSendAdvert : g.higherPrioSendAdvert();
        if (strict) {
            if (b.lowerPrioNoAdvert != null && !b.lowerPrioNoAdvert) {
                parser.warn(b.lowerPrioNoAdvertAt, "lower_prio_no_advert", prefix + "Strict mode requires no lower priority advert. resetting");
            }
            if (b.higherPrioSendAdvert != null && b.higherPrioSendAdvert) {
                parser.warn(b.higherPrioSendAdvertAt, "higher_prio_send_advert", prefix + "strict mode requires higher_prio_send_advert to be clear. resetting");
            }
            lowerPrioNoAdvert = true;
            higherPrioSendAdvert = false;
        }

        return new VrrpInstance(b.name, state, b.iface, b.vrid, b.priority, advert, version, family, !nopreempt,
                preemptDelay, auth, vips, evips, b.routes, b.rules, b.source, group, peers, trackIfs,
                trackScripts, trackFiles, trackProcs, trackBfds, b.notify.build(), garp, accept,
                b.useVmac, b.vmacName, xmitBase, strict, b.dontTrackPrimary,
                b.skipCheckAdvAddr != null ? b.skipCheckAdvAddr : g.skipCheckAdvAddr(),
                higherPrioSendAdvert, lowerPrioNoAdvert, downTimerAdverts, b.smtpAlert, b.raw);
    }

    private List<TrackRef> unweighted(List<TrackRef> refs, String prefix, String what, String action,
                                      java.util.function.ToIntFunction<TrackRef> ownWeight, Statement at) {
        List<TrackRef> out = new ArrayList<>();
        for (TrackRef r : refs) {
            int w = r.weight() != null ? r.weight() : ownWeight.applyAsInt(r);
            if (w != 0) {
                parser.warn(at, r.name(), prefix + "Cannot have weighted track " + what + " '" + r.name()
                        + "' with member having priority 255 - " + action);
                r = new TrackRef(r.name(), 0, false);
            }
            out.add(r);
        }
        return out;
    }

    private List<TrackRef> dropWeighted(List<TrackRef> refs, String prefix, String what,
                                        java.util.function.ToIntFunction<TrackRef> ownWeight, Statement at) {
        List<TrackRef> out = new ArrayList<>();
        for (TrackRef r : refs) {
            int w = r.weight() != null ? r.weight() : ownWeight.applyAsInt(r);
            if (w != 0) {
                parser.warn(at, r.name(), prefix + "ignoring tracked " + what + " " + r.name() + " with weights due to address_owner");
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /** Names of the trackers of a kind in the order their blocks were read (including ones later removed). */
    private List<String> readOrder(String what) {
        return switch (what) {
            case "track script" -> parser.topLevel.scripts.stream().map(x -> x.name).toList();
            case "track file" -> parser.topLevel.trackFiles.stream().map(x -> x.name).toList();
            case "track process" -> parser.topLevel.trackProcesses.stream().map(x -> x.name).toList();
            default -> parser.topLevel.bfds.stream().map(x -> x.name).toList();
        };
    }

    private List<TrackRef> resolve(List<TrackerReference> refs, String prefix, String what, List<String> defined) {
        List<TrackRef> out = new ArrayList<>();
        List<String> order = readOrder(what);
        for (TrackerReference r : refs) {
            int idx = order.indexOf(r.ref().name());
            if (!defined.contains(r.ref().name()) || idx < 0 || idx >= r.definedBefore()) {
                parser.warn(r.at(), r.ref().name(), prefix + what + " " + r.ref().name() + " not found, ignoring...");
            } else {
                out.add(r.ref());
            }
        }
        return out;
    }

    List<VrrpSyncGroup> completeGroups(List<SyncGroupBuilder> groups, List<VrrpInstance> instances,
                                       List<VrrpScript> scripts, List<TrackFile> files, List<TrackProcess> processes,
                                       List<BfdInstance> bfds) {
        List<VrrpSyncGroup> out = new ArrayList<>();
        Map<String, String> memberOf = new HashMap<>();
        Set<String> instanceNames = new HashSet<>();
        instances.forEach(i -> instanceNames.add(i.name()));
        for (SyncGroupBuilder g : groups) {
            List<String> members = new ArrayList<>();
            for (Statement line : g.groupLines) {
                for (String name : line.words()) {
                    if (!instanceNames.contains(name)) {
                        parser.warn(line, name, "Virtual router " + name + " specified in sync group " + g.name + " doesn't exist - ignoring");
                    } else if (memberOf.containsKey(name)) {
                        parser.warn(line, name, "Virtual router " + name + " cannot exist in more than one sync group; ignoring "
                                + g.name);
                    } else if (!members.contains(name)) {
                        memberOf.put(name, g.name);
                        members.add(name);
                    }
                }
            }
            if (members.isEmpty()) {
                parser.warn(g.at, g.name, "Sync group " + g.name + " has no virtual router(s) - removing");
                continue;
            }
            if (members.size() == 1) {
                parser.warn(g.at, g.name, "Sync group " + g.name + " has only 1 virtual router(s) - this probably isn't what you want");
            }
            String prefix = "(" + g.name + ") ";
            List<TrackedInterface> ifs = g.trackers.interfaces;
            List<TrackRef> scriptRefs = resolve(g.trackers.scripts, prefix, "track script",
                    scripts.stream().map(VrrpScript::name).toList());
            List<TrackRef> fileRefs = resolve(g.trackers.files, prefix, "track file",
                    files.stream().map(TrackFile::name).toList());
            List<TrackRef> processRefs = resolve(g.trackers.processes, prefix, "track process",
                    processes.stream().map(TrackProcess::name).toList());
            List<TrackRef> bfdRefs = resolve(g.trackers.bfds, prefix, "track bfd",
                    bfds.stream().map(BfdInstance::name).toList());
            boolean ownerMember = instances.stream().anyMatch(i -> members.contains(i.name()) && i.isAddressOwner());
            if (ownerMember) {
                // a member owning its addresses has priority 255 for good (RFC 5798 6.1): group weights cannot apply
                scriptRefs = unweighted(scriptRefs, prefix, "script", "clearing weight", r -> scripts.stream()
                        .filter(x -> x.name().equals(r.name())).findFirst().map(VrrpScript::weight).orElse(0), g.at);
                fileRefs = unweighted(fileRefs, prefix, "file", "setting weight 0", r -> files.stream()
                        .filter(x -> x.name().equals(r.name())).findFirst().map(TrackFile::weight).orElse(0), g.at);
                processRefs = unweighted(processRefs, prefix, "process", "clearing weight", r -> processes.stream()
                        .filter(x -> x.name().equals(r.name())).findFirst().map(TrackProcess::weight).orElse(0), g.at);
                bfdRefs = unweighted(bfdRefs, prefix, "bfd", "clearing weight", r -> bfds.stream()
                        .filter(x -> x.name().equals(r.name())).findFirst().map(BfdInstance::weight).orElse(0), g.at);
                List<TrackedInterface> cleared = new ArrayList<>();
                for (TrackedInterface t : ifs) {
                    if (t.weight() != 0) {
                        parser.warn(g.at, t.name(), prefix + "Cannot have weighted track interface '" + t.name()
                                + "' with member having priority 255 - clearing weight");
                        t = new TrackedInterface(t.name(), 0, false);
                    }
                    cleared.add(t);
                }
                ifs = cleared;
            }
            out.add(new VrrpSyncGroup(g.name, members, ifs, scriptRefs, fileRefs, processRefs, bfdRefs, g.notify.build(),
                    g.smtpAlert, g.trackingWeight));
        }
        return out;
    }
}
