package halo.config;

import halo.lvs.ForwardingMethod;
import halo.lvs.Protocol;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Builds random models in the form the loader produces: values inside keepalived's ranges and already corrected
 * (so loading their text gives no diagnostic and the same model). Driven by a seed the property runner chooses.
 */
final class ModelGenerator {
    private final Random r;

    ModelGenerator(long seed) {
        this.r = new Random(seed);
    }

    // ---------------------------------------------------------------- small values

    boolean chance(int percent) {
        return r.nextInt(100) < percent;
    }

    int between(int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    String word() {
        String first = "abcdefghijklmnopqrstuvwxyz";
        String rest = "abcdefghijklmnopqrstuvwxyz0123456789_.-";
        StringBuilder s = new StringBuilder().append(first.charAt(r.nextInt(first.length())));
        int n = r.nextInt(10);
        for (int i = 0; i < n; i++) {
            s.append(rest.charAt(r.nextInt(rest.length())));
        }
        return s.toString();
    }

    String path() {
        return "/" + word() + "/" + word();
    }

    String commandLine() {
        String p = path();
        if (chance(60)) {
            p += " " + word() + (chance(50) ? " " + word() : "");
        }
        return p;
    }

    ScriptCommand script() {
        String user = chance(30) ? word() : null;
        return new ScriptCommand(commandLine(), user, user != null && chance(50) ? word() : null);
    }

    ScriptCommand maybeScript() {
        return chance(40) ? script() : null;
    }

    Duration seconds(int maxSeconds) {
        return chance(50) ? Duration.ofSeconds(r.nextInt(maxSeconds + 1)) : Duration.ofMillis(r.nextInt(maxSeconds * 1000 + 1));
    }

    Duration connectTimeout() {
        return Duration.ofMillis(between(1, 30_000));
    }

    Duration wholeSeconds(int min, int max) {
        return Duration.ofSeconds(between(min, max));
    }

    Duration positiveSeconds(int maxSeconds) {
        Duration d = seconds(maxSeconds);
        return d.isZero() ? Duration.ofMillis(1 + r.nextInt(999)) : d;
    }

    InetAddress v4() {
        return Addresses.parse((chance(50) ? "192.0.2." : chance(50) ? "198.51.100." : "203.0.113.") + between(1, 254));
    }

    InetAddress v6() {
        return Addresses.parse("2001:db8::" + Integer.toHexString(between(1, 0xffff)) + (chance(30) ? ":" + Integer.toHexString(between(0, 0xffff)) : ""));
    }

    InetAddress addr(AddressFamily f) {
        return f == AddressFamily.IPV6 ? v6() : v4();
    }

    AddressFamily family() {
        return chance(70) ? AddressFamily.IPV4 : AddressFamily.IPV6;
    }

    IpPrefix prefix(AddressFamily f) {
        InetAddress a = addr(f);
        return new IpPrefix(a, f == AddressFamily.IPV6 ? between(8, 128) : between(8, 32));
    }

    Integer maybeWeight(int max) {
        return chance(50) ? null : between(-max, max);
    }

    List<RawSetting> raw(List<String> keywords) {
        List<RawSetting> out = new ArrayList<>();
        if (chance(30)) {
            out.add(new RawSetting(keywords.get(r.nextInt(keywords.size())), chance(50) ? List.of() : List.of(word())));
        }
        return out;
    }

    // ---------------------------------------------------------------- the model

    KeepalivedConfig config() {
        GlobalDefs g = global();
        List<VrrpScript> scripts = new ArrayList<>();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            scripts.add(new VrrpScript("chk" + i, script(), wholeSeconds(1, 30), wholeSeconds(1, 30), between(-253, 253),
                    chance(20), between(1, 5), between(1, 5), chance(20)));
        }
        List<TrackFile> files = new ArrayList<>();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            boolean init = chance(30);
            files.add(new TrackFile("tf" + i, path(), between(-254, 254), chance(20), init, init ? between(-100, 100) : 0,
                    init && chance(50)));
        }
        List<TrackProcess> procs = new ArrayList<>();
        for (int i = 0, n = r.nextInt(2); i < n; i++) {
            int quorum = between(1, 5);
            procs.add(new TrackProcess("tp" + i, word(), chance(50) ? List.of(word()) : List.of(),
                    List.of("exact", "partial", "initial").get(r.nextInt(3)), between(-253, 253), chance(20), quorum,
                    chance(50) ? Integer.MAX_VALUE : between(quorum, 10), seconds(5), seconds(5), chance(20)));
        }
        List<BfdInstance> bfds = new ArrayList<>();
        for (int i = 0, n = r.nextInt(2); i < n; i++) {
            AddressFamily f = family();
            bfds.add(new BfdInstance("bfd" + i, addr(f), chance(50) ? addr(f) : null, Duration.ofMillis(between(1, 5000)),
                    Duration.ofMillis(between(1, 5000)), Duration.ofMillis(between(1, 5000)), between(1, 255), chance(20),
                    between(128, 255), between(0, 127), between(-253, 253)));
        }
        List<VrrpInstance> instances = new ArrayList<>();
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            instances.add(instance(i, g, scripts, files, procs, bfds));
        }
        List<VrrpSyncGroup> groups = new ArrayList<>();
        if (instances.size() >= 2 && chance(50)) {
            boolean owner = instances.get(0).isAddressOwner() || instances.get(1).isAddressOwner();
            groups.add(new VrrpSyncGroup("G1", List.of(instances.get(0).name(), instances.get(1).name()),
                    trackedInterfaces(owner, null), refs(scripts.stream().map(VrrpScript::name).toList(), owner),
                    refs(files.stream().map(TrackFile::name).toList(), owner), List.of(), List.of(),
                    syncGroupNotifyScripts(), chance(50), chance(50)));
        }
        List<VirtualServerGroup> vsGroups = new ArrayList<>();
        if (chance(30)) {
            List<VirtualServerGroup.Entry> entries = new ArrayList<>();
            for (int i = 0, n = between(1, 3); i < n; i++) {
                int lo = between(1, 200);
                entries.add(new VirtualServerGroup.Range(Addresses.parse("192.0.2." + lo),
                        Addresses.parse("192.0.2." + between(lo, 254)), between(1, 65535)));
            }
            vsGroups.add(new VirtualServerGroup("VSG1", entries));
        }
        List<VirtualServer> servers = new ArrayList<>();
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            servers.add(virtualServer(i, vsGroups, files, bfds));
        }
        List<VirtualAddress> statics = new ArrayList<>();
        for (int i = 0, n = r.nextInt(2); i < n; i++) {
            statics.add(address(family(), false));
        }
        List<VirtualRoute> routes = chance(30) ? List.of(route(family())) : List.of();
        List<VirtualRule> rules = chance(30) ? List.of(rule(family())) : List.of();
        List<StaticTrackGroup> trackGroups = chance(20) ? List.of(new StaticTrackGroup("stg", List.of(word()))) : List.of();
        SslSettings ssl = chance(20) ? new SslSettings(chance(50) ? word() : null, chance(50) ? path() : null,
                chance(50) ? path() : null, chance(50) ? path() : null) : null;
        return new KeepalivedConfig(g, statics, routes, rules, trackGroups, scripts, files, procs, groups, instances, bfds,
                ssl, vsGroups, servers);
    }

    GlobalDefs global() {
        GarpSettings garp = new GarpSettings(wholeSeconds(0, 255), between(1, 255), wholeSeconds(0, 1000), between(1, 255),
                wholeSeconds(0, 255), between(0, 255));
        List<String> emails = new ArrayList<>();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            emails.add(word() + "@" + word());
        }
        String smtp = chance(50) ? "192.0.2." + between(1, 254) : null;
        return new GlobalDefs(chance(70) ? word() : null, emails, chance(50) ? word() + "@" + word() : null,
                smtp, smtp == null ? 25 : between(1, 65535), chance(30) ? word() : null,
                // smtp_connect_timeout: keepalived corrects 0 to 1
                wholeSeconds(1, 100), chance(30) ? word() : null, null, chance(50),
                chance(30) ? new GlobalDefs.StartStopScripts(chance(50) ? script() : null, wholeSeconds(1, 1000),
                        chance(50) ? script() : null, wholeSeconds(1, 1000)) : GlobalDefs.StartStopScripts.NONE,
                chance(30) ? new GlobalDefs.Fifo(path(), chance(50) ? script() : null) : null,
                chance(20) ? new GlobalDefs.Fifo(path(), null) : null, chance(20) ? new GlobalDefs.Fifo(path(), script()) : null,
                chance(70) ? 2 : 3, Addresses.parse("224.0.0." + between(1, 254)),
                Addresses.parse("ff02::" + Integer.toHexString(between(1, 0xfff))), garp, seconds(2), seconds(2),
                chance(50), chance(50), chance(20), chance(50), seconds(60), chance(20), chance(50) ? -1 : between(0, 99),
                chance(70) ? null : halo.lvs.DataPlaneKind.values()[r.nextInt(3)],
                chance(70) ? null : new halo.lvs.IpvsTimeouts(between(0, 7200), between(0, 600), between(0, 600)),
                chance(80) ? null : "192.0.2." + between(1, 254) + ":" + between(1, 65535),
                raw(List.of("lvs_flush", "vrrp_priority", "checker_priority", "enable_snmp_vrrp", "vrrp_no_swap")));
    }

    VirtualAddress address(AddressFamily f, boolean linkLocal) {
        IpPrefix a = linkLocal ? new IpPrefix(Addresses.parse("fe80::" + Integer.toHexString(between(1, 0xffff))), 64)
                : prefix(f);
        return new VirtualAddress(a, f == AddressFamily.IPV4 && chance(30) ? v4() : null, chance(40) ? "eth" + between(0, 3) : null,
                chance(20) ? List.of("global", "site", "link", "host", "nowhere").get(r.nextInt(5)) : null,
                chance(20) ? "eth0:" + between(0, 9) : null, chance(10) ? prefix(f) : null, chance(10), chance(10),
                chance(10), chance(10), chance(20));
    }

    VirtualRoute route(AddressFamily f) {
        String dev = chance(50) ? "eth1" : null;
        // keepalived tracks a route by its interface: without one it is not tracked
        return new VirtualRoute(chance(80) ? "unicast" : "blackhole", prefix(f), chance(30) ? addr(f) : null,
                chance(50) ? addr(f) : null, dev, chance(30) ? Integer.toString(between(1, 250)) : null,
                chance(30) ? between(0, 1000) : -1, chance(20) ? "link" : null, dev == null || chance(20),
                chance(20) ? List.of("onlink") : List.of());
    }

    VirtualRule rule(AddressFamily f) {
        IpPrefix from = chance(70) ? prefix(f) : null;
        IpPrefix to = chance(40) ? prefix(f) : null;
        String table = chance(70) ? Integer.toString(between(1, 250)) : null;
        long priority = chance(40) ? between(1, 32000) : -1;
        List<String> words = new ArrayList<>();
        if (from != null) {
            words.add("from");
            words.add(from.toString());
        }
        if (to != null) {
            words.add("to");
            words.add(to.toString());
        }
        if (table != null) {
            words.add("table");
            words.add(table);
        }
        if (priority >= 0) {
            words.add("priority");
            words.add(Long.toString(priority));
        }
        if (words.isEmpty()) {
            words.add("from");
            words.add("all");
        }
        return new VirtualRule(from, to, table, priority, chance(20), words);
    }

    List<TrackedInterface> trackedInterfaces(boolean owner, String own) {
        List<TrackedInterface> out = new ArrayList<>();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            out.add(new TrackedInterface("trk" + i, owner ? 0 : between(-253, 253), !owner && chance(20)));
        }
        return out;
    }

    List<TrackRef> refs(List<String> names, boolean owner) {
        List<TrackRef> out = new ArrayList<>();
        for (String n : names) {
            if (chance(50)) {
                Integer w = owner ? Integer.valueOf(0) : maybeWeight(253);
                out.add(new TrackRef(n, w, w != null && chance(20)));
            }
        }
        return out;
    }

    /** A sync group's: keepalived 2.2.7 has neither notify_deleted nor notify_master_rx_lower_pri there. */
    NotifyScripts syncGroupNotifyScripts() {
        return new NotifyScripts(maybeScript(), maybeScript(), maybeScript(), maybeScript(), null, maybeScript(), null);
    }

    NotifyScripts notifyScripts() {
        return new NotifyScripts(maybeScript(), maybeScript(), maybeScript(), maybeScript(), maybeScript(), maybeScript(),
                maybeScript());
    }

    VrrpInstance instance(int index, GlobalDefs g, List<VrrpScript> scripts, List<TrackFile> files,
                          List<TrackProcess> procs, List<BfdInstance> bfds) {
        AddressFamily f = family();
        int version = f == AddressFamily.IPV6 ? 3 : chance(50) ? 2 : 3;
        int priority = chance(20) ? 255 : between(1, 254);
        boolean owner = priority == 255;
        boolean strict = chance(20);
        InitialState state = chance(50) ? InitialState.MASTER : InitialState.BACKUP;
        if (strict && state == InitialState.MASTER && !owner) {
            state = InitialState.BACKUP;
        }
        boolean preempt = state == InitialState.MASTER || owner || chance(50);
        Duration delay = preempt && state == InitialState.BACKUP && !strict && chance(40) ? seconds(1000) : Duration.ZERO;
        Duration advert = version == 2 ? Duration.ofSeconds(between(1, 255)) : Duration.ofMillis(10L * between(1, 4095));
        Authentication auth = null;
        if (version == 2 && !strict && chance(40)) {
            StringBuilder pw = new StringBuilder();
            for (int i = 0, n = between(1, 8); i < n; i++) {
                pw.append((char) between('a', 'z'));
            }
            // keepalived clears state MASTER with AH (but for the address owner)
            boolean ah = f == AddressFamily.IPV4 && (state == InitialState.BACKUP || owner) && chance(30);
            auth = new Authentication(ah ? Authentication.Type.AH : Authentication.Type.PASS,
                    pw.toString());
        }
        List<VirtualAddress> vips = new ArrayList<>();
        for (int i = 0, n = between(1, 3); i < n; i++) {
            vips.add(address(f, f == AddressFamily.IPV6 && i == 0));
        }
        List<VirtualAddress> evips = chance(20) ? List.of(address(family(), false)) : List.of();
        List<UnicastPeer> peers = new ArrayList<>();
        if (chance(30)) {
            Set<InetAddress> seen = new LinkedHashSet<>();
            for (int i = 0, n = between(1, 2); i < n; i++) {
                seen.add(addr(f));
            }
            for (InetAddress a : seen) {
                int min = between(0, 100);
                peers.add(new UnicastPeer(a, min, between(min, 255)));
            }
        }
        InetAddress group = f == AddressFamily.IPV6 ? Addresses.parse("ff02::" + Integer.toHexString(between(1, 0xfff)))
                : Addresses.parse("224.0.0." + between(1, 254));
        if (!peers.isEmpty()) {
            // unicast: keepalived ignores mcast_dst_ip, the group stays the global default
            group = f == AddressFamily.IPV6 ? g.multicastGroup6() : g.multicastGroup4();
        }
        GarpSettings garp = new GarpSettings(wholeSeconds(0, 255), between(1, 255), wholeSeconds(0, 1000), between(1, 255),
                strict ? Duration.ZERO : wholeSeconds(0, 255), strict ? 0 : between(0, 255));
        boolean accept = !(strict && version == 2) && chance(70);
        // use_vmac with unicast peers: keepalived sets vmac_xmit_base (with a warning), which strict mode clears
        boolean vmac = chance(20) && !(strict && !peers.isEmpty());
        return new VrrpInstance("VI_" + index, state, "eth" + between(0, 3), index + 1, priority, advert, version, f,
                preempt, delay, auth, vips, evips, chance(20) ? List.of(route(f)) : List.of(),
                chance(20) ? List.of(rule(f)) : List.of(), chance(30) ? addr(f) : null, group, peers,
                trackedInterfaces(owner, null), refs(scripts.stream().map(VrrpScript::name).toList(), owner),
                refs(files.stream().map(TrackFile::name).toList(), owner),
                refs(procs.stream().map(TrackProcess::name).toList(), owner),
                refs(bfds.stream().map(BfdInstance::name).toList(), owner), notifyScripts(), garp, accept, vmac,
                vmac && chance(50) ? "vrrp." + (index + 1) : null, vmac && !strict && (!peers.isEmpty() || chance(30)),
                strict, chance(20), chance(30),
                // strict mode: higher_prio_send_advert off, lower_prio_no_advert on (keepalived resets them)
                !strict && chance(30), strict || chance(30), strict ? 3 : between(1, 100), chance(30),
                // not debug: alone (as raw() may write it) it stops keepalived 2.2.7, which reads its level unchecked
                // promote_secondaries with use_vmac: keepalived's warning ("automatically set for vmacs - ignoring")
                raw(vmac ? List.of("linkbeat_use_polling", "track_src_ip")
                        : List.of("linkbeat_use_polling", "promote_secondaries", "track_src_ip")));
    }

    static final List<String> SCHEDULERS = List.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq",
            "fo", "ovf", "mh", "twos");

    Tunnel tunnel() {
        return switch (r.nextInt(3)) {
            case 0 -> Tunnel.IPIP;
            case 1 -> new Tunnel(Tunnel.Type.GUE, between(1, 65535), chance(50) ? "csum" : null);
            default -> new Tunnel(Tunnel.Type.GRE, 0, chance(50) ? "nocsum" : null);
        };
    }

    ForwardingMethod method() {
        return ForwardingMethod.values()[r.nextInt(3)];
    }

    VirtualServer virtualServer(int index, List<VirtualServerGroup> groups, List<TrackFile> files, List<BfdInstance> bfds) {
        VirtualServerAddress address;
        AddressFamily f = family();
        int kind = r.nextInt(groups.isEmpty() ? 2 : 3);
        if (kind == 0) {
            address = new VirtualServerAddress.Socket(addr(f), 1000 + index); // unique per index
        } else if (kind == 1) {
            address = new VirtualServerAddress.Fwmark(index + 1, f);
        } else {
            address = new VirtualServerAddress.Group(groups.getFirst().name());
            f = AddressFamily.IPV4;
        }
        boolean fwmark = kind == 1;
        int vsPort = address instanceof VirtualServerAddress.Socket s ? s.port() : 0;
        // groups: keep every server NAT so keepalived has no port complaint
        ForwardingMethod m = kind == 2 ? ForwardingMethod.NAT : method();
        Tunnel t = m == ForwardingMethod.TUN ? tunnel() : null;
        String sched = SCHEDULERS.get(r.nextInt(SCHEDULERS.size()));
        List<String> flags = new ArrayList<>();
        if (sched.equals("sh") && chance(50)) {
            flags.add("sh-port");
        }
        if (sched.equals("mh") && chance(50)) {
            flags.add("mh-fallback");
        }
        if (chance(20)) {
            flags.add("flag-1");
        }
        List<RealServer> reals = new ArrayList<>();
        String vsVirtualhost = chance(20) ? word() : null;
        Duration vsDelayLoop = seconds(100);
        int vsRetry = chance(30) ? between(0, 10) : -1;
        Duration vsDbr = chance(30) ? seconds(10) : null;
        Duration vsWarmup = chance(30) ? seconds(10) : null;
        boolean vsAlpha = chance(30);
        VsDefaults defaults = new VsDefaults(vsDelayLoop, vsRetry, vsDbr, vsWarmup, vsAlpha);
        int total = 0;
        for (int i = 0, n = between(1, 3); i < n; i++) {
            ForwardingMethod rm = kind == 2 ? ForwardingMethod.NAT : chance(70) ? m : method();
            int port = rm == ForwardingMethod.NAT ? (fwmark ? between(0, 65535) : between(1, 65535))
                    : fwmark ? 0 : kind == 2 ? between(1, 65535) : vsPort;
            int weight = i == 0 ? between(1, 100) : between(0, 100);
            total += weight;
            String rsVirtualhost = chance(20) ? word() : null;
            InetAddress rsAddress = Addresses.parse((f == AddressFamily.IPV6 ? "2001:db8::1:" : "198.51.100.") + (i + 1));
            reals.add(new RealServer(rsAddress,
                    port, weight, rm, rm == ForwardingMethod.TUN ? tunnel() : null, chance(30), maybeScript(),
                    maybeScript(), chance(20) ? between(1, 1000) : 0, chance(20) ? between(1, 1000) : 0,
                    chance(30) ? seconds(100) : null, rsVirtualhost,
                    checkers(rsAddress, rsVirtualhost != null ? rsVirtualhost : vsVirtualhost, defaults, files, bfds)));
        }
        RealServer sorry = null;
        boolean sorryInhibit = false;
        if (chance(30)) {
            sorryInhibit = chance(30);
            ForwardingMethod sm = kind == 2 ? ForwardingMethod.NAT : chance(70) ? m : method();
            int port = sm == ForwardingMethod.NAT ? (fwmark ? between(0, 65535) : between(1, 65535))
                    : fwmark ? 0 : kind == 2 ? between(1, 65535) : vsPort;
            sorry = new RealServer(addr(f), port, 1, sm, sm == ForwardingMethod.TUN ? tunnel() : null, sorryInhibit, null,
                    null, 0, 0, null, null, List.of());
        }
        int quorum = between(1, total);
        Protocol protocol = fwmark ? null : Protocol.values()[r.nextInt(3)];
        return new VirtualServer(address, protocol, sched, flags, m, t,
                chance(30) ? Duration.ofSeconds(between(1, 10000)) : null,
                chance(20) ? CheckParser.prefixMask(between(1, 32), false) : null, vsDelayLoop,
                chance(30) ? connectTimeout() : null, vsRetry, vsDbr, vsWarmup, chance(20), sorry, sorryInhibit, quorum,
                between(0, quorum - 1), maybeScript(), maybeScript(), vsAlpha, chance(30), !fwmark && chance(20),
                vsVirtualhost,
                reals, chance(20) && (fwmark || protocol == Protocol.UDP) ? List.of(new RawSetting("ops", List.of())) : List.of(),
                chance(70) ? ProxySettings.DEFAULT : new ProxySettings(
                        ProxySettings.ProxyHeader.values()[r.nextInt(3)], chance(50), chance(50) ? 0 : between(1, 100000)));
    }

    record VsDefaults(Duration delayLoop, int retry, Duration delayBeforeRetry, Duration warmup, boolean alpha) {}

    List<Checker> checkers(InetAddress rsAddress, String inheritedVirtualhost, VsDefaults vs, List<TrackFile> files,
                           List<BfdInstance> bfds) {
        List<Checker> out = new ArrayList<>();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            int kind = r.nextInt(9);
            boolean needsPort = kind <= 4; // TCP HTTP SMTP DNS UDP
            AddressFamily f = family();
            Checker.Common c = new Checker.Common(addr(f), needsPort ? between(1, 65535) : chance(30) ? between(1, 65535) : 0,
                    chance(20) ? addr(f) : null, chance(20) ? between(1, 65535) : 0, chance(20) ? "eth" + between(0, 3) : null,
                    chance(20) ? between(1, 1000) : 0, connectTimeout(), between(0, 10), seconds(30), seconds(60), seconds(100),
                    chance(30), chance(20));
            if (kind >= 6) {
                // MISC_CHECK, FILE_CHECK, BFD_CHECK do not connect: fixed connection values
                c = new Checker.Common(rsAddress, 0, null, 0, null, 0, Duration.ofSeconds(5), c.retry(),
                        c.delayBeforeRetry(), c.warmup(), c.delayLoop(), c.alpha(), c.logAllFailures());
            }
            if (kind >= 7) {
                // FILE_CHECK, BFD_CHECK: the virtual server's timing; FILE_CHECK also its alpha
                c = new Checker.Common(rsAddress, 0, null, 0, null, 0, Duration.ofSeconds(5), vs.retry() >= 0 ? vs.retry() : 1,
                        vs.delayBeforeRetry() != null ? vs.delayBeforeRetry() : Duration.ofSeconds(1),
                        vs.warmup() != null ? vs.warmup() : vs.delayLoop(), vs.delayLoop(),
                        kind == 7 ? vs.alpha() : c.alpha(), false);
            }
            switch (kind) {
                case 0 -> out.add(new Checker.Tcp(c));
                case 1 -> {
                    List<Checker.Url> urls = new ArrayList<>();
                    for (int u = 0, nu = between(1, 2); u < nu; u++) {
                        String digest = chance(30) ? "0123456789abcdef0123456789abcdef" : null;
                        String regex = chance(20) ? "^ok[a-z]+" : null;
                        List<Checker.StatusRange> codes = new ArrayList<>();
                        if (chance(70) || (digest == null && regex == null)) {
                            int from = between(100, 599);
                            codes.add(new Checker.StatusRange(from, chance(50) ? from : between(from, 599)));
                        }
                        urls.add(new Checker.Url("/" + word(), digest, codes, chance(20) ? word() : null, regex,
                                regex != null && chance(30), chance(20) ? List.of(new RawSetting("regex_options", List.of("caseless"))) : List.of()));
                    }
                    out.add(new Checker.Http(c, chance(40), urls, List.of("1.0", "1.0C", "1.1").get(r.nextInt(3)),
                            chance(30) ? word() : inheritedVirtualhost, chance(30), chance(30)));
                }
                case 2 -> out.add(new Checker.Smtp(c, chance(50) ? word() : null));
                case 3 -> out.add(new Checker.Dns(c, List.of("A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA").get(r.nextInt(7)), word()));
                case 4 -> out.add(new Checker.Udp(c, chance(50) ? "0a0b0c" : null, chance(30) ? "" : chance(50) ? "0axx" : null,
                        chance(30) ? between(1, 100) : 0, chance(30) ? between(100, 1000) : 0));
                case 5 -> out.add(new Checker.Ping(c));
                case 6 -> out.add(new Checker.Misc(c, script(), wholeSeconds(0, 30), chance(30)));
                case 7 -> {
                    if (!files.isEmpty()) {
                        Integer w = maybeWeight(254);
                        out.add(new Checker.File(c, files.get(r.nextInt(files.size())).name(), w, w != null && chance(30)));
                    }
                }
                default -> {
                    if (!bfds.isEmpty()) {
                        out.add(new Checker.Bfd(c, bfds.get(r.nextInt(bfds.size())).name(), null, false));
                    }
                }
            }
        }
        return out;
    }
}
