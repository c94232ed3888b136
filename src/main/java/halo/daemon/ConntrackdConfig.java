package halo.daemon;

import halo.config.KeepalivedConfig;
import halo.config.LvsSyncDaemon;
import halo.config.RealServer;
import halo.config.UnicastPeer;
import halo.config.VirtualAddress;
import halo.config.VirtualServer;
import halo.config.VrrpInstance;
import halo.net.AddressText;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * conntrackd.conf for {@code lvs_sync_daemon} on the kernel NAT path: conntrackd in FTFW mode (reliable,
 * acknowledged) over UDP on the sync interface, to the instance's unicast peer when it has exactly one and VRRP runs
 * on the sync interface, else to the multicast group; only the load-balanced connections (a filter on addresses); its log, lock and control socket under
 * Halo's run directory. Pure text, no I/O.
 * <p>
 * The address filter lists the VIPs and the real servers: conntrackd tests a connection's original source and its
 * reply source, and after dnat the VIP is in neither (client to VIP, real server back to client), so a NAT
 * connection is recognised by its real server; the VIPs catch connections to the directors themselves (DR, local).
 */
public record ConntrackdConfig(LvsSyncDaemon sync, InetAddress localAddress, InetAddress peer,
                               Set<InetAddress> addresses, Path runDir) {

    /** Where conntrackd's own files go. */
    public Path configFile() {
        return runDir.resolve("conntrackd.conf");
    }

    public Path controlSocket() {
        return runDir.resolve("conntrackd.ctl");
    }

    public Path lockFile() {
        return runDir.resolve("conntrackd.lock");
    }

    /** Written by Halo (conntrackd writes none): the running conntrackd's pid. */
    public Path pidFile() {
        return runDir.resolve("conntrackd.pid");
    }

    public Path logFile() {
        return runDir.resolve("conntrackd.log");
    }

    /**
     * The settings for SYNC from CONFIG: LOCAL is the sync interface's own address; the peer is the named instance's
     * only unicast_peer when the instance runs on the sync interface (null: multicast); the filter's addresses are every instance's VIPs and every real server.
     */
    public static ConntrackdConfig of(LvsSyncDaemon sync, KeepalivedConfig config, InetAddress local, Path runDir) {
        VrrpInstance instance = config.vrrpInstances().stream()
                .filter(i -> i.name().equals(sync.vrrpInstance())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "lvs_sync_daemon names VRRP instance " + sync.vrrpInstance() + ", which is not configured"));
        List<UnicastPeer> peers = instance.unicastPeers();
        // the VRRP peer is the sync peer only when VRRP runs on the sync interface; on a dedicated sync link it is not
        InetAddress peer = peers.size() == 1 && instance.interfaceName().equals(sync.interfaceName())
                ? peers.getFirst().address() : null;
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (VrrpInstance i : config.vrrpInstances()) {
            for (VirtualAddress v : i.virtualAddresses()) {
                addresses.add(v.address().address());
            }
        }
        for (VirtualServer vs : config.virtualServers()) {
            for (RealServer rs : vs.realServers()) {
                addresses.add(rs.address());
            }
            if (vs.sorryServer() != null) {
                addresses.add(vs.sorryServer().address());
            }
        }
        return new ConntrackdConfig(sync, local, peer, addresses, runDir);
    }

    /** The conntrackd.conf text. */
    public String text() {
        boolean v6 = localAddress instanceof Inet6Address;
        String family = v6 ? "IPv6" : "IPv4";
        StringBuilder out = new StringBuilder();
        out.append("# Written by Halo for lvs_sync_daemon ").append(sync.interfaceName()).append(' ')
                .append(sync.vrrpInstance()).append("; rewritten at every start.\n");
        out.append("Sync {\n");
        out.append("    Mode FTFW {\n");
        // the backup keeps the master's connections in its external cache until it becomes master (conntrackd -c)
        out.append("        DisableExternalCache Off\n");
        out.append("        CommitTimeout 1800\n");
        out.append("        PurgeTimeout 5\n");
        out.append("    }\n");
        if (peer != null) {
            out.append("    UDP {\n");
            out.append("        ").append(family).append("_address ").append(text(localAddress)).append('\n');
            out.append("        ").append(family).append("_Destination_Address ").append(text(peer)).append('\n');
            out.append("        Port ").append(sync.port()).append('\n');
        } else {
            out.append("    Multicast {\n");
            out.append("        ").append(family).append("_address ").append(text(sync.group())).append('\n');
            out.append("        Group ").append(sync.port()).append('\n');
            out.append("        ").append(family).append("_interface ").append(text(localAddress)).append('\n');
        }
        out.append("        Interface ").append(sync.interfaceName()).append('\n');
        out.append("        SndSocketBuffer 1249280\n");
        out.append("        RcvSocketBuffer 1249280\n");
        out.append("        Checksum on\n");
        out.append("    }\n");
        out.append("}\n");
        out.append("General {\n");
        out.append("    HashSize 32768\n");
        out.append("    HashLimit 131072\n");
        out.append("    LogFile ").append(logFile()).append('\n');
        out.append("    Syslog off\n");
        out.append("    LockFile ").append(lockFile()).append('\n');
        out.append("    UNIX {\n");
        out.append("        Path ").append(controlSocket()).append('\n');
        out.append("    }\n");
        out.append("    NetlinkBufferSize 2097152\n");
        out.append("    NetlinkBufferSizeMaxGrowth 8388608\n");
        out.append("    Filter From Userspace {\n");
        out.append("        Protocol Accept {\n");
        out.append("            TCP\n");
        out.append("            UDP\n");
        out.append("        }\n");
        out.append("        Address Accept {\n");
        for (InetAddress a : addresses) {
            out.append("            ").append(a instanceof Inet6Address ? "IPv6" : "IPv4").append("_address ")
                    .append(text(a)).append('\n');
        }
        out.append("        }\n");
        out.append("    }\n");
        out.append("}\n");
        return out.toString();
    }

    /** conntrackd's command line for one request to the running daemon ({@code -c}, {@code -n} ...). */
    List<String> request(String conntrackd, String flag) {
        List<String> argv = new ArrayList<>(List.of(conntrackd, "-C", configFile().toString()));
        argv.add(flag);
        return argv;
    }

    private static String text(InetAddress a) {
        return AddressText.format(a);
    }
}
