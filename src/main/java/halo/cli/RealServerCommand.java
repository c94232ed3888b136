package halo.cli;

import halo.config.Addresses;
import halo.os.NativeException;
import halo.os.RealServerSetup;
import halo.os.RealServerSetup.Forwarding;
import halo.os.RealServerSetup.Outcome;
import halo.os.RtNetlink;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code halo realserver start|stop|status --vip VIP[,VIP...] [--tun]}: the seeds' {@code realserver} init script
 * for an LVS-DR (or LVS-TUN) real server, with an init script's exit codes.
 */
@Command(name = "realserver",
        description = {
            "Prepare this host as an LVS real server, as the seeds' realserver init script does: each VIP bound on lo "
                    + "as a host address (/32, IPv6 /128) and arp_ignore=1, arp_announce=2 on lo and all, so the "
                    + "real server accepts the director's packets for the VIP but never answers ARP for it. With "
                    + "--tun (LVS-TUN) the VIP goes on tunl0 (ip6tnl0 for IPv6) with rp_filter=0 on tunl0 and all.",
            "start binds (a second start changes nothing); stop removes the VIPs and, once no VIP it bound is left, "
                    + "restores the sysctl values it found at the first start; status says whether each VIP is bound.",
            "Run it at boot on every DR real server: a rebooted real server without it breaks LVS-DR.",
            "Exit codes: 0 done (status: every VIP bound and ARP settings in place), 1 failed (e.g. --tun where the "
                    + "kernel has no tunl0), 2 bad usage, 3 (status) not bound."},
        sortOptions = false)
public final class RealServerCommand implements Callable<Integer> {

    enum Action { start, stop, status }

    @Parameters(index = "0", paramLabel = "start|stop|status", description = "What to do.")
    Action action;

    @Option(names = "--vip", required = true, split = ",", paramLabel = "VIP",
            description = "The virtual addresses (IPv4 or IPv6), comma-separated or repeated.")
    List<String> vips = new ArrayList<>();

    @Option(names = "--tun", description = "LVS-TUN (IP-in-IP) instead of LVS-DR.")
    boolean tun;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "Where the values found before start are kept (default: ${DEFAULT-VALUE}).")
    Path runDir = Path.of("/run/halo");

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<InetAddress> addresses = new ArrayList<>();
        for (String vip : vips) {
            InetAddress a = Addresses.parse(vip.strip());
            if (a == null) {
                err.println("halo realserver: '" + vip + "' is not an IP address");
                return 2;
            }
            addresses.add(a);
        }
        Forwarding forwarding = tun ? Forwarding.TUN : Forwarding.DR;
        try (RtNetlink rtnl = RtNetlink.open()) {
            RealServerSetup setup = new RealServerSetup(rtnl, Path.of("/proc/sys"), runDir);
            Outcome outcome = switch (action) {
                case start -> setup.start(addresses, forwarding);
                case stop -> setup.stop(addresses, forwarding);
                case status -> setup.status(addresses, forwarding);
            };
            PrintWriter to = outcome.ok() || action == Action.status ? out : err;
            String prefix = outcome.ok() || action == Action.status ? "" : "halo realserver: ";
            outcome.lines().forEach(line -> to.println(prefix + line));
            to.flush();
            if (action == Action.status) {
                return outcome.ok() ? 0 : 3;
            }
            return outcome.ok() ? 0 : 1;
        } catch (NativeException e) {
            err.println("halo realserver: " + e.getMessage());
            return 1;
        } catch (java.nio.file.AccessDeniedException e) {
            err.println("halo realserver: cannot write " + e.getFile() + ": permission denied (run it as root)");
            return 1;
        } catch (IOException e) {
            err.println("halo realserver: " + e);
            return 1;
        }
    }
}
