package halo.config;

import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsTimeouts;
import halo.net.AddressText;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes the model back as keepalived.conf text: every section, defaults explicit, one keyword per line, four-space
 * indentation. Loading the output gives an equal model.
 */
public final class ConfigWriter {
    private final StringBuilder out = new StringBuilder(4096);
    private int depth;

    private ConfigWriter() {}

    public static String write(KeepalivedConfig c) {
        ConfigWriter w = new ConfigWriter();
        w.config(c);
        return w.out.toString();
    }

    // ---------------------------------------------------------------- text helpers

    private void line(Object... words) {
        out.repeat("    ", depth);
        boolean first = true;
        for (Object word : words) {
            if (word == null) {
                continue;
            }
            if (!first) {
                out.append(' ');
            }
            out.append(first ? word.toString() : quote(word.toString()));
            first = false;
        }
        out.append('\n');
    }

    private void open(Object... words) {
        out.repeat("    ", depth);
        for (Object word : words) {
            if (word != null) {
                out.append(quote(word.toString())).append(' ');
            }
        }
        out.append("{\n");
        depth++;
    }

    private void close() {
        depth--;
        out.repeat("    ", depth).append("}\n");
    }

    /** {@code keyword { item... }}, written only when there are items. */
    private <T> void valueBlock(String keyword, List<T> items, Consumer<T> writeItem) {
        if (!items.isEmpty()) {
            open(keyword);
            items.forEach(writeItem);
            close();
        }
    }

    /** Quotes a word that the reader would otherwise split or treat as syntax. */
    static String quote(String w) {
        if (w.isEmpty()) {
            return "\"\"";
        }
        boolean plain = true;
        for (int i = 0; i < w.length() && plain; i++) {
            char c = w.charAt(i);
            plain = !(Character.isWhitespace(c) || c == '!' || c == '#' || c == '"' || c == '\'' || c == '{'
                    || c == '}' || c == '\\');
        }
        if (plain) {
            return w;
        }
        if (w.indexOf('"') < 0) {
            return '"' + w + '"';
        }
        return '\'' + w + '\'';
    }

