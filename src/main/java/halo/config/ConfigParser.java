package halo.config;

import halo.config.source.Diagnostic;
import halo.config.source.Diagnostic.Severity;
import halo.config.source.Statement;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * Walks the statement tree the way keepalived's parser walks its token stream: one keyword table per block, handlers
 * fill mutable builders, and the builders are completed (defaults, corrections) into the immutable model.
 *
 * <p>keepalived quirk kept on purpose: an unknown keyword followed by a block gets "Unexpected '{' - ignoring"; the
 * block's lines are then read at the current level and its closing brace closes the enclosing block.
 */
final class ConfigParser {

    // ---------------------------------------------------------------- keyword dispatch

    interface Ctx {
        Map<String, H> table();

        default void end() {}
    }

    sealed interface H {}

    /** A keyword taking arguments only. */
    record Simple(BiConsumer<Ctx, Statement> f) implements H {}

    /** A keyword opening a block of keywords: returns the block's context, or null to skip the block. */
    record Block(BiFunction<Ctx, Statement, Ctx> f) implements H {}

    /** A keyword followed by a block of values (addresses, names), not keywords. */
    record Values(BiConsumer<Ctx, Statement> f) implements H {}

    // The handlers are stored as written, not wrapped in a casting lambda: a handler's own accept() casts its
    // builder (erasure), and one call less per statement counts on 260,000 statements.

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <B extends Ctx> void simple(Map<String, H> t, String k, BiConsumer<B, Statement> f) {
        t.put(k, new Simple((BiConsumer) f));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <B extends Ctx> void block(Map<String, H> t, String k, BiFunction<B, Statement, Ctx> f) {
        t.put(k, new Block((BiFunction) f));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <B extends Ctx> void values(Map<String, H> t, String k, BiConsumer<B, Statement> f) {
        t.put(k, new Values((BiConsumer) f));
    }

    /** Keywords keepalived accepts in a block that Halo keeps verbatim (tuning, SNMP, D-Bus, namespaces...). */
    static <B extends Ctx & HasRaw> void raw(Map<String, H> t, String... keywords) {
        for (String k : keywords) {
            ConfigParser.<B>simple(t, k, (b, s) -> b.raw().add(new RawSetting(s.keyword(), s.args())));
        }
    }

    interface HasRaw {
        List<RawSetting> raw();
    }

    final LoadOptions options;
    final List<Diagnostic> diagnostics;
    /** Whether the model may be completed on more than one thread ({@link CheckParser#complete}). */
    boolean parallel = true;

    ConfigParser(LoadOptions options, List<Diagnostic> diagnostics) {
        this.options = options;
        this.diagnostics = diagnostics;
    }

    // ---------------------------------------------------------------- diagnostics and argument helpers

    void warn(Statement s, String token, String message) {
        diagnostics.add(new Diagnostic(Severity.WARNING, s == null ? null : s.location(), token, message));
    }

    void info(Statement s, String token, String message) {
        diagnostics.add(new Diagnostic(Severity.INFO, s == null ? null : s.location(), token, message));
    }

    void unknown(Statement s) {
        diagnostics.add(new Diagnostic(options.strict() ? Severity.FATAL : Severity.WARNING, s.location(), s.keyword(),
                "Unknown keyword '" + s.keyword() + "'"));
    }

    String arg(Statement s, int i) {
        if (s.words().size() <= i) {
            warn(s, s.keyword(), "Missing parameter for keyword '" + s.keyword() + "'");
            return null;
        }
        return s.words().get(i);
    }

    static String opt(Statement s, int i) {
        return s.words().size() > i ? s.words().get(i) : null;
    }

    /** keepalived's read_int/read_unsigned: "number 'x' outside range [a, b]", "invalid number 'x'". */
    Long number(Statement s, String text, long min, long max) {
        if (text == null) {
            return null;
        }
        long v;
        try {
            v = Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
        } catch (NumberFormatException e) {
            warn(s, text, "invalid number '" + text + "'");
            return null;
        }
        if (v < 0 && min >= 0) {
            warn(s, text, "negative number '" + text + "'");
            return null;
        }
        if (v < min || v > max) {
            warn(s, text, "number '" + text + "' outside range [" + min + ", " + max + "]");
            return null;
        }
        return v;
    }

    Integer integer(Statement s, int i, long min, long max) {
        Long v = number(s, arg(s, i), min, max);
        return v == null ? null : (int) (long) v;
    }

    /** A keepalived TIMER / decimal seconds value, microsecond resolution. */
    Duration seconds(Statement s, String text, double maxSeconds) {
        if (text == null) {
            return null;
        }
        int n = text.length();
        if (n > 0 && n <= 9) {
            // whole seconds (nearly every timer): what the double arithmetic below gives, without parsing a double
            long whole = 0;
            for (int i = 0; i < n && whole >= 0; i++) {
                char c = text.charAt(i);
                whole = c >= '0' && c <= '9' ? whole * 10 + (c - '0') : -1;
            }
            if (whole >= 0 && whole <= maxSeconds) {
                return Duration.ofSeconds(whole);
            }
        }
        double d;
        try {
            d = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            warn(s, text, "invalid number '" + text + "'");
            return null;
        }
        if (d < 0) {
            warn(s, text, "negative number '" + text + "'");
            return null;
        }
        if (Double.isNaN(d) || d > maxSeconds) {
            warn(s, text, "number '" + text + "' outside range [0, " + fmtNum(maxSeconds) + "]");
            return null;
        }
        return Duration.ofNanos(Math.round(d * 1_000_000) * 1000L);
    }

    /**
     * Whole seconds, as keepalived 2.2.7 reads several timers (garp delays, script interval, misc_timeout...):
     * "invalid number 'x'" or "number 'x' outside range [..]", then the keyword's own message; null when invalid.
     */
    Duration wholeSeconds(Statement s, long min, long max, String invalidMessage) {
        String v = arg(s, 1);
        if (v == null) {
            return null;
        }
        Long n = number(s, v, min, max);
        if (n == null) {
            warn(s, v, invalidMessage.replace("%s", v));
            return null;
        }
        return Duration.ofSeconds(n);
    }

    /** A global timer keepalived wants strictly positive: "number '0' outside range [...]" and "'0' is invalid". */
    Duration positiveTimer(Statement s, String min, double minValue) {
        String v = arg(s, 1);
        if (v == null) {
            return null;
        }
        Duration d = seconds(s, v, 4294.967295);
        if (d != null && d.toNanos() < Math.round(minValue * 1e9)) {
            warn(s, v, "number '" + v + "' outside range [" + min + ", 4294.967295]");
            d = null;
        }
        if (d == null) {
            warn(s, v, s.keyword() + " '" + v + "' is invalid");
        }
        return d;
    }

    Duration seconds(Statement s, int i) {
        return seconds(s, arg(s, i), 2_147_483d);
    }

    static String fmtNum(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** keepalived's check_true_false: no argument means true. */
    boolean bool(Statement s, int i) {
        String v = opt(s, i);
        if (v == null) {
            return true;
        }
        switch (v.toLowerCase()) {
            case "on", "true", "yes" -> {
                return true;
            }
            case "off", "false", "no" -> {
                return false;
            }
            default -> {
                warn(s, v, "invalid boolean '" + v + "' for " + s.keyword() + " - expected on|off|true|false|yes|no; using true");
                return true;
            }
        }
    }

    InetAddress address(Statement s, String text, String what) {
        if (text == null) {
            return null;
        }
        InetAddress a = Addresses.parse(text);
        if (a == null) {
            warn(s, text, "invalid " + what + " '" + text + "' - expected an IPv4 or IPv6 address");
        }
        return a;
    }

    InetAddress address(Statement s, int i, String what) {
        return address(s, arg(s, i), what);
    }

    /** A script keyword: {@code keyword "cmd args" [user [group]]}. */
    ScriptCommand script(Statement s, int i) {
        String cmd = arg(s, i);
        if (cmd == null) {
            return null;
        }
        return new ScriptCommand(cmd, opt(s, i + 1), opt(s, i + 2));
    }

    String duplicateName(Statement s, String what) {
        if (s.words().size() < 2) {
            warn(s, s.keyword(), what + " must have a name - skipping");
            return null;
        }
        return s.words().get(1);
    }

    // ---------------------------------------------------------------- the walk

    final Root root = new Root();

    KeepalivedConfig parse(List<Statement> statements) {
        walk(statements);
        return root.build();
    }

    /**
     * Walks one top-level statement. Walking a file's statements one by one, then {@link #finish()}, is
     * {@link #parse}: between top-level statements only the root context is open (every context a block opens is
     * closed by the end of that block or of an enclosing one).
     */
    void walkTopLevel(Statement statement) {
        walk(List.of(statement));
    }

    /** Completes the model from everything walked (defaults, corrections, cross-references). */
    KeepalivedConfig finish() {
        return root.build();
    }

    private record Frame(Iterator<Statement> it, Statement owner) {}

    private void walk(List<Statement> statements) {
        Deque<Frame> frames = new ArrayDeque<>();
        Deque<Ctx> contexts = new ArrayDeque<>();
        // each context's keyword table, asked once when the context opens rather than once per statement
        Deque<Map<String, H>> tables = new ArrayDeque<>();
        frames.push(new Frame(statements.iterator(), null));
        contexts.push(root);
        tables.push(root.table());
        while (!frames.isEmpty()) {
            Frame frame = frames.peek();
            if (!frame.it.hasNext()) {
                frames.pop();
                if (frame.owner == null) {
                    break; // end of file
                }
                // the closing brace closes whatever block is innermost now (keepalived's behaviour for ignored '{')
                if (contexts.size() > 1) {
                    tables.pop();
                    contexts.pop().end();
                } else {
                    warn(frame.owner, "}", "Unknown keyword '}' (the '{' opened at this line was ignored, so its '}' is extra)");
                }
                continue;
            }
            Statement s = frame.it.next();
            Ctx ctx = contexts.peek();
            H h = tables.peek().get(s.keyword());
            // instanceof rather than a pattern switch: its bootstrap spins a class at run time, outside the AOT cache
            if (h instanceof Simple sh) {
                sh.f().accept(ctx, s);
                if (s.hasBlock()) {
                    ignoreBrace(s, frames);
                }
            } else if (h instanceof Block b) {
                if (!s.hasBlock()) {
                    warn(s, s.keyword(), "'" + s.keyword() + "' expects a block '{ ... }' - ignoring");
                    continue;
                }
                Ctx child = b.f().apply(ctx, s);
                if (child != null) {
                    contexts.push(child);
                    tables.push(child.table());
                    frames.push(new Frame(s.block().iterator(), s));
                }
            } else if (h instanceof Values v) {
                if (!s.hasBlock()) {
                    warn(s, s.keyword(), "'" + s.keyword() + "' expects a block '{ ... }' - ignoring");
                } else {
                    v.f().accept(ctx, s);
                }
            } else {
                unknown(s);
                if (s.hasBlock()) {
                    ignoreBrace(s, frames);
                }
            }
        }
        while (contexts.size() > 1) {
            tables.pop();
            contexts.pop().end();
        }
    }

    private void ignoreBrace(Statement s, Deque<Frame> frames) {
        warn(s, "{", "Unexpected '{' - ignoring");
        frames.push(new Frame(s.block().iterator(), s));
    }

    // ---------------------------------------------------------------- top level

    final class Root implements Ctx {
        final Map<String, H> table = new HashMap<>();
        final GlobalB global = new GlobalB();
        final List<VirtualAddress> staticAddresses = new ArrayList<>();
        final List<VirtualRoute> staticRoutes = new ArrayList<>();
        final List<VirtualRule> staticRules = new ArrayList<>();
        final List<StaticTrackGroup> staticTrackGroups = new ArrayList<>();
        final List<ScriptB> scripts = new ArrayList<>();
        final List<TrackFileB> trackFiles = new ArrayList<>();
        final List<TrackProcessB> trackProcesses = new ArrayList<>();
        final List<SyncGroupB> syncGroups = new ArrayList<>();
        final List<VrrpParser.InstanceB> instances = new ArrayList<>();
        final List<BfdB> bfds = new ArrayList<>();
        SslB ssl;
        final List<VirtualServerGroup> vsGroups = new ArrayList<>();
        final List<CheckParser.VsB> virtualServers = new ArrayList<>();
        final VrrpParser vrrp = new VrrpParser(ConfigParser.this);
        final CheckParser check = new CheckParser(ConfigParser.this);

        Root() {
            ConfigParser.<Root>block(table, "global_defs", (r, s) -> global);
            values(table, "static_ipaddress", (Root r, Statement s) -> {
                for (Statement line : s.block()) {
                    VirtualAddress a = vrrp.virtualAddress(line);
                    if (a != null) {
                        staticAddresses.add(a);
                    }
                }
            });
            values(table, "static_routes", (Root r, Statement s) -> {
                for (Statement line : s.block()) {
                    VirtualRoute a = vrrp.route(line);
                    if (a != null) {
                        staticRoutes.add(a);
                    }
                }
            });
            values(table, "static_rules", (Root r, Statement s) -> {
                for (Statement line : s.block()) {
                    VirtualRule a = vrrp.rule(line);
                    if (a != null) {
                        staticRules.add(a);
                    }
                }
            });
            ConfigParser.<Root>block(table, "static_track_group", (r, s) -> {
                String name = duplicateName(s, "static_track_group");
                return name == null ? null : new StaticTrackGroupB(name);
            });
            ConfigParser.<Root>block(table, "vrrp_script", (r, s) -> {
                String name = duplicateName(s, "vrrp_script");
                if (name == null) {
                    return null;
                }
                if (scripts.stream().anyMatch(x -> x.name.equals(name))) {
                    warn(s, name, "vrrp script " + name + " already defined - ignoring");
                    return null;
                }
                ScriptB b = new ScriptB(name, s);
                scripts.add(b);
                return b;
            });
            BiFunction<Root, Statement, Ctx> trackFile = (r, s) -> {
                String name = duplicateName(s, s.keyword());
                if (name == null) {
                    return null;
                }
                if (trackFiles.stream().anyMatch(x -> x.name.equals(name))) {
                    warn(s, name, "track_file " + name + " already defined - ignoring");
                    return null;
                }
                TrackFileB b = new TrackFileB(name, s);
                trackFiles.add(b);
                return b;
            };
            ConfigParser.<Root>block(table, "track_file", trackFile);
            ConfigParser.<Root>block(table, "vrrp_track_file", trackFile);
            ConfigParser.<Root>block(table, "vrrp_track_process", (r, s) -> {
                String name = duplicateName(s, "vrrp_track_process");
                if (name == null) {
                    return null;
                }
                if (trackProcesses.stream().anyMatch(x -> x.name.equals(name))) {
                    warn(s, name, "vrrp_track_process " + name + " already defined - ignoring");
                    return null;
                }
                TrackProcessB b = new TrackProcessB(name, s);
                trackProcesses.add(b);
                return b;
            });
            ConfigParser.<Root>block(table, "vrrp_sync_group", (r, s) -> {
                String name = duplicateName(s, "vrrp_sync_group");
                if (name == null) {
                    return null;
                }
                if (syncGroups.stream().anyMatch(x -> x.name.equals(name))) {
                    warn(s, name, "vrrp sync group " + name + " already defined");
                    return null;
                }
                SyncGroupB b = new SyncGroupB(name, s);
                syncGroups.add(b);
                return b;
            });
            ConfigParser.<Root>block(table, "vrrp_instance", (r, s) -> {
                if (s.words().size() != 2) {
                    warn(s, s.keyword(), "vrrp_instance must have a name");
                    return null;
                }
                String name = s.words().get(1);
                if (instances.stream().anyMatch(x -> x.name.equals(name))) {
                    warn(s, name, "vrrp instance " + name + " already defined");
                    return null;
                }
                VrrpParser.InstanceB b = vrrp.new InstanceB(name, s);
                instances.add(b);
                return b;
            });
            ConfigParser.<Root>block(table, "bfd_instance", (r, s) -> {
                String name = duplicateName(s, "bfd_instance");
                if (name == null) {
                    return null;
                }
                if (bfds.stream().anyMatch(x -> x.name.equals(name))) {
                    warn(s, name, "BFD instance " + name + " already configured");
                    return null;
                }
                BfdB b = new BfdB(name, s);
                bfds.add(b);
                return b;
            });
            ConfigParser.<Root>block(table, "SSL", (r, s) -> {
                if (ssl == null) {
                    ssl = new SslB();
                }
                return ssl;
            });
            values(table, "virtual_server_group", (Root r, Statement s) -> {
                VirtualServerGroup g = check.group(s);
                if (g != null) {
                    if (vsGroups.stream().anyMatch(x -> x.name().equals(g.name()))) {
                        warn(s, g.name(), "virtual_server_group " + g.name() + " already defined - ignoring");
                    } else {
                        vsGroups.add(g);
                    }
                }
            });
            ConfigParser.<Root>block(table, "virtual_server", (r, s) -> {
                CheckParser.VsB b = check.virtualServer(s);
                if (b != null) {
                    virtualServers.add(b);
                }
                return b;
            });
            // top-level keywords keepalived knows (namespaces, linkbeat, garp groups) kept as-is in global_defs
            // blocks Halo accepts but does not use yet (GARP aggregation groups, link-beat polling)
            for (String k : List.of("garp_group", "linkbeat_interfaces")) {
                table.put(k, new Values((c, s) -> info(s, k, k + " is accepted but not used by Halo")));
            }
            for (String k : List.of("net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "instance",
                    "use_pid_dir", "child_wait_time")) {
                table.put(k, new Simple((c, s) -> global.raw.add(new RawSetting(s.keyword(), s.args()))));
            }
        }

        @Override
        public Map<String, H> table() {
            return table;
        }

        KeepalivedConfig build() {
            GlobalDefs g = global.build();
            List<VrrpScript> builtScripts = scripts.stream().map(ScriptB::build).filter(x -> x != null).toList();
            List<TrackFile> builtFiles = trackFiles.stream().map(TrackFileB::build).filter(x -> x != null).toList();
            List<TrackProcess> builtProcs = trackProcesses.stream().map(TrackProcessB::build).filter(x -> x != null).toList();
            List<BfdInstance> builtBfds = bfds.stream().map(BfdB::build).filter(x -> x != null).toList();
            List<VrrpInstance> builtInstances = vrrp.complete(instances, g, builtScripts, builtFiles, builtProcs, builtBfds);
            List<VrrpSyncGroup> builtGroups = vrrp.completeGroups(syncGroups, builtInstances, builtScripts, builtFiles,
                    builtProcs, builtBfds);
            List<VirtualServer> builtVs = check.complete(virtualServers, vsGroups, builtFiles, builtBfds);
            return new KeepalivedConfig(g, staticAddresses, staticRoutes, staticRules, staticTrackGroups.isEmpty()
                    ? List.of() : staticTrackGroups, builtScripts, builtFiles, builtProcs, builtGroups, builtInstances,
                    builtBfds, ssl == null ? null : ssl.build(), vsGroups, builtVs);
        }
    }

    // ---------------------------------------------------------------- global_defs

    static final Set<String> GLOBAL_RAW = Set.of(
            "smtp_alert", "smtp_alert_vrrp", "smtp_alert_checker", "checker_log_all_failures", "startup_script",
            "startup_script_timeout", "shutdown_script", "shutdown_script_timeout", "default_interface",
            "lvs_timeouts", "lvs_flush", "lvs_flush_on_stop", "lvs_flush_onstop", "lvs_sync_daemon", "vrrp_check_unicast_src",
            "vrrp_iptables", "vrrp_ipsets", "vrrp_nftables", "nftables_priority", "nftables_ifindex",
            "nftables_counters", "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier", "vrrp_priority", "checker_priority",
            "bfd_priority", "vrrp_no_swap", "checker_no_swap", "bfd_no_swap", "vrrp_rt_priority", "checker_rt_priority",
            "bfd_rt_priority", "vrrp_rlimit_rtime", "vrrp_rlimit_rttime", "checker_rlimit_rtime",
            "checker_rlimit_rttime", "bfd_rlimit_rtime", "bfd_rlimit_rttime", "vrrp_cpu_affinity",
            "checker_cpu_affinity", "bfd_cpu_affinity", "snmp_socket", "enable_snmp_vrrp", "enable_snmp_keepalived",
            "enable_snmp_rfc", "enable_snmp_rfcv2", "enable_snmp_rfcv3", "enable_snmp_checker", "enable_traps",
            "enable_dbus", "dbus_service_name", "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force",
            "vrrp_netlink_monitor_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs_force", "lvs_netlink_cmd_rcv_bufs",
            "lvs_netlink_cmd_rcv_bufs_force", "lvs_netlink_monitor_rcv_bufs", "lvs_netlink_monitor_rcv_bufs_force",
            "process_monitor_rcv_bufs", "process_monitor_rcv_bufs_force", "rs_init_notifies", "no_checker_emails",
            "vrrp_min_garp", "vrrp_rx_bufs", "vrrp_garp_extra_if", "vrrp_dont_track_primary", "random_seed",
            "reload_check_config", "reload_time_file", "reload_repeat", "reload_file", "data_use_instance",
            "umask", "tmp_config_directory", "config_save_dir", "disable_local_igmp", "local_name", "router_id_from_hostname",
            "state_dump_file", "stats_dump_file", "json_dump_file", "process_names",
            "process_name", "vrrp_process_name", "checker_process_name", "bfd_process_name", "vrrp_startup_delay_",
            "vrrp_log_unknown_vrids", "vrrp_owner_ignore_adverts", "fifo_write_vrrp_states_on_reload",
            "include_check", "use_symlink_paths", "vrrp_notify_priority_changes",
            "lvs_id");

    final class GlobalB implements Ctx, HasRaw {
        final Map<String, H> table = new HashMap<>();
        String routerId;
        final List<String> emails = new ArrayList<>();
        String emailFrom;
        String smtpServer;
        int smtpPort = 25;
        String smtpHelo;
        Duration smtpTimeout = Duration.ofSeconds(30);
        String scriptUser;
        String scriptGroup;
        boolean scriptSecurity;
        GlobalDefs.Fifo notifyFifo;
        GlobalDefs.Fifo vrrpFifo;
        GlobalDefs.Fifo lvsFifo;
        int version = 2;
        InetAddress mcast4 = Addresses.parse("224.0.0.18");
        InetAddress mcast6 = Addresses.parse("ff02::12");
        Duration garpDelay = Duration.ofSeconds(5);
        int garpRepeat = 5;
        Duration garpRefresh = Duration.ZERO;
        int garpRefreshRepeat = 1;
        Duration garpLowerDelay;
        Integer garpLowerRepeat;
        Duration garpInterval = Duration.ZERO;
        Duration gnaInterval = Duration.ZERO;
        boolean higherPrioSendAdvert;
        boolean lowerPrioNoAdvert;
        boolean strict;
        boolean skipCheckAdvAddr;
        Duration startupDelay = Duration.ZERO;
        boolean dynamicInterfaces;
        int maxAutoPriority = -1;
        final List<RawSetting> raw = new ArrayList<>();

        GlobalB() {
            simple(table, "router_id", (GlobalB b, Statement s) -> routerId = arg(s, 1));
            values(table, "notification_email", (GlobalB b, Statement s) -> {
                for (Statement line : s.block()) {
                    emails.addAll(line.words());
                }
            });
            simple(table, "notification_email_from", (GlobalB b, Statement s) -> emailFrom = arg(s, 1));
            simple(table, "smtp_server", (GlobalB b, Statement s) -> {
                smtpServer = arg(s, 1);
                if (opt(s, 2) != null) {
                    Long p = number(s, opt(s, 2), 1, 65535);
                    if (p != null) {
                        smtpPort = (int) (long) p;
                    }
                }
            });
            simple(table, "smtp_helo_name", (GlobalB b, Statement s) -> smtpHelo = arg(s, 1));
            simple(table, "smtp_connect_timeout", (GlobalB b, Statement s) -> {
                Duration d = wholeSeconds(s, 0, 4294, "smtp_connect_timeout '%s' must be in [0, 4294] - ignoring");
                if (d != null) {
                    smtpTimeout = d;
                }
            });
            simple(table, "script_user", (GlobalB b, Statement s) -> {
                scriptUser = arg(s, 1);
                scriptGroup = opt(s, 2);
            });
            simple(table, "enable_script_security", (GlobalB b, Statement s) -> scriptSecurity = true);
            simple(table, "notify_fifo", (GlobalB b, Statement s) -> notifyFifo = fifo(s));
            simple(table, "vrrp_notify_fifo", (GlobalB b, Statement s) -> vrrpFifo = fifo(s));
            simple(table, "lvs_notify_fifo", (GlobalB b, Statement s) -> lvsFifo = fifo(s));
            simple(table, "notify_fifo_script", (GlobalB b, Statement s) -> notifyFifo = fifoScript(s, notifyFifo));
            simple(table, "vrrp_notify_fifo_script", (GlobalB b, Statement s) -> vrrpFifo = fifoScript(s, vrrpFifo));
            simple(table, "lvs_notify_fifo_script", (GlobalB b, Statement s) -> lvsFifo = fifoScript(s, lvsFifo));
            simple(table, "vrrp_version", (GlobalB b, Statement s) -> {
                Integer v = integer(s, 1, 2, 3);
                if (v != null) {
                    version = v;
                } else if (opt(s, 1) != null) {
                    warn(s, opt(s, 1), "VRRP Error: Version must be either 2 or 3");
                }
            });
            simple(table, "vrrp_mcast_group4", (GlobalB b, Statement s) -> {
                InetAddress a = address(s, 1, "vrrp_mcast_group4 address");
                if (a != null && (a instanceof Inet6Address || !a.isMulticastAddress())) {
                    warn(s, opt(s, 1), "vrrp_mcast_group4 [" + opt(s, 1) + "] is not multicast. Skipping");
                } else if (a != null) {
                    mcast4 = a;
                }
            });
            simple(table, "vrrp_mcast_group6", (GlobalB b, Statement s) -> {
                InetAddress a = address(s, 1, "vrrp_mcast_group6 address");
                if (a != null && (!(a instanceof Inet6Address) || !a.isMulticastAddress())) {
                    warn(s, opt(s, 1), "vrrp_mcast_group6 [" + opt(s, 1) + "] is not multicast. Skipping");
                } else if (a != null) {
                    mcast6 = a;
                }
            });
            simple(table, "vrrp_garp_master_delay", (GlobalB b, Statement s) -> {
                Duration d = wholeSeconds(s, 0, 255, "vrrp_garp_master_delay '%s' invalid - ignoring");
                if (d != null) {
                    garpDelay = d;
                }
            });
            simple(table, "vrrp_garp_master_repeat", (GlobalB b, Statement s) -> {
                if ("0".equals(opt(s, 1))) {
                    warn(s, "0", "vrrp_garp_master_repeat must be greater than 0, setting to 1");
                    garpRepeat = 1;
                    return;
                }
                Integer v = integer(s, 1, 1, 255);
                if (v != null) {
                    garpRepeat = v;
                }
            });
            simple(table, "vrrp_garp_master_refresh", (GlobalB b, Statement s) -> {
                Duration d = wholeSeconds(s, 0, Integer.MAX_VALUE, "Invalid vrrp_garp_master_refresh '%s' - ignoring");
                if (d != null) {
                    garpRefresh = d;
                }
            });
            simple(table, "vrrp_garp_master_refresh_repeat", (GlobalB b, Statement s) -> {
                Integer v = integer(s, 1, 1, 255);
                if (v != null) {
                    garpRefreshRepeat = v;
                }
            });
            simple(table, "vrrp_garp_lower_prio_delay", (GlobalB b, Statement s) -> {
                Duration d = wholeSeconds(s, 0, 255, "vrrp_garp_lower_prio_delay '%s' invalid - ignoring");
                if (d != null) {
                    garpLowerDelay = d;
                }
            });
            simple(table, "vrrp_garp_lower_prio_repeat", (GlobalB b, Statement s) -> garpLowerRepeat = integer(s, 1, 0, 255));
            simple(table, "vrrp_garp_interval", (GlobalB b, Statement s) -> {
                Duration d = positiveTimer(s, "0.000001", 0.000001);
                if (d != null) {
                    garpInterval = d;
                }
            });
            simple(table, "vrrp_gna_interval", (GlobalB b, Statement s) -> {
                Duration d = positiveTimer(s, "0.000001", 0.000001);
                if (d != null) {
                    gnaInterval = d;
                }
            });
            simple(table, "vrrp_higher_prio_send_advert", (GlobalB b, Statement s) -> higherPrioSendAdvert = bool(s, 1));
            simple(table, "vrrp_lower_prio_no_advert", (GlobalB b, Statement s) -> lowerPrioNoAdvert = bool(s, 1));
            simple(table, "vrrp_strict", (GlobalB b, Statement s) -> strict = true);
            simple(table, "vrrp_skip_check_adv_addr", (GlobalB b, Statement s) -> skipCheckAdvAddr = bool(s, 1));
            simple(table, "vrrp_startup_delay", (GlobalB b, Statement s) -> {
                Duration d = positiveTimer(s, "0.001", 0.001);
                if (d != null) {
                    startupDelay = d;
                }
            });
            simple(table, "dynamic_interfaces", (GlobalB b, Statement s) -> dynamicInterfaces = true);
            simple(table, "max_auto_priority", (GlobalB b, Statement s) -> {
                String v = opt(s, 1);
                if (v == null) {
                    maxAutoPriority = 99; // keepalived: no value means the maximum realtime priority
                } else {
                    Long n = number(s, v, -1, 99);
                    if (n != null) {
                        maxAutoPriority = (int) (long) n;
                    }
                }
            });
            for (String k : GLOBAL_RAW) {
                table.put(k, new Simple((c, s) -> raw.add(new RawSetting(s.keyword(), s.args()))));
            }
        }

        GlobalDefs.Fifo fifo(Statement s) {
            String path = arg(s, 1);
            if (path == null) {
                return null;
            }
            return new GlobalDefs.Fifo(path, null);
        }

        final Map<String, ScriptCommand> fifoScripts = new HashMap<>();
        final Map<String, Statement> fifoScriptAt = new HashMap<>();

        GlobalDefs.Fifo fifoScript(Statement s, GlobalDefs.Fifo fifo) {
            ScriptCommand cmd = script(s, 1);
            if (cmd != null) {
                fifoScripts.put(s.keyword(), cmd);
                fifoScriptAt.put(s.keyword(), s);
            }
            return fifo;
        }

        GlobalDefs.Fifo withScript(GlobalDefs.Fifo fifo, String keyword) {
            ScriptCommand cmd = fifoScripts.get(keyword);
            if (cmd == null) {
                return fifo;
            }
            if (fifo == null) {
                warn(fifoScriptAt.get(keyword), keyword, keyword + " without " + keyword.replace("_script", "") + " - ignoring");
                return null;
            }
            return new GlobalDefs.Fifo(fifo.path(), cmd);
        }

        @Override
        public Map<String, H> table() {
            return table;
        }

        @Override
        public List<RawSetting> raw() {
            return raw;
        }

        GlobalDefs build() {
            GarpSettings garp = new GarpSettings(garpDelay, garpRepeat, garpRefresh, garpRefreshRepeat,
                    garpLowerDelay == null ? garpDelay : garpLowerDelay,
                    garpLowerRepeat == null ? garpRepeat : garpLowerRepeat);
            return new GlobalDefs(routerId, emails, emailFrom, smtpServer, smtpPort, smtpHelo, smtpTimeout, scriptUser,
                    scriptGroup, scriptSecurity, withScript(notifyFifo, "notify_fifo_script"),
                    withScript(vrrpFifo, "vrrp_notify_fifo_script"), withScript(lvsFifo, "lvs_notify_fifo_script"), version, mcast4, mcast6, garp,
                    garpInterval, gnaInterval, higherPrioSendAdvert, lowerPrioNoAdvert, strict, skipCheckAdvAddr,
                    startupDelay, dynamicInterfaces, maxAutoPriority, raw);
        }
    }

    // ---------------------------------------------------------------- vrrp_script, track_file, vrrp_track_process

    final class ScriptB implements Ctx {
        final Map<String, H> table = new HashMap<>();
        final String name;
        final Statement at;
        ScriptCommand script;
        Duration interval = Duration.ofSeconds(1);
        Duration timeout;
        int weight;
        boolean reverse;
        int rise = 1;
        int fall = 1;
        String user;
        String group;
        boolean initFail;

        ScriptB(String name, Statement at) {
            this.name = name;
            this.at = at;
            simple(table, "script", (ScriptB b, Statement s) -> script = script(s, 1));
            simple(table, "interval", (ScriptB b, Statement s) -> {
                if ("0".equals(opt(s, 1))) {
                    warn(s, "0", "(" + name + "): vrrp script interval must be greater than 0, setting to 1");
                    interval = Duration.ofSeconds(1);
                    return;
                }
                Duration d = wholeSeconds(s, 1, 4294, "(" + name + "): vrrp script interval '%s' must be between 1 and 4294 - ignoring");
                if (d != null) {
                    interval = d;
                }
            });
            simple(table, "timeout", (ScriptB b, Statement s) -> {
                Duration d = wholeSeconds(s, 1, 4294, "(" + name + "): vrrp script timeout '%s' invalid - ignoring");
                if (d != null) {
                    timeout = d;
                }
            });
            simple(table, "weight", (ScriptB b, Statement s) -> {
                String v = arg(s, 1);
                Long w = number(s, v, -253, 253);
                if (v != null && w == null) {
                    warn(s, v, "vrrp_script " + name + " weight " + v + " must be in [-253, 253]");
                }
                if (w != null) {
                    weight = (int) (long) w;
                }
                reverse = "reverse".equals(opt(s, 2));
            });
            simple(table, "rise", (ScriptB b, Statement s) -> {
                Integer v = integer(s, 1, 1, Integer.MAX_VALUE);
                if (v != null) {
                    rise = v;
                }
            });
            simple(table, "fall", (ScriptB b, Statement s) -> {
                Integer v = integer(s, 1, 1, Integer.MAX_VALUE);
                if (v != null) {
                    fall = v;
                }
            });
            simple(table, "user", (ScriptB b, Statement s) -> {
                user = arg(s, 1);
                group = opt(s, 2);
            });
            simple(table, "init_fail", (ScriptB b, Statement s) -> initFail = true);
        }

        @Override
        public Map<String, H> table() {
            return table;
        }

        VrrpScript build() {
            ScriptCommand cmd = script;
            if (cmd != null && user != null && cmd.user() == null) {
                cmd = new ScriptCommand(cmd.commandLine(), user, group);
            }
            if (cmd == null) {
                warn(at, name, "No script set for vrrp_script " + name + " - removing");
                return null;
            }
            Duration t = timeout == null ? interval : timeout;
            return new VrrpScript(name, cmd, interval, t, weight, reverse, rise, fall, initFail);
        }
    }

    final class TrackFileB implements Ctx {
        final Map<String, H> table = new HashMap<>();
        final String name;
        final Statement at;
        String file;
        int weight = 1;
        boolean reverse;
        boolean init;
        long initValue;
        boolean overwrite;

        TrackFileB(String name, Statement at) {
            this.name = name;
            this.at = at;
            simple(table, "file", (TrackFileB b, Statement s) -> file = arg(s, 1));
            simple(table, "weight", (TrackFileB b, Statement s) -> {
                Integer w = integer(s, 1, -254, 254);
                if (w != null) {
                    weight = w;
                }
                reverse = "reverse".equals(opt(s, 2));
            });
            simple(table, "init_file", (TrackFileB b, Statement s) -> {
                init = true;
                for (int i = 1; i < s.words().size(); i++) {
                    String w = s.words().get(i);
                    if (w.equals("overwrite")) {
                        overwrite = true;
                    } else {
                        Long v = number(s, w, Integer.MIN_VALUE, Integer.MAX_VALUE);
                        if (v != null) {
                            initValue = v;
                        }
                    }
                }
            });
        }

        @Override
        public Map<String, H> table() {
            return table;
        }

        TrackFile build() {
            if (file == null) {
                warn(at, name, "No file set for track_file " + name + " - removing");
                return null;
            }
            return new TrackFile(name, file, weight, reverse, init, initValue, overwrite);
        }
    }

    final class TrackProcessB implements Ctx {
        final Map<String, H> table = new HashMap<>();
        final String name;
        final Statement at;
        String process;
        List<String> params = List.of();
        String paramMatch = "exact";
        int weight;
        boolean reverse;
        int quorum = 1;
        int quorumMax = Integer.MAX_VALUE;
        Duration forkDelay = Duration.ZERO;
        Duration terminateDelay = Duration.ZERO;
        boolean fullCommand;

        TrackProcessB(String name, Statement at) {
            this.name = name;
            this.at = at;
            simple(table, "process", (TrackProcessB b, Statement s) -> {
                process = arg(s, 1);
                params = s.words().size() > 2 ? s.words().subList(2, s.words().size()) : List.of();
            });
            simple(table, "param_match", (TrackProcessB b, Statement s) -> {
                String v = arg(s, 1);
                // keepalived 2.2.7 knows partial and initial; exact is the default when param_match is absent
                if (v != null && Set.of("partial", "initial").contains(v)) {
                    paramMatch = v;
                } else if (v != null) {
                    warn(s, v, "Invalid param_match type " + v + " - ignoring");
                }
            });
            simple(table, "weight", (TrackProcessB b, Statement s) -> {
                Integer w = integer(s, 1, -253, 253);
                if (w != null) {
                    weight = w;
                }
                reverse = "reverse".equals(opt(s, 2));
            });
            simple(table, "quorum", (TrackProcessB b, Statement s) -> {
                Integer v = integer(s, 1, 1, Integer.MAX_VALUE);
                if (v != null) {
                    quorum = v;
                }
            });
            simple(table, "quorum_max", (TrackProcessB b, Statement s) -> {
                Integer v = integer(s, 1, 0, Integer.MAX_VALUE);
                if (v != null) {
                    quorumMax = v;
                }
            });
            simple(table, "delay", (TrackProcessB b, Statement s) -> {
                Duration d = seconds(s, 1);
                if (d != null) {
                    forkDelay = d;
                    terminateDelay = d;
                }
            });
            simple(table, "fork_delay", (TrackProcessB b, Statement s) -> {
                Duration d = seconds(s, 1);
                if (d != null) {
                    forkDelay = d;
                }
            });
            simple(table, "terminate_delay", (TrackProcessB b, Statement s) -> {
                Duration d = seconds(s, 1);
                if (d != null) {
                    terminateDelay = d;
                }
            });
            simple(table, "full_command", (TrackProcessB b, Statement s) -> fullCommand = true);
        }

        @Override
        public Map<String, H> table() {
            return table;
        }

        TrackProcess build() {
            if (process == null) {
                warn(at, name, "vrrp_track_process " + name + " has no process specified - removing");
                return null;
            }
            if (quorumMax < quorum) {
                warn(at, name, "vrrp_track_process " + name + " quorum_max " + quorumMax + " < quorum " + quorum
                        + " - setting quorum_max to " + quorum);
                quorumMax = quorum;
            }
            return new TrackProcess(name, process, params, paramMatch, weight, reverse, quorum, quorumMax, forkDelay,
                    terminateDelay, fullCommand);
        }
    }

    final class StaticTrackGroupB implements Ctx {
        final Map<String, H> table = new HashMap<>();
        final String name;
        final List<String> instances = new ArrayList<>();

        StaticTrackGroupB(String name) {
            this.name = name;
            values(table, "group", (StaticTrackGroupB b, Statement s) -> {
                for (Statement line : s.block()) {
                    instances.addAll(line.words());
                }
            });
        }

        @Override
        public Map<String, H> table() {
            return table;
        }

        @Override
        public void end() {
            root.staticTrackGroups.add(new StaticTrackGroup(name, instances));
        }
    }

    // ---------------------------------------------------------------- vrrp_sync_group

    final class SyncGroupB implements Ctx {
        final Map<String, H> table = new HashMap<>();
        final String name;
        final Statement at;
        final List<Statement> groupLines = new ArrayList<>();
        boolean groupSeen;
        final VrrpParser.Trackers trackers = new VrrpParser.Trackers();
        final VrrpParser.Notify notify = new VrrpParser.Notify();
        boolean smtpAlert;
        boolean trackingWeight;

        SyncGroupB(String name, Statement at) {
            this.name = name;
            this.at = at;
            values(table, "group", (SyncGroupB b, Statement s) -> {
                if (groupSeen) {
                    warn(s, "group", "Group list already specified for sync group " + name);
                    return;
                }
                groupSeen = true;
                groupLines.addAll(s.block());
            });
            root.vrrp.trackerKeywords(table, sb -> ((SyncGroupB) sb).trackers);
            root.vrrp.notifyKeywords(table, sb -> ((SyncGroupB) sb).notify, "vrrp group " + name);
            simple(table, "smtp_alert", (SyncGroupB b, Statement s) -> smtpAlert = bool(s, 1));
            simple(table, "global_tracking", (SyncGroupB b, Statement s) -> {
                warn(s, "global_tracking", "(" + name + ") global_tracking is deprecated. Use track_interface/script/file on the sync group");
                trackingWeight = true;
            });
            simple(table, "sync_group_tracking_weight", (SyncGroupB b, Statement s) -> trackingWeight = true);
        }

        @Override
        public Map<String, H> table() {
            return table;
        }
    }

    // ---------------------------------------------------------------- bfd_instance and SSL

    final class BfdB implements Ctx {
        final Map<String, H> table = new HashMap<>();
        final String name;
        final Statement at;
        InetAddress neighbor;
        InetAddress source;
        Duration minRx = Duration.ofMillis(10);
        Duration minTx = Duration.ofMillis(10);
        Duration idleTx = Duration.ofSeconds(1);
        int multiplier = 5;
        boolean passive;
        int ttl = 255;
        int maxHops;
        int weight;

        BfdB(String name, Statement at) {
            this.name = name;
            this.at = at;
            simple(table, "neighbor_ip", (BfdB b, Statement s) -> neighbor = address(s, 1, "BFD neighbor_ip"));
            simple(table, "source_ip", (BfdB b, Statement s) -> source = address(s, 1, "BFD source_ip"));
            simple(table, "min_rx", (BfdB b, Statement s) -> minRx = millis(s, minRx));
            simple(table, "min_tx", (BfdB b, Statement s) -> minTx = millis(s, minTx));
            simple(table, "idle_tx", (BfdB b, Statement s) -> idleTx = millis(s, idleTx));
            simple(table, "multiplier", (BfdB b, Statement s) -> {
                Integer v = integer(s, 1, 1, 255);
                if (v != null) {
                    multiplier = v;
                }
            });
            simple(table, "passive", (BfdB b, Statement s) -> passive = true);
            BiConsumer<BfdB, Statement> ttlH = (b, s) -> {
                Integer v = integer(s, 1, 1, 255);
                if (v != null) {
                    ttl = v;
                }
            };
            simple(table, "ttl", ttlH);
            simple(table, "hoplimit", ttlH);
            simple(table, "max_hops", (BfdB b, Statement s) -> {
                Integer v = integer(s, 1, 0, 255);
                if (v != null) {
                    maxHops = v;
                }
            });
            simple(table, "weight", (BfdB b, Statement s) -> {
                Integer v = integer(s, 1, -253, 253);
                if (v != null) {
                    weight = v;
                }
            });
            ConfigParser.<BfdB>simple(table, "vrrp", (b, s) -> {});
            ConfigParser.<BfdB>simple(table, "checker", (b, s) -> {});
        }

        Duration millis(Statement s, Duration current) {
            Long v = number(s, arg(s, 1), 1, 1_000_000);
            return v == null ? current : Duration.ofMillis(v);
        }

        @Override
        public Map<String, H> table() {
            return table;
        }

        BfdInstance build() {
            if (neighbor == null) {
                warn(at, name, "BFD instance " + name + " has no neighbor_ip - removing");
                return null;
            }
            if (maxHops > ttl) {
                warn(at, name, "BFD instance " + name + ": max_hops exceeds ttl/hoplimit - setting to ttl/hoplimit");
                maxHops = ttl;
            }
            if (source != null && AddressFamily.of(source) != AddressFamily.of(neighbor)) {
                warn(at, name, "BFD instance " + name + " source_ip and neighbor_ip families differ - ignoring source_ip");
                source = null;
            }
            return new BfdInstance(name, neighbor, source, minRx, minTx, idleTx, multiplier, passive, ttl, maxHops, weight);
        }
    }

    final class SslB implements Ctx {
        final Map<String, H> table = new HashMap<>();
        String password;
        String ca;
        String certificate;
        String key;

        SslB() {
            simple(table, "password", (SslB b, Statement s) -> password = arg(s, 1));
            simple(table, "ca", (SslB b, Statement s) -> ca = arg(s, 1));
            simple(table, "certificate", (SslB b, Statement s) -> certificate = arg(s, 1));
            simple(table, "key", (SslB b, Statement s) -> key = arg(s, 1));
        }

        @Override
        public Map<String, H> table() {
            return table;
        }

        SslSettings build() {
            return new SslSettings(password, ca, certificate, key);
        }
    }
}
