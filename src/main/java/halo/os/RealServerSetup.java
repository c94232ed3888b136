package halo.os;

import halo.net.AddressText;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an LVS-DR (or LVS-TUN) real server needs from its host, as the seeds' {@code realserver} init script sets it
 * up: each VIP bound locally as a host address (/32, /128) so the server accepts packets for it, and ARP kept quiet
 * about it ({@code arp_ignore=1}: answer only for addresses of the receiving interface; {@code arp_announce=2}: never
 * use the VIP as an ARP source) on {@code lo} and {@code all}, or the real servers would answer the clients' ARP for
 * the VIP in place of the director. For LVS-TUN the VIP goes on the IPIP fallback device {@code tunl0}
 * ({@code ip6tnl0} for IPv6), which decapsulates the director's packets, with reverse-path filtering off on it and
 * on {@code all} (the client's address never routes back through a tunnel).
 * <p>
 * Done through rtnetlink and the sysctl files, in the calling thread's network namespace. Idempotent: a second
 * start adds nothing. The sysctl values found at the first start are kept in a state file (one per network
 * namespace, under the run directory) with the VIPs this class bound, and stop restores them once the last of those
 * VIPs is gone; without a state file stop writes the seeds' script values back ({@code 0}).
 */
public final class RealServerSetup {

    /** How the director reaches the real server. */
    public enum Forwarding { DR, TUN }

    /** What a start, stop or status found and did, in lines for the operator, and whether it succeeded. */
    public record Outcome(boolean ok, List<String> lines) {}

    static final String IPIP_DEVICE = "tunl0";
    static final String IP6_TUNNEL_DEVICE = "ip6tnl0";
    private static final String CONF = "net/ipv4/conf/";
    private static final String SAVED = "saved.";
    private static final String BOUND = "vip.";

    private final RtNetlink rtnl;
    private final Path sysctlRoot;
    private final Path stateFile;

    /** SYSCTL_ROOT is /proc/sys on a real host; the state file goes under RUN_DIR, named after the namespace. */
    public RealServerSetup(RtNetlink rtnl, Path sysctlRoot, Path runDir) throws IOException {
        this.rtnl = rtnl;
        this.sysctlRoot = sysctlRoot;
        this.stateFile = runDir.resolve("realserver-" + namespaceId() + ".state");
    }

    public Path stateFile() {
        return stateFile;
    }

    /** The sysctls a real server needs, in the order they are written (key under /proc/sys -> value). */
    static Map<String, String> requiredSysctls(Forwarding forwarding) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CONF + "lo/arp_ignore", "1");
        m.put(CONF + "lo/arp_announce", "2");
        m.put(CONF + "all/arp_ignore", "1");
        m.put(CONF + "all/arp_announce", "2");
        if (forwarding == Forwarding.TUN) {
            m.put(CONF + IPIP_DEVICE + "/rp_filter", "0");
            m.put(CONF + "all/rp_filter", "0");
        }
        return m;
    }

    /** The device a VIP is bound to. */
    static String deviceFor(InetAddress vip, Forwarding forwarding) {
        if (forwarding == Forwarding.DR) {
            return "lo";
        }
        return vip instanceof Inet6Address ? IP6_TUNNEL_DEVICE : IPIP_DEVICE;
    }

    public Outcome start(List<InetAddress> vips, Forwarding forwarding) throws IOException {
        List<String> lines = new ArrayList<>();
        Map<String, Link> devices = new LinkedHashMap<>();
        // Every device is checked before anything changes: a refused start leaves the host as it was.
        for (InetAddress vip : vips) {
            String name = deviceFor(vip, forwarding);
            if (!devices.containsKey(name)) {
                try {
                    devices.put(name, rtnl.link(name));
                } catch (NativeException.NoSuchDeviceException e) {
                    lines.add(missingTunnel(name));
                    lines.add("nothing was changed");
                    return new Outcome(false, lines);
                }
            }
        }
        Map<String, String> wanted = requiredSysctls(forwarding);
        Map<String, String> state = readState();
        for (String key : wanted.keySet()) {
            // the value before Halo's first start, not the one a previous start wrote
            state.putIfAbsent(SAVED + key, readSysctl(key));
        }
        for (InetAddress vip : vips) {
            state.put(BOUND + text(vip), deviceFor(vip, forwarding));
        }
        // recorded before the changes, so a start that fails half-way can still be undone by stop
        writeState(state);
        for (Link link : devices.values()) {
            if (!link.isUp()) {
                rtnl.setLinkUp(link.index(), true);
                lines.add("set " + link.name() + " up");
            }
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            writeSysctl(e.getKey(), e.getValue());
        }
        lines.add("sysctl " + String.join(" ", wanted.entrySet().stream()
                .map(e -> sysctlName(e.getKey()) + "=" + e.getValue()).toList()));
        for (InetAddress vip : vips) {
            Link link = devices.get(deviceFor(vip, forwarding));
            HostAddress address = hostAddress(link.index(), vip);
            if (bound(link.index(), vip)) {
                lines.add(text(vip) + " already bound on " + link.name());
                continue;
            }
            try {
                rtnl.addAddress(address);
            } catch (NativeException.AlreadyExistsException e) {
                // bound by someone else between the look and the add: what start wants
            }
            lines.add(text(vip) + " bound on " + link.name());
        }
        return new Outcome(true, lines);
    }

    public Outcome stop(List<InetAddress> vips, Forwarding forwarding) throws IOException {
        List<String> lines = new ArrayList<>();
        Map<String, String> state = readState();
        for (InetAddress vip : vips) {
            String name = deviceFor(vip, forwarding);
            state.remove(BOUND + text(vip));
            Link link;
            try {
                link = rtnl.link(name);
            } catch (NativeException.NoSuchDeviceException e) {
                lines.add(text(vip) + " not bound (no " + name + ")");
                continue;
            }
            if (!bound(link.index(), vip)) {
                lines.add(text(vip) + " not bound on " + name);
                continue;
            }
            try {
                rtnl.removeAddress(hostAddress(link.index(), vip));
            } catch (NativeException.NotFoundException e) {
                // removed by someone else meanwhile: what stop wants
            }
            lines.add(text(vip) + " removed from " + name);
        }
        List<String> stillBound = state.keySet().stream().filter(k -> k.startsWith(BOUND))
                .map(k -> k.substring(BOUND.length())).toList();
        if (!stillBound.isEmpty()) {
            writeState(state);
            lines.add("sysctls kept: " + String.join(", ", stillBound) + " still bound by an earlier start");
            return new Outcome(true, lines);
        }
        Map<String, String> restore = new LinkedHashMap<>();
        state.forEach((k, v) -> {
            if (k.startsWith(SAVED)) {
                restore.put(k.substring(SAVED.length()), v);
            }
        });
        if (restore.isEmpty()) {
            // no record of the values before start (never started here, or /run was cleared): the seeds' stop
            for (String key : requiredSysctls(Forwarding.DR).keySet()) {
                restore.put(key, "0");
            }
        }
        List<String> restored = new ArrayList<>();
        for (Map.Entry<String, String> e : restore.entrySet()) {
            if (Files.exists(sysctlRoot.resolve(e.getKey()))) {
                writeSysctl(e.getKey(), e.getValue());
                restored.add(sysctlName(e.getKey()) + "=" + e.getValue());
            }
        }
        lines.add("sysctl restored " + String.join(" ", restored));
        Files.deleteIfExists(stateFile);
        return new Outcome(true, lines);
    }

    /** Whether every VIP is bound and ARP is quiet about it (LSB: status 0 running, 3 not). */
    public Outcome status(List<InetAddress> vips, Forwarding forwarding) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean ok = true;
        for (InetAddress vip : vips) {
            String name = deviceFor(vip, forwarding);
            boolean bound;
            try {
                bound = bound(rtnl.link(name).index(), vip);
            } catch (NativeException.NoSuchDeviceException e) {
                bound = false;
                name = name + " (missing)";
            }
            lines.add(text(vip) + (bound ? " bound on " : " NOT bound on ") + name);
            ok &= bound;
        }
        for (Map.Entry<String, String> e : requiredSysctls(forwarding).entrySet()) {
            if (!Files.exists(sysctlRoot.resolve(e.getKey()))) {
                continue; // tunl0's, when there is no tunl0: reported with the VIP above
            }
            String value = readSysctl(e.getKey());
            if (!value.equals(e.getValue())) {
                lines.add(sysctlName(e.getKey()) + " is " + value + ", a real server needs " + e.getValue());
                ok = false;
            }
        }
        return new Outcome(ok, lines);
    }

    private boolean bound(int ifindex, InetAddress vip) throws NativeException {
        for (HostAddress a : rtnl.addresses(ifindex)) {
            if (a.address().equals(vip)) {
                return true;
            }
        }
        return false;
    }

    private static HostAddress hostAddress(int ifindex, InetAddress vip) {
        HostAddress a = HostAddress.of(ifindex, vip, vip instanceof Inet6Address ? 128 : 32);
        return vip instanceof Inet6Address ? a.withNoDad() : a;
    }

    static String missingTunnel(String device) {
        String module = device.equals(IPIP_DEVICE) ? "ipip" : "ip6_tunnel";
        return "no " + device + " interface: LVS-TUN needs the kernel's IP-in-IP tunnel (" + device
                + " appears when the " + module + " module is loaded, e.g. modprobe " + module
                + "), and this kernel has none";
    }

    private static String text(InetAddress a) {
        return AddressText.format(a);
    }

    private static String sysctlName(String key) {
        return key.replace('/', '.');
    }

    private String readSysctl(String key) throws IOException {
        return Files.readString(sysctlRoot.resolve(key), StandardCharsets.US_ASCII).strip();
    }

    private void writeSysctl(String key, String value) throws IOException {
        Files.writeString(sysctlRoot.resolve(key), value + "\n", StandardCharsets.US_ASCII);
    }

    private Map<String, String> readState() throws IOException {
        Map<String, String> state = new TreeMap<>();
        if (!Files.exists(stateFile)) {
            return state;
        }
        for (String line : Files.readAllLines(stateFile, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                state.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return state;
    }

    private void writeState(Map<String, String> state) throws IOException {
        Files.createDirectories(stateFile.getParent());
        StringBuilder sb = new StringBuilder("# halo realserver: sysctl values before start, VIPs it bound\n");
        state.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The network namespace's inode number ({@code net:[N]}), so each namespace keeps its own state file. */
    private static String namespaceId() throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        return link.replaceAll("[^0-9]", "");
    }
}
