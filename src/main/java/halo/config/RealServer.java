package halo.config;

import halo.lvs.ForwardingMethod;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * A real_server (or a sorry_server: no checkers, weight 1).
 *
 * @param port              port (0 for fwmark services or when omitted)
 * @param weight            scheduling weight (1)
 * @param forwarding        lvs_method for this real server, or the virtual server's when not written
 * @param tunnel            tunnel details when forwarding is TUN, else {@code null}
 * @param inhibitOnFailure  keep the server with weight 0 on failure instead of removing it
 * @param upperThreshold    uthreshold (0 = none)
 * @param lowerThreshold    lthreshold (0 = none)
 * @param delayLoop         delay_loop written on the real server, or {@code null} (checkers carry the resolved value)
 * @param checkers          health checkers; none means always up
 */
public record RealServer(InetAddress address, int port, int weight, ForwardingMethod forwarding, Tunnel tunnel,
                         boolean inhibitOnFailure, ScriptCommand notifyUp, ScriptCommand notifyDown,
                         int upperThreshold, int lowerThreshold, Duration delayLoop, String virtualhost,
                         List<Checker> checkers) {
    public RealServer {
        checkers = List.copyOf(checkers);
    }
}
