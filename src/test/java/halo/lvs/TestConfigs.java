package halo.lvs;

import halo.config.Addresses;
import halo.config.AddressFamily;
import halo.config.Checker;
import halo.lvs.ForwardingMethod;
import halo.lvs.Protocol;
import halo.config.RawSetting;
import halo.config.RealServer;
import halo.config.ScriptCommand;
import halo.config.VirtualServer;
import halo.config.VirtualServerAddress;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builders for halo.config records, so table tests read like the keepalived.conf they stand for. */
final class TestConfigs {
    private TestConfigs() {}

    static InetAddress ip(String text) {
        InetAddress a = Addresses.parse(text);
        if (a == null) throw new IllegalArgumentException(text);
        return a;
    }

    static Vs vs(String address, int port) {
        return new Vs(new VirtualServerAddress.Socket(ip(address), port));
    }

    static Vs fwmark(int mark) {
        return new Vs(new VirtualServerAddress.Fwmark(mark, AddressFamily.IPV4));
    }

    static Vs group(String name) {
        return new Vs(new VirtualServerAddress.Group(name));
    }

    static Rs rs(String address, int port) {
        return new Rs(ip(address), port);
    }

    static Checker tcpCheck(boolean alpha) {
        return new Checker.Tcp(common(alpha));
    }

    static Checker.Common common(boolean alpha) {
        return new Checker.Common(null, 0, null, 0, null, 0, Duration.ofSeconds(5), 1, Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofSeconds(60), alpha, false);
    }

    static final class Vs {
        final VirtualServerAddress address;
        Protocol protocol = Protocol.TCP;
        String scheduler = "wlc";
        List<String> flags = new ArrayList<>();
        ForwardingMethod forwarding = ForwardingMethod.NAT;
        Duration persistence;
        InetAddress granularity;
        boolean inhibit;
        RealServer sorry;
        boolean sorryInhibit;
        int quorum = 1;
        int hysteresis;
        ScriptCommand quorumUp;
        ScriptCommand quorumDown;
        boolean alpha;
        boolean omega;
        boolean haSuspend;
        final List<RealServer> realServers = new ArrayList<>();
        final List<RawSetting> other = new ArrayList<>();

        Vs(VirtualServerAddress address) {
            this.address = address;
        }

        Vs protocol(Protocol p) { protocol = p; return this; }
        Vs scheduler(String s, String... f) { scheduler = s; flags.addAll(List.of(f)); return this; }
        Vs kind(ForwardingMethod m) { forwarding = m; return this; }
        Vs persistence(int seconds) { persistence = Duration.ofSeconds(seconds); return this; }
        Vs granularity(String mask) { granularity = ip(mask); return this; }
        Vs inhibit() { inhibit = true; return this; }
        Vs sorry(String address, int port) { sorry = rs(address, port).build(); return this; }
        Vs sorryInhibit() { sorryInhibit = true; return this; }
        Vs quorum(int q, int h) { quorum = q; hysteresis = h; return this; }
        Vs quorumScripts(String up, String down) {
            quorumUp = ScriptCommand.of(up);
            quorumDown = ScriptCommand.of(down);
            return this;
        }
        Vs alpha() { alpha = true; return this; }
        Vs omega() { omega = true; return this; }
        Vs haSuspend() { haSuspend = true; return this; }
        Vs ops() { other.add(new RawSetting("ops", List.of())); return this; }
        Vs add(Rs rs) { realServers.add(rs.build()); return this; }

        VirtualServer build() {
            return new VirtualServer(address, protocol, scheduler, flags, forwarding, null, persistence, granularity,
                    Duration.ofSeconds(60), null, -1, null, null, inhibit, sorry, sorryInhibit, quorum, hysteresis,
                    quorumUp, quorumDown, alpha, omega, haSuspend, null, realServers, other, null);
        }
    }

    static final class Rs {
        final InetAddress address;
        final int port;
        int weight = 1;
        ForwardingMethod forwarding;
        boolean inhibit;
        ScriptCommand notifyUp;
        ScriptCommand notifyDown;
        int upper;
        int lower;
        final List<Checker> checkers = new ArrayList<>();

        Rs(InetAddress address, int port) {
            this.address = address;
            this.port = port;
        }

        Rs weight(int w) { weight = w; return this; }
        Rs kind(ForwardingMethod m) { forwarding = m; return this; }
        Rs inhibit() { inhibit = true; return this; }
        Rs notify(String up, String down) {
            notifyUp = up == null ? null : ScriptCommand.of(up);
            notifyDown = down == null ? null : ScriptCommand.of(down);
            return this;
        }
        Rs thresholds(int u, int l) { upper = u; lower = l; return this; }
        Rs check(Checker c) { checkers.add(c); return this; }
        Rs tcp() { return check(tcpCheck(false)); }
        Rs tcpAlpha() { return check(tcpCheck(true)); }

        RealServer build() {
            return new RealServer(address, port, weight, forwarding, null, inhibit, notifyUp, notifyDown, upper, lower,
                    null, null, checkers);
        }
    }
}
