package halo.config;

import halo.lvs.DataPlaneKind;
import halo.lvs.IpvsTimeouts;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * global_defs with defaults filled in. Keywords keepalived knows but Halo does not interpret are kept in
 * {@code otherSettings}.
 *
 * @param routerId             router_id (default: the host name, {@code null} here when not written)
 * @param smtpServer           smtp_server host (address or name), or {@code null}
 * @param smtpPort             smtp_server port (25)
 * @param smtpConnectTimeout   smtp_connect_timeout (30 s)
 * @param startStopScripts     startup_script / shutdown_script with their timeouts
 * @param scriptUser           script_user, or {@code null} (keepalived_script if it exists, else root)
 * @param vrrpVersion          default VRRP version for instances (2)
 * @param multicastGroup4      vrrp_mcast_group4 (224.0.0.18)
 * @param multicastGroup6      vrrp_mcast_group6 (ff02::12)
 * @param garp                 defaults for the instances' GARP settings (vrrp_garp_*)
 * @param garpInterval         vrrp_garp_interval: delay between gratuitous ARPs (0)
 * @param gnaInterval          vrrp_gna_interval: delay between unsolicited NAs (0)
 * @param strict               vrrp_strict
 * @param startupDelay         vrrp_startup_delay (0)
 * @param maxAutoPriority      max_auto_priority, -1 when not written (0 = no realtime priority)
 * @param lvsDataplane         Halo's lvs_dataplane: the data plane for the virtual servers, {@code null} for auto
 * @param lvsTimeouts          lvs_timeouts (tcp, tcpfin, udp; 0 = not given, left as the data plane has it), or
 *                             {@code null} when not written
 * @param metricsListen        Halo's metrics_listen: {@code ADDRESS:PORT} of the HTTP listener for /metrics and
 *                             /status.json, {@code null} when not written (no listener)
 */
public record GlobalDefs(
        String routerId,
        List<String> notificationEmails,
        String notificationEmailFrom,
        String smtpServer,
        int smtpPort,
        String smtpHeloName,
        Duration smtpConnectTimeout,
        String scriptUser,
        String scriptGroup,
        boolean enableScriptSecurity,
        StartStopScripts startStopScripts,
        Fifo notifyFifo,
        Fifo vrrpNotifyFifo,
        Fifo lvsNotifyFifo,
        int vrrpVersion,
        InetAddress multicastGroup4,
        InetAddress multicastGroup6,
        GarpSettings garp,
        Duration garpInterval,
        Duration gnaInterval,
        boolean higherPrioSendAdvert,
        boolean lowerPrioNoAdvert,
        boolean strict,
        boolean skipCheckAdvAddr,
        Duration startupDelay,
        boolean dynamicInterfaces,
        int maxAutoPriority,
        DataPlaneKind lvsDataplane,
        IpvsTimeouts lvsTimeouts,
        String metricsListen,
        List<RawSetting> otherSettings) {

    public GlobalDefs {
        notificationEmails = List.copyOf(notificationEmails);
        otherSettings = List.copyOf(otherSettings);
    }

    /**
     * startup_script (run before anything starts; the start waits for it up to its timeout) and shutdown_script (run
     * after everything stopped; the exit waits for it up to its timeout): {@code null} when not written; the timeouts
     * 10 s unless written (keepalived's default).
     */
    public record StartStopScripts(ScriptCommand startup, Duration startupTimeout, ScriptCommand shutdown,
                                   Duration shutdownTimeout) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
        public static final StartStopScripts NONE = new StartStopScripts(null, DEFAULT_TIMEOUT, null, DEFAULT_TIMEOUT);
    }

    /** A notify FIFO: its path and the optional script keepalived starts to read it (*notify_fifo_script). */
    public record Fifo(String path, ScriptCommand script) {}
}
