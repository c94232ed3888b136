package halo.config;

import halo.lvs.ForwardingMethod;
import halo.lvs.Protocol;
import halo.net.AddressText;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * A virtual_server with keepalived's defaults.
 *
 * @param scheduler              lb_algo / lvs_sched (wlc by default): rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos
 * @param schedulerFlags         flag-1..3 / sh-port sh-fallback mh-port mh-fallback (only with sh / mh), in order
 * @param forwarding             lb_kind / lvs_method (NAT by default)
 * @param tunnel                 tunnel details for TUN, else {@code null}
 * @param persistenceTimeout     persistence_timeout ({@code null}: not persistent; 360 s when written without value)
 * @param persistenceGranularity netmask grouping clients for persistence, or {@code null}
 * @param delayLoop              delay_loop (60 s)
 * @param sorryServer            sorry_server, or {@code null}
 * @param quorum                 quorum (1)
 * @param hysteresis             hysteresis (0)
 * @param alpha                  real servers start down until their checkers succeed
 * @param omega                  run quorum_down / notify_down when the virtual server is removed
 * @param haSuspend              suspend checks while the virtual address is not local
 * @param connectTimeout         connect_timeout written here, or {@code null} (checkers carry the resolved value)
 * @param retry                  retry written here, or -1
 * @param delayBeforeRetry       delay_before_retry written here, or {@code null}
 * @param warmup                 warmup written here, or {@code null}
 * @param proxy                  Halo's proxy_* keywords for the userspace data plane
 */
public record VirtualServer(VirtualServerAddress address, Protocol protocol, String scheduler,
                           List<String> schedulerFlags, ForwardingMethod forwarding, Tunnel tunnel,
                           Duration persistenceTimeout, InetAddress persistenceGranularity, Duration delayLoop,
                           Duration connectTimeout, int retry, Duration delayBeforeRetry, Duration warmup,
                           boolean inhibitOnFailure, RealServer sorryServer, boolean sorryServerInhibit,
                           int quorum, int hysteresis, ScriptCommand quorumUp, ScriptCommand quorumDown,
                           boolean alpha, boolean omega, boolean haSuspend, String virtualhost,
                           List<RealServer> realServers, List<RawSetting> otherSettings, ProxySettings proxy) {
    public VirtualServer {
        proxy = proxy == null ? ProxySettings.DEFAULT : proxy;
        schedulerFlags = List.copyOf(schedulerFlags);
        realServers = List.copyOf(realServers);
        otherSettings = List.copyOf(otherSettings);
    }

    /** keepalived's name for it in messages: {@code [192.0.2.1]:tcp:80}, {@code FWM 1}, {@code group NAME}. */
    public String displayName() {
        return switch (address) {
            case VirtualServerAddress.Socket s ->
                    "[" + AddressText.format(s.address()) + "]:" + protocol.name().toLowerCase() + ":" + s.port();
            case VirtualServerAddress.Fwmark f -> "FWM " + f.mark();
            case VirtualServerAddress.Group g -> "[" + g.name() + "]:" + protocol.name().toLowerCase();
        };
    }
}
