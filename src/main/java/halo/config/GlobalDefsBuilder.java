package halo.config;

import static halo.config.ConfigParser.opt;

import halo.config.source.Statement;
import halo.lvs.DataPlaneKind;
import halo.lvs.IpvsTimeouts;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** global_defs: its keywords and what they set, completed into {@link GlobalDefs}. */
final class GlobalDefsBuilder implements ParseContext, HasRawSettings {
static final Set<String> GLOBAL_RAW = Set.of(
        "smtp_alert", "smtp_alert_vrrp", "smtp_alert_checker", "checker_log_all_failures", "default_interface", "lvs_flush",
        "lvs_flush_on_stop", "lvs_flush_onstop", "vrrp_check_unicast_src", "vrrp_iptables",
        "nftables_priority", "nftables_ifindex", "nftables_counters", "vrrp_rx_bufs_policy",
        "vrrp_rx_bufs_multiplier", "vrrp_priority", "checker_priority", "bfd_priority", "vrrp_no_swap",
        "checker_no_swap", "bfd_no_swap", "vrrp_rt_priority", "checker_rt_priority", "bfd_rt_priority",
        "vrrp_rlimit_rtime", "vrrp_rlimit_rttime", "checker_rlimit_rtime", "checker_rlimit_rttime",
        "bfd_rlimit_rtime", "bfd_rlimit_rttime", "vrrp_cpu_affinity", "checker_cpu_affinity", "bfd_cpu_affinity",
        "snmp_socket", "enable_snmp_vrrp", "enable_snmp_keepalived", "enable_snmp_rfc", "enable_snmp_rfcv2",
        "enable_snmp_rfcv3", "enable_snmp_checker", "enable_traps", "enable_dbus", "dbus_service_name",
        "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs",
        "vrrp_netlink_monitor_rcv_bufs_force", "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force",
        "lvs_netlink_monitor_rcv_bufs", "lvs_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs",
        "process_monitor_rcv_bufs_force", "rs_init_notifies", "no_checker_emails", "vrrp_min_garp",
        "vrrp_garp_extra_if", "random_seed", "reload_check_config", "reload_time_file", "reload_repeat",
        "reload_file", "data_use_instance", "umask", "tmp_config_directory", "config_save_dir", "disable_local_igmp",
        "process_names", "process_name", "vrrp_process_name", "checker_process_name", "bfd_process_name",
        "fifo_write_vrrp_states_on_reload", "include_check", "vrrp_notify_priority_changes", "lvs_process_name",
        "min_auto_priority_delay", "no_email_faults", "vrrp_down_timer_adverts", "vrrp_vmac_garp_intvl", "nftables",
        "nftables_ipvs", "nftables_ipvs_priority", "nftables_ipvs_start_fwmark", "log_unknown_vrids", "vmac_prefix",
        "vmac_addr_prefix");

    private final ConfigParser parser;
    final Map<String, KeywordHandler> keywords = new HashMap<>();
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
    DataPlaneKind lvsDataplane;
    IpvsTimeouts lvsTimeouts;
    String metricsListen;
    final List<RawSetting> raw = new ArrayList<>();