    static String secs(Duration d) {
        BigDecimal s = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
        s = s.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0).toPlainString() : s.toPlainString();
    }

    static String ip(InetAddress a) {
        return a == null ? null : AddressText.format(a);
    }

    static String bool(boolean b) {
        return b ? "true" : "false";
    }

    private void script(String keyword, ScriptCommand s) {
        if (s != null) {
            line(keyword, s.commandLine(), s.user(), s.user() == null ? null : s.group());
        }
    }

    private void raw(List<RawSetting> raw) {
        for (RawSetting r : raw) {
            Object[] words = new Object[r.args().size() + 1];
            words[0] = r.keyword();
            for (int i = 0; i < r.args().size(); i++) {
                words[i + 1] = r.args().get(i);
            }
            line(words);
        }
    }

    // ---------------------------------------------------------------- sections

    private void config(KeepalivedConfig c) {
        global(c.global());
        valueBlock("static_ipaddress", c.staticAddresses(), this::address);
        valueBlock("static_routes", c.staticRoutes(), this::route);
        valueBlock("static_rules", c.staticRules(), this::rule);
        for (StaticTrackGroup g : c.staticTrackGroups()) {
            open("track_group", g.name());
            open("group");
            g.instances().forEach(this::line);
            close();
            close();
        }
        c.bfdInstances().forEach(this::bfd);
        if (c.ssl() != null) {
            open("SSL");
            SslSettings s = c.ssl();
            if (s.password() != null) line("password", s.password());
            if (s.caFile() != null) line("ca", s.caFile());
            if (s.certificate() != null) line("certificate", s.certificate());
            if (s.key() != null) line("key", s.key());
            close();
        }
        c.vrrpScripts().forEach(this::vrrpScript);
        c.trackFiles().forEach(this::trackFile);
        c.trackProcesses().forEach(this::trackProcess);
        c.vrrpInstances().forEach(this::instance);
        c.syncGroups().forEach(this::syncGroup);
        c.virtualServerGroups().forEach(this::vsGroup);
        c.virtualServers().forEach(this::virtualServer);
    }

    private void global(GlobalDefs g) {
        open("global_defs");
        if (g.routerId() != null) line("router_id", g.routerId());
        valueBlock("notification_email", g.notificationEmails(), this::line);
        if (g.notificationEmailFrom() != null) line("notification_email_from", g.notificationEmailFrom());
        if (g.smtpServer() != null) line("smtp_server", g.smtpServer(), g.smtpPort());
        if (g.smtpHeloName() != null) line("smtp_helo_name", g.smtpHeloName());
        // only when set: Halo sends no mail, and says so for each smtp keyword it reads
        if (!g.smtpConnectTimeout().equals(java.time.Duration.ofSeconds(30))) {
            line("smtp_connect_timeout", secs(g.smtpConnectTimeout()));
        }
        if (g.scriptUser() != null) line("script_user", g.scriptUser(), g.scriptGroup());
        if (g.enableScriptSecurity()) line("enable_script_security");
        GlobalDefs.StartStopScripts ss = g.startStopScripts();
        script("startup_script", ss.startup());
        if (!ss.startupTimeout().equals(GlobalDefs.StartStopScripts.DEFAULT_TIMEOUT)) {
            line("startup_script_timeout", secs(ss.startupTimeout()));
        }
        script("shutdown_script", ss.shutdown());
        if (!ss.shutdownTimeout().equals(GlobalDefs.StartStopScripts.DEFAULT_TIMEOUT)) {
            line("shutdown_script_timeout", secs(ss.shutdownTimeout()));
        }
        fifo("notify_fifo", g.notifyFifo());
        fifo("vrrp_notify_fifo", g.vrrpNotifyFifo());
        fifo("lvs_notify_fifo", g.lvsNotifyFifo());
        line("vrrp_version", g.vrrpVersion());
        line("vrrp_mcast_group4", ip(g.multicastGroup4()));
        line("vrrp_mcast_group6", ip(g.multicastGroup6()));
        GarpSettings garp = g.garp();
        line("vrrp_garp_master_delay", secs(garp.masterDelay()));
        line("vrrp_garp_master_repeat", garp.masterRepeat());
        line("vrrp_garp_master_refresh", secs(garp.masterRefresh()));
        line("vrrp_garp_master_refresh_repeat", garp.masterRefreshRepeat());
        line("vrrp_garp_lower_prio_delay", secs(garp.lowerPrioDelay()));
        line("vrrp_garp_lower_prio_repeat", garp.lowerPrioRepeat());
        // keepalived refuses 0 for these three (0 is their default)
        if (!g.garpInterval().isZero()) line("vrrp_garp_interval", secs(g.garpInterval()));
        if (!g.gnaInterval().isZero()) line("vrrp_gna_interval", secs(g.gnaInterval()));
        line("vrrp_higher_prio_send_advert", bool(g.higherPrioSendAdvert()));
        line("vrrp_lower_prio_no_advert", bool(g.lowerPrioNoAdvert()));
        if (g.strict()) line("vrrp_strict");
        line("vrrp_skip_check_adv_addr", bool(g.skipCheckAdvAddr()));
        if (!g.startupDelay().isZero()) line("vrrp_startup_delay", secs(g.startupDelay()));
        if (g.dynamicInterfaces()) line("dynamic_interfaces");
        if (g.maxAutoPriority() != -1) line("max_auto_priority", g.maxAutoPriority());
        if (g.lvsDataplane() != null) line("lvs_dataplane", g.lvsDataplane().configName());
        if (g.metricsListen() != null) line("metrics_listen", g.metricsListen());
        if (g.lvsTimeouts() != null) {
            IpvsTimeouts t = g.lvsTimeouts();
            line("lvs_timeouts", "tcp", t.tcp(), "tcpfin", t.tcpFin(), "udp", t.udp());
        }
        raw(g.otherSettings());
        close();
    }

    private void fifo(String keyword, GlobalDefs.Fifo f) {
        if (f != null) {
            line(keyword, f.path());
            script(keyword + "_script", f.script());
        }
    }

    private void address(VirtualAddress a) {
        line(a.address().toString(),
                a.broadcast() == null ? null : "brd", ip(a.broadcast()),
                a.device() == null ? null : "dev", a.device(),
                a.scope() == null ? null : "scope", a.scope(),
                a.label() == null ? null : "label", a.label(),
                a.peer() == null ? null : "peer", a.peer() == null ? null : a.peer().toString(),
                a.home() ? "home" : null, a.noDad() ? "-nodad" : null, a.noPrefixRoute() ? "noprefixroute" : null,
                a.autoJoin() ? "autojoin" : null, a.noTrack() ? "no_track" : null);
    }

    private void route(VirtualRoute r) {
        Object[] head = {
                r.type().equals("unicast") ? null : r.type(), r.destination().toString(),
                r.source() == null ? null : "src", ip(r.source()),
                r.via() == null ? null : "via", ip(r.via()),
                r.device() == null ? null : "dev", r.device(),
                r.table() == null ? null : "table", r.table(),
                r.metric() < 0 ? null : "metric", r.metric() < 0 ? null : r.metric(),
                r.scope() == null ? null : "scope", r.scope()};
        Object[] all = new Object[head.length + r.options().size() + 1];
        System.arraycopy(head, 0, all, 0, head.length);
        for (int i = 0; i < r.options().size(); i++) {
            all[head.length + i] = r.options().get(i);
        }
        all[all.length - 1] = r.noTrack() ? "no_track" : null;
        // the type word must come first and may be null: shift so line() gets the first real word as keyword
        line(java.util.Arrays.stream(all).filter(x -> x != null).toArray());
    }

    private void rule(VirtualRule r) {
        Object[] words = new Object[r.words().size() + 1];
        for (int i = 0; i < r.words().size(); i++) {
            words[i] = r.words().get(i);
        }
        words[words.length - 1] = r.noTrack() ? "no_track" : null;
        line(words);
    }

    private void bfd(BfdInstance b) {
        open("bfd_instance", b.name());
        line("neighbor_ip", ip(b.neighbor()));
        if (b.source() != null) line("source_ip", ip(b.source()));
        line("min_rx", b.minRx().toMillis());
        line("min_tx", b.minTx().toMillis());
        line("idle_tx", b.idleTx().toMillis());
        line("multiplier", b.multiplier());
        if (b.passive()) line("passive");
        line("ttl", b.ttl());
        line("max_hops", b.maxHops());
        line("weight", b.weight());
        close();
    }

    private void vrrpScript(VrrpScript s) {
        open("vrrp_script", s.name());
        script("script", s.script());
        line("interval", secs(s.interval()));
        line("timeout", secs(s.timeout()));
        line("weight", s.weight(), s.reverse() ? "reverse" : null);
        line("rise", s.rise());
        line("fall", s.fall());
        if (s.initFail()) line("init_fail");
        close();
    }

    private void trackFile(TrackFile f) {
        open("track_file", f.name());
        line("file", f.file());
        line("weight", f.weight(), f.reverse() ? "reverse" : null);
        if (f.initFile()) line("init_file", f.initValue(), f.initOverwrite() ? "overwrite" : null);
        close();
    }

    private void trackProcess(TrackProcess p) {
        open("vrrp_track_process", p.name());
        Object[] words = new Object[p.parameters().size() + 2];
        words[0] = "process";
        words[1] = p.process();
        for (int i = 0; i < p.parameters().size(); i++) {
            words[i + 2] = p.parameters().get(i);
        }
        line(words);
        if (!p.paramMatch().equals("exact")) line("param_match", p.paramMatch());
        line("weight", p.weight(), p.reverse() ? "reverse" : null);
        line("quorum", p.quorum());
        if (p.quorumMax() != Integer.MAX_VALUE) line("quorum_max", p.quorumMax());
        line("fork_delay", secs(p.forkDelay()));
        line("terminate_delay", secs(p.terminateDelay()));
        if (p.fullCommand()) line("full_command");
        close();
    }

    private void trackers(List<TrackedInterface> ifs, List<TrackRef> scripts, List<TrackRef> files,
                          List<TrackRef> procs, List<TrackRef> bfds) {
        if (!ifs.isEmpty()) {
            open("track_interface");
            for (TrackedInterface t : ifs) {
                line(t.name(), "weight", t.weight(), t.reverse() ? "reverse" : null);
            }
            close();
        }
        refs("track_script", scripts);
        refs("track_file", files);
        refs("track_process", procs);
        refs("track_bfd", bfds);
    }

    private void refs(String keyword, List<TrackRef> refs) {
        if (refs.isEmpty()) {
            return;
        }
        open(keyword);
        for (TrackRef r : refs) {
            line(r.name(), r.weight() == null ? null : "weight", r.weight(), r.reverse() ? "reverse" : null);
        }
        close();
    }

    private void notify(NotifyScripts n) {
        script("notify_master", n.master());
        script("notify_backup", n.backup());
        script("notify_fault", n.fault());
        script("notify_stop", n.stop());
        script("notify_deleted", n.deleted());
        script("notify", n.anyState());
        script("notify_master_rx_lower_pri", n.masterRxLowerPri());
    }

    private void instance(VrrpInstance i) {
        open("vrrp_instance", i.name());
        line("state", i.state().name());
        if (i.interfaceName() != null) line("interface", i.interfaceName());
        line("virtual_router_id", i.virtualRouterId());
        line("priority", i.priority());
        line("advert_int", secs(i.advertInterval()));
        line("version", i.version());
        if (i.family() == AddressFamily.IPV6) line("native_ipv6");
        if (!i.preempt()) line("nopreempt");
        if (!i.preemptDelay().isZero()) line("preempt_delay", secs(i.preemptDelay()));
        if (i.authentication() != null) {
            open("authentication");
            line("auth_type", i.authentication().type().name());
            line("auth_pass", i.authentication().password());
            close();
        }
        valueBlock("virtual_ipaddress", i.virtualAddresses(), this::address);
        valueBlock("virtual_ipaddress_excluded", i.excludedAddresses(), this::address);
        valueBlock("virtual_routes", i.virtualRoutes(), this::route);
        valueBlock("virtual_rules", i.virtualRules(), this::rule);
        if (i.sourceAddress() != null) line(i.isUnicast() ? "unicast_src_ip" : "mcast_src_ip", ip(i.sourceAddress()));
        if (!i.isUnicast()) line("mcast_dst_ip", ip(i.multicastGroup()));
        if (!i.unicastPeers().isEmpty()) {
            open("unicast_peer");
            for (UnicastPeer p : i.unicastPeers()) {
                line(ip(p.address()), "min_ttl", p.minTtl(), "max_ttl", p.maxTtl());
            }
            close();
        }
        trackers(i.trackInterfaces(), i.trackScripts(), i.trackFiles(), i.trackProcesses(), i.trackBfds());
        notify(i.notifyScripts());
        GarpSettings g = i.garp();
        line("garp_master_delay", secs(g.masterDelay()));
        line("garp_master_repeat", g.masterRepeat());
        line("garp_master_refresh", secs(g.masterRefresh()));
        line("garp_master_refresh_repeat", g.masterRefreshRepeat());
        line("garp_lower_prio_delay", secs(g.lowerPrioDelay()));
        line("garp_lower_prio_repeat", g.lowerPrioRepeat());
        line(i.accept() ? "accept" : "no_accept");
        if (i.useVmac()) line("use_vmac", i.vmacInterfaceName());
        if (i.vmacXmitBase()) line("vmac_xmit_base");
        line("strict_mode", bool(i.strictMode()));
        if (i.dontTrackPrimary()) line("dont_track_primary");
        line("skip_check_adv_addr", bool(i.skipCheckAdvAddr()));
        line("higher_prio_send_advert", bool(i.higherPrioSendAdvert()));
        line("lower_prio_no_advert", bool(i.lowerPrioNoAdvert()));
        line("down_timer_adverts", i.downTimerAdverts());
        if (i.smtpAlert()) line("smtp_alert", bool(true)); // only when set: Halo sends no mail and says so
        raw(i.otherSettings());
        close();
    }

    private void syncGroup(VrrpSyncGroup g) {
        open("vrrp_sync_group", g.name());
        open("group");
        g.instances().forEach(this::line);
        close();
        trackers(g.trackInterfaces(), g.trackScripts(), g.trackFiles(), g.trackProcesses(), g.trackBfds());
        notify(g.notifyScripts());
        if (g.smtpAlert()) line("smtp_alert", bool(true));
        if (g.trackingWeight()) line("sync_group_tracking_weight");
        close();
    }

    private void vsGroup(VirtualServerGroup g) {
        open("virtual_server_group", g.name());
        for (VirtualServerGroup.Entry e : g.entries()) {
            switch (e) {
                case VirtualServerGroup.Fwmark f -> line("fwmark", Integer.toUnsignedString(f.mark()));
                case VirtualServerGroup.Range r -> {
                    String first = ip(r.first());
                    if (!r.first().equals(r.last())) {
                        first += "-" + r.lastText();
                    }
                    line(first, r.port());
                }
            }
        }
        close();
    }

    private void virtualServer(VirtualServer v) {
        switch (v.address()) {
            case VirtualServerAddress.Socket s -> open("virtual_server", ip(s.address()), s.port());
            case VirtualServerAddress.Fwmark f -> open("virtual_server", "fwmark", Integer.toUnsignedString(f.mark()),
                    f.family() == AddressFamily.IPV6 ? "inet6" : null);
            case VirtualServerAddress.Group g -> open("virtual_server", "group", g.name());
        }
        if (v.protocol() != null) line("protocol", v.protocol().name());
        line("lb_algo", v.scheduler());
        v.schedulerFlags().forEach(this::line);
        if (v.forwarding() != null) method("lb_kind", v.forwarding(), v.tunnel());
        if (v.persistenceTimeout() != null) line("persistence_timeout", v.persistenceTimeout().getSeconds());
        if (v.persistenceGranularity() != null) line("persistence_granularity", ip(v.persistenceGranularity()));
        line("delay_loop", secs(v.delayLoop()));
        if (v.connectTimeout() != null) line("connect_timeout", secs(v.connectTimeout()));
        if (v.retry() >= 0) line("retry", v.retry());
        if (v.delayBeforeRetry() != null) line("delay_before_retry", secs(v.delayBeforeRetry()));
        if (v.warmup() != null) line("warmup", secs(v.warmup()));
        if (v.inhibitOnFailure()) line("inhibit_on_failure");
        if (v.sorryServer() != null) {
            RealServer s = v.sorryServer();
            line("sorry_server", ip(s.address()), s.port());
            if (s.forwarding() != null) method("sorry_server_lvs_method", s.forwarding(), s.tunnel());
        }
        if (v.sorryServerInhibit()) line("sorry_server_inhibit");
        line("quorum", v.quorum());
        line("hysteresis", v.hysteresis());
        script("quorum_up", v.quorumUp());
        script("quorum_down", v.quorumDown());
        // keepalived reads these virtual server flags without a value: write them only when set
        if (v.alpha()) line("alpha");
        if (v.omega()) line("omega");
        if (v.haSuspend()) line("ha_suspend");
        if (v.virtualhost() != null) line("virtualhost", v.virtualhost());
        if (v.proxy().header() != ProxySettings.ProxyHeader.NONE) {
            line("proxy_protocol", v.proxy().header().name().toLowerCase());
        }
        if (v.proxy().transparent()) line("proxy_transparent");
        if (v.proxy().maxConnections() > 0) line("proxy_max_connections", v.proxy().maxConnections());
        raw(v.otherSettings());
        v.realServers().forEach(r -> realServer(r, v));
        close();
    }

    private void method(String keyword, ForwardingMethod m, Tunnel t) {
        if (m == ForwardingMethod.TUN && t != null && t.type() != Tunnel.Type.IPIP) {
            if (t.type() == Tunnel.Type.GUE) {
                line(keyword, "TUN", "type", "gue", "port", t.port(), t.checksum());
            } else {
                line(keyword, "TUN", "type", "gre", t.checksum());
            }
        } else {
            line(keyword, m.name());
        }
    }

    private void realServer(RealServer r, VirtualServer v) {
        open("real_server", ip(r.address()), r.port());
        line("weight", r.weight());
        if (r.forwarding() != null) method("lvs_method", r.forwarding(), r.tunnel());
        if (r.inhibitOnFailure() != v.inhibitOnFailure()) line("inhibit_on_failure", bool(r.inhibitOnFailure()));
        script("notify_up", r.notifyUp());
        script("notify_down", r.notifyDown());
        if (r.upperThreshold() != 0) line("uthreshold", r.upperThreshold());
        if (r.lowerThreshold() != 0) line("lthreshold", r.lowerThreshold());
        if (r.delayLoop() != null) line("delay_loop", secs(r.delayLoop()));
        if (r.virtualhost() != null) line("virtualhost", r.virtualhost());
        r.checkers().forEach(c -> checker(c, v));
        close();
    }

    private void checker(Checker c, VirtualServer v) {
        String kind = switch (c) {
            case Checker.Tcp t -> "TCP_CHECK";
            case Checker.Http h -> h.ssl() ? "SSL_GET" : "HTTP_GET";
            case Checker.Smtp s -> "SMTP_CHECK";
            case Checker.Dns d -> "DNS_CHECK";
            case Checker.Misc m -> "MISC_CHECK";
            case Checker.Udp u -> "UDP_CHECK";
            case Checker.Ping p -> "PING_CHECK";
            case Checker.File f -> "FILE_CHECK";
            case Checker.Bfd b -> "BFD_CHECK";
        };
        open(kind);
        Checker.Common m = c.common();
        boolean connects = !(c instanceof Checker.Misc || c instanceof Checker.File || c instanceof Checker.Bfd);
        boolean timed = !(c instanceof Checker.File || c instanceof Checker.Bfd);
        if (connects) {
            line("connect_ip", ip(m.connectIp()));
            if (m.connectPort() != 0) line("connect_port", m.connectPort());
            if (m.bindTo() != null) line("bindto", ip(m.bindTo()));
            if (m.bindPort() != 0) line("bind_port", m.bindPort());
            if (m.bindInterface() != null) line("bind_if", m.bindInterface());
            if (m.fwmark() != 0) line("fwmark", Integer.toUnsignedString(m.fwmark()));
            line("connect_timeout", secs(m.connectTimeout()));
        }
        if (timed) {
            line("retry", m.retry());
            line("delay_before_retry", secs(m.delayBeforeRetry()));
            line("warmup", secs(m.warmup()));
            line("delay_loop", secs(m.delayLoop()));
        }
        if (!(c instanceof Checker.File) && m.alpha() != v.alpha()) line("alpha", bool(m.alpha()));
        if (timed && m.logAllFailures()) line("log_all_failures");
        switch (c) {
            case Checker.Http h -> {
                for (Checker.Url u : h.urls()) {
                    open("url");
                    line("path", u.path());
                    if (u.digest() != null) line("digest", u.digest());
                    if (!u.statusCodes().isEmpty()) {
                        Object[] words = new Object[u.statusCodes().size() + 1];
                        words[0] = "status_code";
                        for (int i = 0; i < u.statusCodes().size(); i++) {
                            Checker.StatusRange r = u.statusCodes().get(i);
                            words[i + 1] = r.from() == r.to() ? Integer.toString(r.from()) : r.from() + "-" + r.to();
                        }
                        line(words);
                    }
                    if (u.virtualhost() != null) line("virtualhost", u.virtualhost());
                    if (u.regex() != null) line("regex", u.regex());
                    if (u.regexNoMatch()) line("regex_no_match");
                    raw(u.otherSettings());
                    close();
                }
                line("http_protocol", h.httpProtocol());
                if (h.virtualhost() != null) line("virtualhost", h.virtualhost());
                line("enable_sni", bool(h.enableSni()));
                line("fast_recovery", bool(h.fastRecovery()));
            }
            case Checker.Smtp s -> {
                if (s.heloName() != null) line("helo_name", s.heloName());
            }
            case Checker.Dns d -> {
                line("type", d.type());
                line("name", d.name());
            }
            case Checker.Misc x -> {
                script("misc_path", x.script());
                line("misc_timeout", secs(x.timeout()));
                if (x.dynamic()) line("misc_dynamic");
            }
            case Checker.Udp u -> {
                if (u.payload() != null) line("payload", u.payload());
                if (u.requireReply() != null) line("require_reply", u.requireReply().isEmpty() ? null : u.requireReply());
                if (u.minReplyLength() != 0) line("min_reply_length", u.minReplyLength());
                if (u.maxReplyLength() != 0) line("max_reply_length", u.maxReplyLength());
            }
            case Checker.File f -> {
                line("track_file", f.trackFile());
                if (f.weight() != null) line("weight", f.weight(), f.reverse() ? "reverse" : null);
            }
            case Checker.Bfd b -> {
                line("name", b.name());
                if (b.weight() != null) line("weight", b.weight(), b.reverse() ? "reverse" : null);
            }
            default -> {}
        }
        close();
    }
}
