package halo.config;

import static halo.config.ConfigParser.opt;

import halo.config.source.Statement;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A vrrp_instance block: its keywords and what they set, completed by {@link VrrpParser#complete}. */
final class VrrpInstanceBuilder implements ParseContext, HasRawSettings {
    private final VrrpParser vrrp;
    private final ConfigParser parser;
    final Map<String, KeywordHandler> keywords;
    final String name;
    final Statement at;
    InitialState state = InitialState.BACKUP;
    Statement stateAt;
    String iface;
    Statement ifaceAt;
    Integer vrid;
    int priority = 100;
    Duration advert = Duration.ofSeconds(1);
    Statement advertAt;
    Integer version;
    Statement versionAt;
    boolean nativeIpv6;
    boolean nopreempt;
    Statement nopreemptAt;
    Duration preemptDelay = Duration.ZERO;
    Statement preemptDelayAt;
    Authentication.Type authType;
    String authPass;
    Statement authAt;
    final List<Statement> vipLines = new ArrayList<>();
    final List<Statement> evipLines = new ArrayList<>();
    final List<VirtualRoute> routes = new ArrayList<>();
    final List<VirtualRule> rules = new ArrayList<>();
    InetAddress source;
    Statement sourceAt;
    InetAddress mcastDst;
    Statement mcastDstAt;
    final List<UnicastPeer> peers = new ArrayList<>();
    final List<Statement> peerLines = new ArrayList<>();
    Statement peersAt;
    boolean unicastKeyword;
    final TrackerReferences trackers = new TrackerReferences();
    final NotifyScriptsBuilder notify = new NotifyScriptsBuilder();
    Duration garpDelay;
    Integer garpRepeat;
    Duration garpRefresh;
    Integer garpRefreshRepeat;
    Duration garpLowerDelay;
    Integer garpLowerRepeat;
    Statement garpAt;
    Boolean accept;
    boolean useVmac;
    String vmacName;
    boolean vmacXmitBase;
    Boolean strictMode;
    boolean dontTrackPrimary;
    Boolean skipCheckAdvAddr;
    Boolean higherPrioSendAdvert;
    Statement higherPrioSendAdvertAt;
    Boolean lowerPrioNoAdvert;
    Statement lowerPrioNoAdvertAt;
    int downTimerAdverts = 3;
    boolean smtpAlert;
    final List<RawSetting> raw = new ArrayList<>();

    VrrpInstanceBuilder(VrrpParser vrrp, String name, Statement at) {
        this.vrrp = vrrp;
        this.parser = vrrp.parser;
        this.name = name;
        this.at = at;
        this.keywords = new HashMap<>();
        addKeywords(keywords);
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return keywords;
    }

    @Override
    public List<RawSetting> raw() {
        return raw;
    }

    private void addKeywords(Map<String, KeywordHandler> table) {
        KeywordTable.<VrrpInstanceBuilder>line(table, "state", (b, s) -> {
            String v = parser.arg(s, 1);
            if (v == null) {
                return;
            }
            stateAt = s;
            switch (v) {
                case "MASTER" -> state = InitialState.MASTER;
                case "BACKUP" -> {
                    if (state == InitialState.MASTER) {
                        parser.warn(s, v, "(" + name + ") state previously set as MASTER - ignoring BACKUP");
                    } else {
                        state = InitialState.BACKUP;
                    }
                }
                default -> {
                    parser.warn(s, v, "(" + name + ") unknown state '" + v + "', defaulting to BACKUP");
                    state = InitialState.BACKUP;
                }
            }
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "interface", (b, s) -> {
            iface = parser.arg(s, 1);
            ifaceAt = s;
            if ("lo".equals(iface)) {
                parser.warn(s, iface, "(" + name + ") cannot use a loopback interface (lo) for vrrp - ignoring");
                iface = null;
            }
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "virtual_router_id", (b, s) -> {
            String v = parser.arg(s, 1);
            if (v == null) {
                return;
            }
            Long n = parser.number(s, v, 1, 255);
            if (n == null) {
                parser.warn(s, v, "(" + name + "): VRID '" + v + "' not valid - must be between 1 & 255");
            } else {
                vrid = (int) (long) n;
            }
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "priority", (b, s) -> {
            String v = parser.arg(s, 1);
            if (v == null) {
                return;
            }
            Long n = parser.number(s, v, 1, 255);
            if (n == null) {
                parser.warn(s, v, "(" + name + ") Priority not valid! must be between 1 & 255. Using default 100");
                priority = 100;
            } else {
                priority = (int) (long) n;
            }
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "advert_int", (b, s) -> {
            String v = parser.arg(s, 1);
            if (v == null) {
                return;
            }
            Duration d = null;
            try {
                double x = Double.parseDouble(v);
                if (x >= 0.01 && x <= 255) {
                    d = Duration.ofNanos(Math.round(x * 1_000_000) * 1000L);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            if (d == null || d.toNanos() < 10_000_000L || d.toNanos() > 255_000_000_000L) {
                parser.warn(s, v, "number '" + v + "' outside range [0.01, 255]: (" + name + ") Advert interval (" + v
                        + ") not valid - ignoring");
            } else {
                advert = d;
                advertAt = s;
            }
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "version", (b, s) -> {
            String v = parser.arg(s, 1);
            if (v == null) {
                return;
            }
            if (!v.equals("2") && !v.equals("3")) {
                parser.warn(s, v, "(" + name + "): Version not valid ! must be between either 2 or 3. reconfigure !");
                return;
            }
            int n = Integer.parseInt(v);
            if (version != null && version != n) {
                parser.warn(s, v, "(" + name + ") vrrp_version conflicts with configured or deduced version; ignoring.");
                return;
            }
            version = n;
            versionAt = s;
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "native_ipv6", (b, s) -> nativeIpv6 = true);
        KeywordTable.<VrrpInstanceBuilder>line(table, "nopreempt", (b, s) -> {
            nopreempt = true;
            nopreemptAt = s;
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "preempt", (b, s) -> nopreempt = false);
        KeywordTable.<VrrpInstanceBuilder>line(table, "preempt_delay", (b, s) -> {
            String v = parser.arg(s, 1);
            Duration d = parser.seconds(s, v, 1000);
            if (v != null && d == null) {
                parser.warn(s, v, "(" + name + ") Preempt_delay not valid! must be between 0-1000");
                d = Duration.ZERO;
            }
            if (d != null) {
                preemptDelay = d;
                preemptDelayAt = s;
            }
        });
        KeywordTable.<VrrpInstanceBuilder>block(table, "authentication", (b, s) -> new AuthenticationBuilder(vrrp.parser, this, s));
        KeywordTable.<VrrpInstanceBuilder>valueBlock(table, "virtual_ipaddress", (b, s) -> vipLines.addAll(s.block()));
        KeywordTable.<VrrpInstanceBuilder>valueBlock(table, "virtual_ipaddress_excluded", (b, s) -> evipLines.addAll(s.block()));
        KeywordTable.<VrrpInstanceBuilder>valueBlock(table, "virtual_routes", (b, s) -> {
            for (Statement line : s.block()) {
                VirtualRoute r = vrrp.route(line);
                if (r != null) {
                    routes.add(r);
                }
            }
        });
        KeywordTable.<VrrpInstanceBuilder>valueBlock(table, "virtual_rules", (b, s) -> {
            for (Statement line : s.block()) {
                VirtualRule r = vrrp.rule(line);
                if (r != null) {
                    rules.add(r);
                }
            }
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "unicast_src_ip", (b, s) -> {
            source = parser.cutAddress(s, 1, "unicast_src_ip address");
            sourceAt = s;
            unicastKeyword = true;
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "mcast_src_ip", (b, s) -> {
            source = parser.cutAddress(s, 1, "mcast_src_ip address");
            sourceAt = s;
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "mcast_dst_ip", (b, s) -> {
            mcastDstAt = s;
            InetAddress a = parser.cutAddress(s, 1, "mcast_dst_ip address");
            if (a != null && !a.isMulticastAddress()) {
                parser.warn(s, opt(s, 1), "(" + name + ") mcast_dst_ip " + opt(s, 1) + " is not a multicast address - ignoring");
            } else if (a != null) {
                mcastDst = a;
            }
        });
        KeywordTable.<VrrpInstanceBuilder>valueBlock(table, "unicast_peer", (b, s) -> {
            peersAt = s;
            unicastKeyword = true;
            for (Statement line : s.block()) {
                UnicastPeer peer = vrrp.unicastPeer(line, name);
                if (peer != null) {
                    peers.add(peer);
                    peerLines.add(line);
                }
            }
        });
        vrrp.trackerKeywords(table, c -> ((VrrpInstanceBuilder) c).trackers);
        vrrp.notifyKeywords(table, c -> ((VrrpInstanceBuilder) c).notify, "(" + name + ")");
        KeywordTable.<VrrpInstanceBuilder>line(table, "garp_master_delay", (b, s) -> {
            Duration d = parser.wholeSeconds(s, 0, 255, "(" + name + "): garp_master_delay '%s' invalid - ignoring");
            if (d != null) {
                garpDelay = d;
            }
            garpAt = s;
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "garp_master_repeat", (b, s) -> {
            garpAt = s;
            if ("0".equals(opt(s, 1))) {
                parser.warn(s, "0", "(" + name + "): garp_master_repeat must be greater than 0, setting to 1");
                garpRepeat = 1;
                return;
            }
            garpRepeat = parser.integer(s, 1, 1, 255);
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "garp_master_refresh", (b, s) -> {
            Duration d = parser.wholeSeconds(s, 0, Integer.MAX_VALUE, "(" + name + "): Invalid garp_master_refresh '%s' - ignoring");
            if (d != null) {
                garpRefresh = d;
            }
            garpAt = s;
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "garp_master_refresh_repeat", (b, s) -> {
            garpRefreshRepeat = parser.integer(s, 1, 1, 255);
            garpAt = s;
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "garp_lower_prio_delay", (b, s) -> {
            Duration d = parser.wholeSeconds(s, 0, 255, "(" + name + "): garp_lower_prio_delay '%s' invalid - ignoring");
            if (d != null) {
                garpLowerDelay = d;
            }
            garpAt = s;
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "garp_lower_prio_repeat", (b, s) -> {
            garpLowerRepeat = parser.integer(s, 1, 0, 255);
            garpAt = s;
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "accept", (b, s) -> accept = true);
        KeywordTable.<VrrpInstanceBuilder>line(table, "no_accept", (b, s) -> accept = false);
        KeywordTable.<VrrpInstanceBuilder>line(table, "use_vmac", (b, s) -> {
            useVmac = true;
            for (int k = 1; k <= 2 && opt(s, k) != null; k++) {
                String v = opt(s, k);
                if (v.indexOf(':') >= 0) {
                    // interface names cannot hold ':': keepalived reads it as the VMAC's MAC address
                    parser.warn(s, v, "(" + name + ") a VMAC MAC address is not supported by Halo - using the"
                            + " virtual router MAC");
                } else if (vmacName != null) {
                    parser.warn(s, v, "VMAC interface name already specified");
                } else if (v.length() > 15 || v.chars().anyMatch(c -> c == '/' || Character.isWhitespace(c))) {
                    parser.warn(s, v, "VMAC interface name '" + v + "' too long or invalid characters - ignoring");
                } else {
                    vmacName = v;
                }
            }
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "vmac_xmit_base", (b, s) -> vmacXmitBase = true);
        KeywordTable.<VrrpInstanceBuilder>line(table, "strict_mode", (b, s) -> {
            // keepalived 2.2.7: an invalid value leaves the mode as it was (the global vrrp_strict)
            String v = ConfigParser.opt(s, 1);
            switch (v == null ? "on" : v) { // lib/parser.c check_true_false: lower case only
                case "on", "true", "yes" -> strictMode = true;
                case "off", "false", "no" -> strictMode = false;
                default -> parser.warn(s, v, "(" + name + ") invalid strict_mode " + v + " specified");
            }
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "dont_track_primary", (b, s) -> dontTrackPrimary = true);
        KeywordTable.<VrrpInstanceBuilder>line(table, "skip_check_adv_addr", (b, s) -> skipCheckAdvAddr = parser.bool(s, 1));
        KeywordTable.<VrrpInstanceBuilder>line(table, "higher_prio_send_advert", (b, s) -> {
            higherPrioSendAdvert = parser.bool(s, 1);
            higherPrioSendAdvertAt = s;
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "lower_prio_no_advert", (b, s) -> {
            lowerPrioNoAdvert = parser.bool(s, 1);
            lowerPrioNoAdvertAt = s;
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "down_timer_adverts", (b, s) -> {
            Integer v = parser.integer(s, 1, 1, 100);
            if (v != null) {
                downTimerAdverts = v;
            }
        });
        KeywordTable.<VrrpInstanceBuilder>line(table, "smtp_alert", (b, s) -> smtpAlert = parser.bool(s, 1));
        KeywordTable.<VrrpInstanceBuilder>raw(table, "debug", "linkbeat_use_polling", "promote_secondaries", "track_src_ip",
                "kernel_rx_buf_size", "old_unicast_checksum", "unicast_fault_no_peer", "unicast_ttl",
                "check_unicast_src", "use_ipvlan", "lvs_sync_daemon_interface",
                "notify_priority_changes", "use_vmac_addr", "vrf",
                "garp_extra_if", "vmac_garp_intvl");
        // read and checked (dump-conf writes them back) but Halo does not act on them yet: no use_vmac_addr,
        // BFD, no mail, no notify on deletion; the verbatim ones above neither
        KeywordTable.unused(table, "debug", "linkbeat_use_polling", "track_src_ip",
                "kernel_rx_buf_size", "old_unicast_checksum", "unicast_fault_no_peer",
                "use_ipvlan", "lvs_sync_daemon_interface",
                "notify_priority_changes", "use_vmac_addr", "vrf",
                "garp_extra_if", "vmac_garp_intvl",
                "track_bfd", "smtp_alert", "notify_deleted");
    }
}