    GlobalDefsBuilder(ConfigParser parser) {
        this.parser = parser;
        KeywordTable.line(keywords, "router_id", (GlobalDefsBuilder b, Statement s) -> routerId = parser.arg(s, 1));
        KeywordTable.valueBlock(keywords, "notification_email", (GlobalDefsBuilder b, Statement s) -> {
            for (Statement line : s.block()) {
                emails.addAll(line.words());
            }
            if (s.block().isEmpty()) {
                parser.warn(s, s.keyword(), "Warning - empty notification_email block"); // keepalived's words
            }
        });
        KeywordTable.line(keywords, "notification_email_from", (GlobalDefsBuilder b, Statement s) -> emailFrom = parser.arg(s, 1));
        KeywordTable.line(keywords, "smtp_server", (GlobalDefsBuilder b, Statement s) -> {
            smtpServer = parser.arg(s, 1);
            if (opt(s, 2) != null) {
                Long p = parser.number(s, opt(s, 2), 1, 65535);
                if (p != null) {
                    smtpPort = (int) (long) p;
                }
            }
        });
        KeywordTable.line(keywords, "smtp_helo_name", (GlobalDefsBuilder b, Statement s) -> smtpHelo = parser.arg(s, 1));
        KeywordTable.line(keywords, "smtp_connect_timeout", (GlobalDefsBuilder b, Statement s) -> {
            Duration d = parser.wholeSeconds(s, 0, 4294, "smtp_connect_timeout '%s' must be in [0, 4294] - ignoring");
            if (d != null && d.isZero()) {
                parser.warn(s, "0", "smtp_conect_timeout must be greater than 0, setting to 1"); // keepalived's words
                d = Duration.ofSeconds(1);
            }
            if (d != null) {
                smtpTimeout = d;
            }
        });
        KeywordTable.line(keywords, "script_user", (GlobalDefsBuilder b, Statement s) -> {
            scriptUser = parser.arg(s, 1);
            scriptGroup = opt(s, 2);
        });
        KeywordTable.line(keywords, "enable_script_security", (GlobalDefsBuilder b, Statement s) -> scriptSecurity = true);
        KeywordTable.line(keywords, "startup_script", (GlobalDefsBuilder b, Statement s) -> startStopScript(s, true));
        KeywordTable.line(keywords, "shutdown_script", (GlobalDefsBuilder b, Statement s) -> startStopScript(s, false));
        KeywordTable.line(keywords, "startup_script_timeout", (GlobalDefsBuilder b, Statement s) -> startStopTimeout(s, true));
        KeywordTable.line(keywords, "shutdown_script_timeout", (GlobalDefsBuilder b, Statement s) -> startStopTimeout(s, false));
        KeywordTable.line(keywords, "notify_fifo", (GlobalDefsBuilder b, Statement s) -> notifyFifo = fifo(s));
        KeywordTable.line(keywords, "vrrp_notify_fifo", (GlobalDefsBuilder b, Statement s) -> vrrpFifo = fifo(s));
        KeywordTable.line(keywords, "lvs_notify_fifo", (GlobalDefsBuilder b, Statement s) -> lvsFifo = fifo(s));
        KeywordTable.line(keywords, "notify_fifo_script", (GlobalDefsBuilder b, Statement s) -> notifyFifo = fifoScript(s, notifyFifo));
        KeywordTable.line(keywords, "vrrp_notify_fifo_script", (GlobalDefsBuilder b, Statement s) -> vrrpFifo = fifoScript(s, vrrpFifo));
        KeywordTable.line(keywords, "lvs_notify_fifo_script", (GlobalDefsBuilder b, Statement s) -> lvsFifo = fifoScript(s, lvsFifo));
        KeywordTable.line(keywords, "vrrp_version", (GlobalDefsBuilder b, Statement s) -> {
            Integer v = parser.integer(s, 1, 2, 3);
            if (v != null) {
                version = v;
            } else if (opt(s, 1) != null) {
                parser.warn(s, opt(s, 1), "VRRP Error: Version must be either 2 or 3");
            }
        });
        KeywordTable.line(keywords, "vrrp_mcast_group4", (GlobalDefsBuilder b, Statement s) -> {
            InetAddress a = parser.cutAddress(s, 1, "vrrp_mcast_group4 address");
            if (a != null && (a instanceof Inet6Address || !a.isMulticastAddress())) {
                parser.warn(s, opt(s, 1), "vrrp_mcast_group4 [" + opt(s, 1) + "] is not multicast. Skipping");
            } else if (a != null) {
                mcast4 = a;
            }
        });
        KeywordTable.line(keywords, "vrrp_mcast_group6", (GlobalDefsBuilder b, Statement s) -> {
            InetAddress a = parser.cutAddress(s, 1, "vrrp_mcast_group6 address");
            if (a != null && (!(a instanceof Inet6Address) || !a.isMulticastAddress())) {
                parser.warn(s, opt(s, 1), "vrrp_mcast_group6 [" + opt(s, 1) + "] is not multicast. Skipping");
            } else if (a != null) {
                mcast6 = a;
            }
        });
        KeywordTable.line(keywords, "vrrp_garp_master_delay", (GlobalDefsBuilder b, Statement s) -> {
            Duration d = parser.wholeSeconds(s, 0, 255, "vrrp_garp_master_delay '%s' invalid - ignoring");
            if (d != null) {
                garpDelay = d;
            }
        });
        KeywordTable.line(keywords, "vrrp_garp_master_repeat", (GlobalDefsBuilder b, Statement s) -> {
            if ("0".equals(opt(s, 1))) {
                parser.warn(s, "0", "vrrp_garp_master_repeat must be greater than 0, setting to 1");
                garpRepeat = 1;
                return;
            }
            Integer v = parser.integer(s, 1, 1, 255);
            if (v != null) {
                garpRepeat = v;
            }
        });
        KeywordTable.line(keywords, "vrrp_garp_master_refresh", (GlobalDefsBuilder b, Statement s) -> {
            Duration d = parser.wholeSeconds(s, 0, Integer.MAX_VALUE, "Invalid vrrp_garp_master_refresh '%s' - ignoring");
            if (d != null) {
                garpRefresh = d;
            }
        });
        KeywordTable.line(keywords, "vrrp_garp_master_refresh_repeat", (GlobalDefsBuilder b, Statement s) -> {
            Integer v = parser.integer(s, 1, 1, 255);
            if (v != null) {
                garpRefreshRepeat = v;
            }
        });
        KeywordTable.line(keywords, "vrrp_garp_lower_prio_delay", (GlobalDefsBuilder b, Statement s) -> {
            Duration d = parser.wholeSeconds(s, 0, 255, "vrrp_garp_lower_prio_delay '%s' invalid - ignoring");
            if (d != null) {
                garpLowerDelay = d;
            }
        });
        KeywordTable.line(keywords, "vrrp_garp_lower_prio_repeat", (GlobalDefsBuilder b, Statement s) -> garpLowerRepeat = parser.integer(s, 1, 0, 255));
        KeywordTable.line(keywords, "vrrp_garp_interval", (GlobalDefsBuilder b, Statement s) -> {
            Duration d = parser.positiveTimer(s, "0.000001", 0.000001);
            if (d != null) {
                garpInterval = d;
            }
        });
        KeywordTable.line(keywords, "vrrp_gna_interval", (GlobalDefsBuilder b, Statement s) -> {
            Duration d = parser.positiveTimer(s, "0.000001", 0.000001);
            if (d != null) {
                gnaInterval = d;
            }
        });
        KeywordTable.line(keywords, "vrrp_higher_prio_send_advert", (GlobalDefsBuilder b, Statement s) -> higherPrioSendAdvert = parser.bool(s, 1));
        KeywordTable.line(keywords, "vrrp_lower_prio_no_advert", (GlobalDefsBuilder b, Statement s) -> lowerPrioNoAdvert = parser.bool(s, 1));
        KeywordTable.line(keywords, "vrrp_strict", (GlobalDefsBuilder b, Statement s) -> strict = true);
        KeywordTable.line(keywords, "vrrp_skip_check_adv_addr", (GlobalDefsBuilder b, Statement s) -> skipCheckAdvAddr = parser.bool(s, 1));
        KeywordTable.line(keywords, "vrrp_startup_delay", (GlobalDefsBuilder b, Statement s) -> {
            Duration d = parser.positiveTimer(s, "0.001", 0.001);
            if (d != null) {
                startupDelay = d;
            }
        });
        KeywordTable.line(keywords, "dynamic_interfaces", (GlobalDefsBuilder b, Statement s) -> dynamicInterfaces = true);
        KeywordTable.line(keywords, "max_auto_priority", (GlobalDefsBuilder b, Statement s) -> {
            String v = opt(s, 1);
            if (v == null) {
                maxAutoPriority = 99; // keepalived: no value means the maximum realtime priority
            } else {
                Long n = parser.number(s, v, -1, 99);
                if (n != null) {
                    maxAutoPriority = (int) (long) n;
                }
            }
        });
        // keepalived sets IPVS's timeouts from it at start and reload, as ipvsadm --set
        KeywordTable.line(keywords, "lvs_timeouts", (GlobalDefsBuilder b, Statement s) -> {
            int tcp = 0;
            int tcpFin = 0;
            int udp = 0;
            for (int i = 1; i < s.words().size(); i += 2) {
                String name = s.words().get(i);
                Integer value = i + 1 < s.words().size() ? parser.integer(s, i + 1, 0, Integer.MAX_VALUE) : null;
                if (value == null) {
                    parser.warn(s, name, "lvs_timeouts " + name + " needs a value in seconds - ignoring");
                    continue;
                }
                switch (name) {
                    case "tcp" -> tcp = value;
                    case "tcpfin" -> tcpFin = value;
                    case "udp" -> udp = value;
                    default -> parser.warn(s, name, "Unknown option " + name + " specified for lvs_timeouts");
                }
            }
            lvsTimeouts = new IpvsTimeouts(tcp, tcpFin, udp);
        });
        // Halo's own keyword (keepalived would call it unknown): which data plane carries the virtual servers
        KeywordTable.line(keywords, "lvs_dataplane", (GlobalDefsBuilder b, Statement s) -> {
            String v = parser.arg(s, 1);
            if (v == null) return;
            if (v.equals("auto")) {
                lvsDataplane = null;
            } else {
                DataPlaneKind kind = DataPlaneKind.byConfigName(v).orElse(null);
                if (kind == null) {
                    parser.warn(s, v, "Invalid lvs_dataplane '" + v + "' - ignoring (expected auto, proxy, nftables"
                            + " or ipvs)");
                } else {
                    lvsDataplane = kind;
                }
            }
        });
        // kept as written (dump-conf writes it back, SyncDaemonConfig.of reads it with the instances), with
        // keepalived's warnings now; an unknown instance is reported when the daemon reads it
        KeywordTable.line(keywords, "lvs_sync_daemon", (GlobalDefsBuilder b, Statement s) -> {
            SyncDaemonConfig.Parsed parsed = SyncDaemonConfig.parse(new RawSetting(s.keyword(), s.args()), name -> 0);
            parsed.warnings().forEach(w -> parser.warn(s, s.keyword(), w));
            if (parsed.config().isPresent()) raw.add(new RawSetting(s.keyword(), s.args()));
        });
        // Halo's own keyword: where the HTTP listener for /metrics and /status.json binds (none when not written)
        KeywordTable.line(keywords, "metrics_listen", (GlobalDefsBuilder b, Statement s) -> {
            String v = parser.arg(s, 1);
            if (v == null) return;
            try {
                halo.observe.ListenAddress.parse(v);
                metricsListen = v;
            } catch (IllegalArgumentException e) {
                parser.warn(s, v, "Invalid metrics_listen '" + v + "' - ignoring (" + e.getMessage() + ")");
            }
        });
        for (String k : GLOBAL_RAW) {
            keywords.put(k, new KeywordHandler.Line((c, s) -> raw.add(new RawSetting(s.keyword(), s.args()))));
        }
        // keepalived's VIP firewall (VipFirewall reads them from the raw settings); keepalived's checks and words
        KeywordTable.line(keywords, "nftables", (GlobalDefsBuilder b, Statement s) -> {
            if (raw.stream().anyMatch(r -> r.keyword().equals("nftables") || r.keyword().equals("vrrp_iptables"))) {
                parser.warn(s, s.keyword(), "nftables already specified - ignoring");
            } else if (s.words().size() >= 2 && s.words().get(1).length() >= 256) {
                parser.warn(s, s.words().get(1), "nftables table name too long - ignoring");
            } else {
                raw.add(new RawSetting(s.keyword(), s.args()));
            }
        });
        KeywordTable.line(keywords, "nftables_priority", (GlobalDefsBuilder b, Statement s) -> {
            String v = parser.arg(s, 1);
            if (v == null) return;
            if (parser.number(s, v, Integer.MIN_VALUE, Integer.MAX_VALUE) == null) {
                parser.warn(s, v, "invalid nftables chain priority '" + v + "'");
            } else {
                raw.add(new RawSetting(s.keyword(), s.args()));
            }
        });
        // Debian's keepalived is built with nftables only: vrrp_iptables means nftables, with its default table
        KeywordTable.line(keywords, "vrrp_iptables", (GlobalDefsBuilder b, Statement s) -> {
            parser.warn(s, s.keyword(), "iptables not supported, using nftables instead. Please replace 'vrrp_iptables"
                    + " and 'vrrp_ipsets' with 'nftables' config option");
            raw.add(new RawSetting(s.keyword(), s.args()));
        });
        // kept verbatim and read elsewhere: vrrp_rt_priority (ProtocolThreadTuning), rs_init_notifies
        // (VirtualServerTable), include_check (read by the configuration reader itself); the rest Halo does not use
        for (String k : GLOBAL_RAW) {
            if (!ACTED_ON_RAW.contains(k)) {
                KeywordTable.unused(keywords, k);
            }
        }
        // read and checked, but Halo sends no mail and has no router id to report, no GARP/NA pacing of its own yet
        KeywordTable.unused(keywords, "router_id", "notification_email", "notification_email_from", "smtp_server",
                "smtp_helo_name", "smtp_connect_timeout", "vrrp_garp_interval", "vrrp_gna_interval");
    }

