package halo.demo;

import halo.os.ProcessUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The seeds' topology in network namespaces: one LAN (a bridge in its own namespace) joining two directors, two real
 * servers and a client, each host a namespace with {@code eth0} on the LAN. Addresses come from the documentation
 * ranges (192.0.2.0/24, 2001:db8::/64). Names carry a random tag so runs never collide; {@link #close()} kills what
 * runs inside and deletes every namespace, and is safe to call twice.
 */
public final class SeedTopology implements AutoCloseable {

    /** One host on the LAN. */
    public record Host(String role, String namespace, String ipv4, String ipv6) {}

    public static final String VIP4 = "192.0.2.100";
    public static final String VIP6 = "2001:db8::100";

    private final String tag;
    private final String lan;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private boolean closed;

    private SeedTopology(String tag) {
        this.tag = tag;
        this.lan = "halo-" + tag + "-lan";
    }

    /** Builds the LAN with the given hosts (role -> last octet / last IPv6 group), e.g. dir1=11, dir2=12, rs1=21, rs2=22, client=50. */
    public static SeedTopology create(String purpose, Map<String, Integer> roles) throws IOException {
        String tag = purpose + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        SeedTopology t = new SeedTopology(tag);
        try {
            t.build(roles);
            return t;
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Two directors on a LAN, dir1 192.0.2.11 and dir2 192.0.2.12: the VRRP tests' layout. */
    public static SeedTopology directors(String purpose) throws IOException {
        Map<String, Integer> roles = new LinkedHashMap<>();
        roles.put("dir1", 11);
        roles.put("dir2", 12);
        return create(purpose, roles);
    }

    /** The seeds' layout: two directors, two real servers, one client. */
    public static SeedTopology seeds(String purpose) throws IOException {
        Map<String, Integer> roles = new LinkedHashMap<>();
        roles.put("dir1", 11);
        roles.put("dir2", 12);
        roles.put("rs1", 21);
        roles.put("rs2", 22);
        roles.put("client", 50);
        return create(purpose, roles);
    }

    private void build(Map<String, Integer> roles) throws IOException {
        ipRoot("netns", "add", lan);
        ipIn(lan, "link", "set", "lo", "up");
        ipIn(lan, "link", "add", "br0", "type", "bridge");
        // No STP delay and no multicast snooping: VRRP adverts must reach everyone at once.
        ipIn(lan, "link", "set", "br0", "type", "bridge", "forward_delay", "0", "mcast_snooping", "0");
        ipIn(lan, "link", "set", "br0", "up");
        for (Map.Entry<String, Integer> e : roles.entrySet()) {
            String role = e.getKey();
            int n = e.getValue();
            String ns = "halo-" + tag + "-" + role;
            ipRoot("netns", "add", ns);
            hosts.put(role, new Host(role, ns, "192.0.2." + n, "2001:db8::" + n));
            String port = "v" + role;
            ipIn(lan, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
            ipIn(lan, "link", "set", port, "master", "br0", "up");
            ipIn(ns, "link", "set", "lo", "up");
            sysctl(ns, "net.ipv6.conf.eth0.accept_dad", "0");
            ipIn(ns, "addr", "add", "192.0.2." + n + "/24", "dev", "eth0");
            ipIn(ns, "addr", "add", "2001:db8::" + n + "/64", "dev", "eth0", "nodad");
            ipIn(ns, "link", "set", "eth0", "up");
        }
    }

    public String tag() {
        return tag;
    }

    public Host host(String role) {
        Host h = hosts.get(role);
        if (h == null) {
            throw new IllegalArgumentException("no host '" + role + "' in this topology");
        }
        return h;
    }

    public List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    /** Runs {@code ip} inside the host's namespace and returns its output; fails on a non-zero exit. */
    public String ipOn(String role, String... args) throws IOException {
        return ipIn(host(role).namespace(), args);
    }

    /** Sets a host's eth0 down or up (a pulled cable). */
    public void link(String role, boolean up) throws IOException {
        ipOn(role, "link", "set", "eth0", up ? "up" : "down");
    }

    /** The command prefix that runs a program inside a host's namespace. */
    public List<String> exec(String role) {
        return List.of("ip", "netns", "exec", host(role).namespace());
    }

    private static void sysctl(String ns, String key, String value) throws IOException {
        run(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", key + "=" + value));
    }

    private static String ipIn(String ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private static String ipRoot(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + ": " + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    /** Kills every process left in the namespaces and deletes them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> namespaces = new ArrayList<>();
        hosts.values().forEach(h -> namespaces.add(h.namespace()));
        namespaces.add(lan);
        for (String ns : namespaces) {
            try {
                String pids = run(List.of("ip", "netns", "pids", ns)).strip();
                for (String pid : pids.split("\\s+")) {
                    if (!pid.isEmpty()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the namespace may not exist (a failed build); deleting is what matters
            }
        }
        for (String ns : namespaces) {
            try {
                run(List.of("ip", "netns", "delete", ns));
            } catch (IOException e) {
                // already gone
            }
        }
    }

    public static boolean isRoot() {
        return ProcessUser.isRoot();
    }
}
