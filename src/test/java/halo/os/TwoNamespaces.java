package halo.os;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Two network namespaces joined by a veth pair, with 192.0.2.1/24 + 2001:db8::1/64 on side A ("veth-a") and
 * 192.0.2.2/24 + 2001:db8::2/64 on side B ("veth-b"). DAD is off so IPv6 addresses work at once. Closing deletes
 * both namespaces (and with them the veth pair).
 */
final class TwoNamespaces implements AutoCloseable {
    static final String A_IF = "veth-a";
    static final String B_IF = "veth-b";
    final String a;
    final String b;
    NetNamespace nsA;
    NetNamespace nsB;

    TwoNamespaces(String what) {
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        a = "halo-" + what + "-a-" + suffix;
        b = "halo-" + what + "-b-" + suffix;
        try {
            for (String ns : new String[] {a, b}) {
                Shell.run("ip", "netns", "add", ns);
                Shell.run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0");
                Shell.run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0");
                Shell.run("ip", "-n", ns, "link", "set", "lo", "up");
            }
            Shell.run("ip", "-n", a, "link", "add", A_IF, "type", "veth", "peer", "name", B_IF, "netns", b);
            Shell.run("ip", "-n", a, "addr", "add", "192.0.2.1/24", "dev", A_IF);
            Shell.run("ip", "-n", b, "addr", "add", "192.0.2.2/24", "dev", B_IF);
            Shell.run("ip", "-n", a, "addr", "add", "2001:db8::1/64", "dev", A_IF, "nodad");
            Shell.run("ip", "-n", b, "addr", "add", "2001:db8::2/64", "dev", B_IF, "nodad");
            Shell.run("ip", "-n", a, "link", "set", A_IF, "up");
            Shell.run("ip", "-n", b, "link", "set", B_IF, "up");
            waitForLinkLocal(a, A_IF);
            waitForLinkLocal(b, B_IF);
            nsA = NetNamespace.enter(a);
            nsB = NetNamespace.enter(b);
        } catch (RuntimeException | NativeException e) {
            close();
            throw new IllegalStateException(e);
        }
    }

    /** IPv6 sends from a link-local source fail until the kernel has configured it (bounded wait, 5 s). */
    static void waitForLinkLocal(String ns, String dev) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            String out = Shell.run("ip", "-n", ns, "-6", "addr", "show", "dev", dev, "scope", "link");
            if (out.contains("fe80") && !out.contains("tentative")) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("no link-local address on " + dev + " in " + ns + " after 5 s");
    }

    String inA(String... command) {
        return Shell.run(prefix(a, command));
    }

    String inB(String... command) {
        return Shell.run(prefix(b, command));
    }

    static String[] prefix(String ns, String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    @Override
    public void close() {
        if (nsA != null) {
            nsA.close();
        }
        if (nsB != null) {
            nsB.close();
        }
        Shell.exec("ip", "netns", "del", a);
        Shell.exec("ip", "netns", "del", b);
    }
}