    /** Keywords of {@link #GLOBAL_RAW} that Halo reads from the raw settings and acts on. */
    static final Set<String> ACTED_ON_RAW = Set.of("vrrp_rt_priority", "rs_init_notifies", "include_check",
            "nftables", "nftables_priority", "nftables_ifindex", "nftables_counters", "vrrp_iptables", "vmac_prefix",
            "vrrp_check_unicast_src");

    ScriptCommand startupScript;
    ScriptCommand shutdownScript;
    Duration startupTimeout = GlobalDefs.StartStopScripts.DEFAULT_TIMEOUT;
    Duration shutdownTimeout = GlobalDefs.StartStopScripts.DEFAULT_TIMEOUT;

    /** keepalived's startup_shutdown_script (global_parser.c): one of each, its words and messages. */
    void startStopScript(Statement s, boolean startup) {
        String type = startup ? "startup" : "shutdown";
        if ((startup ? startupScript : shutdownScript) != null) {
            parser.warn(s, s.keyword(), type + " script already specified");
            return;
        }
        if (s.words().size() < 2) {
            parser.warn(s, s.keyword(), type + " script missing");
            return;
        }
        ScriptCommand cmd = parser.script(s, 1);
        if (cmd == null) return;
        if (startup) startupScript = cmd;
        else shutdownScript = cmd;
    }

