package halo.lvs.proxy;

import halo.os.Nftables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * Transparent mode's host setup, as HAProxy's TPROXY recipe: a real server answers the client's address, and the
 * director must hand those replies to the proxy's socket (bound to that foreign address with IP_TRANSPARENT) instead
 * of forwarding them.
 * <ul>
 * <li>nftables, in a table of Halo's own ({@code inet halo_proxy}): a packet that belongs to a transparent socket
 *     ({@code socket transparent 1}) gets the mark;</li>
 * <li>policy routing: marked packets look up a table whose only route is {@code local default dev lo}, so they are
 *     delivered locally (IPv4 and IPv6).</li>
 * </ul>
 * The table is replaced as a whole in one nft transaction; removal deletes the table and the rules and routes.
 */
public final class NftablesTransparentHost implements TransparentHost {
    static final String TABLE = "halo_proxy";
    private final int mark;
    private final int routeTable;

    /** MARK: the firewall mark Halo sets on replies; ROUTE_TABLE: the routing table of the local route. */
    public NftablesTransparentHost(int mark, int routeTable) {
        this.mark = mark;
        this.routeTable = routeTable;
    }

    /** Mark 0x4841 and route table 4841 (free in a default host; configurable when they are not). */
    public static NftablesTransparentHost withDefaults() {
        return new NftablesTransparentHost(0x4841, 4841);
    }

    /** The ruleset, in nft's language: replaces an earlier table of the same name in the same transaction. */
    String ruleset() {
        return "table inet " + TABLE + "\n"
                + "delete table inet " + TABLE + "\n"
                + "table inet " + TABLE + " {\n"
                + "    chain divert {\n"
                + "        type filter hook prerouting priority mangle; policy accept;\n"
                + "        meta l4proto { tcp, udp } socket transparent 1 meta mark set " + hex(mark) + " accept\n"
                + "    }\n"
                + "}\n";
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }

    @Override
    public void install() throws IOException {
        if (!Nftables.isAvailable()) {
            throw new IOException("transparent mode needs libnftables: " + Nftables.unavailabilityCause());
        }
        try (Nftables nft = Nftables.open()) {
            nft.run(ruleset());
        }
        removeRouting(); // leftovers of a previous run
        String t = Integer.toString(routeTable);
        ip("-4", "rule", "add", "fwmark", hex(mark), "lookup", t);
        ip("-4", "route", "add", "local", "0.0.0.0/0", "dev", "lo", "table", t);
        try {
            ip("-6", "rule", "add", "fwmark", hex(mark), "lookup", t);
            ip("-6", "route", "add", "local", "::/0", "dev", "lo", "table", t);
        } catch (IOException e) {
            ProxyEngine.LOG.warning("proxy: transparent mode for IPv6 not set up: " + e.getMessage());
        }
    }

    @Override
    public void remove() {
        try (Nftables nft = Nftables.open()) {
            nft.run("table inet " + TABLE + "\ndelete table inet " + TABLE + "\n");
        } catch (IOException | RuntimeException e) {
            ProxyEngine.LOG.log(Level.WARNING, "proxy: removing nftables table " + TABLE + " failed: " + e.getMessage());
        }
        removeRouting();
    }

    private void removeRouting() {
        String t = Integer.toString(routeTable);
        for (String family : new String[] {"-4", "-6"}) {
            // a rule may have been added twice by hand; each del removes one (bounded)
            for (int i = 0; i < 8 && quietly(family, "rule", "del", "fwmark", hex(mark), "lookup", t); i++) {
                // deleted one
            }
            quietly(family, "route", "flush", "table", t);
        }
    }

    private static boolean quietly(String... args) {
        try {
            ip(args);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs ip(8) with ARGS (in the calling thread's network namespace); throws with its output when it fails. */
    static void ip(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer in 10 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": " + out);
        }
    }
}