    void startStopTimeout(Statement s, boolean startup) {
        String type = startup ? "startup" : "shutdown";
        if (s.words().size() < 2) {
            parser.warn(s, s.keyword(), type + "_script_timeout requires value");
            return;
        }
        String w = s.words().get(1);
        long v = w.matches("[0-9]{1,4}") ? Long.parseLong(w) : -1;
        if (v < 1 || v > 1000) {
            parser.warn(s, s.words().get(1), type + "_script_timeout '" + s.words().get(1) + "' must be in [1, 1000] - ignoring");
            return;
        }
        if (startup) startupTimeout = Duration.ofSeconds(v);
        else shutdownTimeout = Duration.ofSeconds(v);
    }

    GlobalDefs.Fifo fifo(Statement s) {
        String path = parser.arg(s, 1);
        if (path == null) {
            return null;
        }
        return new GlobalDefs.Fifo(path, null);
    }

    final Map<String, ScriptCommand> fifoScripts = new HashMap<>();
    final Map<String, Statement> fifoScriptAt = new HashMap<>();

    GlobalDefs.Fifo fifoScript(Statement s, GlobalDefs.Fifo fifo) {
        ScriptCommand cmd = parser.script(s, 1);
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
            parser.warn(fifoScriptAt.get(keyword), keyword, keyword + " without " + keyword.replace("_script", "") + " - ignoring");
            return null;
        }
        return new GlobalDefs.Fifo(fifo.path(), cmd);
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return keywords;
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
                scriptGroup, scriptSecurity, startupScript == null && shutdownScript == null
                        && startupTimeout.equals(GlobalDefs.StartStopScripts.DEFAULT_TIMEOUT)
                        && shutdownTimeout.equals(GlobalDefs.StartStopScripts.DEFAULT_TIMEOUT)
                        ? GlobalDefs.StartStopScripts.NONE
                        : new GlobalDefs.StartStopScripts(startupScript, startupTimeout, shutdownScript, shutdownTimeout),
                withScript(notifyFifo, "notify_fifo_script"),
                withScript(vrrpFifo, "vrrp_notify_fifo_script"), withScript(lvsFifo, "lvs_notify_fifo_script"), version, mcast4, mcast6, garp,
                garpInterval, gnaInterval, higherPrioSendAdvert, lowerPrioNoAdvert, strict, skipCheckAdvAddr,
                startupDelay, dynamicInterfaces, maxAutoPriority, lvsDataplane, lvsTimeouts, metricsListen, raw);
    }
}
