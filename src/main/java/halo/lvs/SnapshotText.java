package halo.lvs;

import halo.config.Tunnel;
import halo.config.Addresses;
import halo.net.AddressText;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A line-based text form of an {@link IpvsSnapshot}, for the daemon's control socket: the daemon answers the
 * {@code lvs} command with {@link #encode}, {@code halo lvs} decodes it and renders whichever ipvsadm view was asked.
 * <pre>
 * halo-ipvs 1 size=4096
 * service tcp 192.0.2.10 80 sched=wrr flags=0 timeout=50 netmask=4294967295 pe=- group=- stats=0,0,0,0,0 rates=0,0,0,0,0
 * dest 192.0.2.21 80 fwd=DR tun=- weight=3 thresholds=0,0 conns=0,0,0 stats=0,0,0,0,0 rates=0,0,0,0,0
 * service fwmark 3 ipv4 sched=rr ...
 * </pre>
 * Numbers are unsigned decimal; a destination belongs to the service line above it.
 */
public final class SnapshotText {
    static final String MAGIC = "halo-ipvs";
    static final int VERSION = 1;

    private SnapshotText() {}

    public static String encode(IpvsSnapshot snapshot) {
        StringBuilder out = new StringBuilder();
        out.append(MAGIC).append(' ').append(VERSION).append(" size=").append(snapshot.connectionTableSize())
                .append('\n');
        for (IpvsService s : snapshot.services()) {
            out.append("service ");
            switch (s.key()) {
                case ServiceKey.Inet i -> out.append(i.protocol().name().toLowerCase()).append(' ')
                        .append(AddressText.format(i.address())).append(' ').append(i.port());
                case ServiceKey.Fwmark f -> out.append("fwmark ").append(Integer.toUnsignedString(f.mark()))
                        .append(f.ipv6() ? " ipv6" : " ipv4");
            }
            out.append(" sched=").append(s.scheduler().kernelName())
                    .append(" flags=").append(ServiceFlag.bits(s.flags()))
                    .append(" timeout=").append(Integer.toUnsignedString(s.persistence().timeoutSeconds()))
                    .append(" netmask=").append(Integer.toUnsignedString(s.persistence().netmask()))
                    .append(" pe=").append(s.peName().isEmpty() ? "-" : s.peName())
                    .append(" group=").append(s.group().isEmpty() ? "-" : s.group())
                    .append(" stats=").append(stats(s.stats()))
                    .append(" rates=").append(stats(s.rates())).append('\n');
            for (IpvsDestination d : s.destinations()) {
                out.append("dest ").append(AddressText.format(d.key().address())).append(' ').append(d.key().port())
                        .append(" fwd=").append(d.forwarding().name())
                        .append(" tun=").append(tunnel(d.tunnel()))
                        .append(" weight=").append(d.weight())
                        .append(" thresholds=").append(Integer.toUnsignedString(d.upperThreshold())).append(',')
                        .append(Integer.toUnsignedString(d.lowerThreshold()))
                        .append(" conns=").append(Long.toUnsignedString(d.connections().active())).append(',')
                        .append(Long.toUnsignedString(d.connections().inactive())).append(',')
                        .append(Long.toUnsignedString(d.connections().persistent()))
                        .append(" stats=").append(stats(d.stats()))
                        .append(" rates=").append(stats(d.rates())).append('\n');
            }
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException when the text is not a snapshot (with the offending line) */
    public static IpvsSnapshot decode(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].startsWith(MAGIC + " ")) {
            throw new IllegalArgumentException("not an IPVS table: " + firstLine(text));
        }
        String[] head = lines[0].split(" ");
        if (head.length < 3 || !head[1].equals(Integer.toString(VERSION))) {
            throw new IllegalArgumentException("unsupported table format: " + lines[0]);
        }
        int size = Integer.parseInt(keyValues(head, 2).getOrDefault("size", "4096"));
        List<IpvsService> services = new ArrayList<>();
        IpvsService current = null;
        List<IpvsDestination> dests = new ArrayList<>();
        for (int n = 1; n < lines.length; n++) {
            String line = lines[n];
            if (line.isBlank()) continue;
            String[] w = line.split(" ");
            try {
                if (w[0].equals("service")) {
                    if (current != null) services.add(current.withDestinations(dests));
                    dests = new ArrayList<>();
                    ServiceKey key;
                    int next;
                    if (w[1].equals("fwmark")) {
                        key = new ServiceKey.Fwmark(Integer.parseUnsignedInt(w[2]), w[3].equals("ipv6"));
                        next = 4;
                    } else {
                        key = new ServiceKey.Inet(address(w[2]), Integer.parseInt(w[3]),
                                Protocol.valueOf(w[1].toUpperCase()));
                        next = 4;
                    }
                    Map<String, String> kv = keyValues(w, next);
                    String pe = kv.getOrDefault("pe", "-");
                    String group = kv.getOrDefault("group", "-");
                    SchedulingMethod scheduler = SchedulingMethod.byKernelName(kv.get("sched"))
                            .orElseThrow(() -> new IllegalArgumentException("unknown scheduler " + kv.get("sched")));
                    current = new IpvsService(key, scheduler, ServiceFlag.fromBits(Integer.parseUnsignedInt(kv.get("flags"))),
                            new Persistence(Integer.parseUnsignedInt(kv.get("timeout")),
                                    Integer.parseUnsignedInt(kv.get("netmask"))),
                            pe.equals("-") ? "" : pe, group.equals("-") ? "" : group, stats(kv.get("stats")),
                            stats(kv.get("rates")), List.of());
                } else if (w[0].equals("dest") && current != null) {
                    Map<String, String> kv = keyValues(w, 3);
                    String[] th = kv.get("thresholds").split(",");
                    String[] c = kv.get("conns").split(",");
                    dests.add(new IpvsDestination(new DestinationKey(address(w[1]), Integer.parseInt(w[2])),
                            ForwardingMethod.valueOf(kv.get("fwd")), tunnel(kv.get("tun")),
                            Integer.parseInt(kv.get("weight")), Integer.parseUnsignedInt(th[0]),
                            Integer.parseUnsignedInt(th[1]), new Connections(Long.parseUnsignedLong(c[0]),
                            Long.parseUnsignedLong(c[1]), Long.parseUnsignedLong(c[2])), stats(kv.get("stats")),
                            stats(kv.get("rates"))));
                } else {
                    throw new IllegalArgumentException("unexpected line");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad IPVS table line " + (n + 1) + ": " + line
                        + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
            }
        }
        if (current != null) services.add(current.withDestinations(dests));
        return new IpvsSnapshot(services, size);
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }

    private static Map<String, String> keyValues(String[] words, int from) {
        Map<String, String> kv = new HashMap<>();
        for (int i = from; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq > 0) kv.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
        return kv;
    }

    private static InetAddress address(String text) {
        InetAddress a = Addresses.parse(text);
        if (a == null) throw new IllegalArgumentException("bad address " + text);
        return a;
    }

    private static String stats(Stats s) {
        return Long.toUnsignedString(s.connections()) + "," + Long.toUnsignedString(s.inPackets()) + ","
                + Long.toUnsignedString(s.outPackets()) + "," + Long.toUnsignedString(s.inBytes()) + ","
                + Long.toUnsignedString(s.outBytes());
    }

    private static Stats stats(String text) {
        if (text == null) return Stats.ZERO;
        String[] v = text.split(",");
        return new Stats(Long.parseUnsignedLong(v[0]), Long.parseUnsignedLong(v[1]), Long.parseUnsignedLong(v[2]),
                Long.parseUnsignedLong(v[3]), Long.parseUnsignedLong(v[4]));
    }

    private static String tunnel(Tunnel t) {
        if (t == null) return "-";
        return t.type().name().toLowerCase() + ":" + t.port() + ":" + (t.checksum() == null ? "-" : t.checksum());
    }

    private static Tunnel tunnel(String text) {
        if (text == null || text.equals("-")) return null;
        String[] p = text.split(":");
        return new Tunnel(Tunnel.Type.valueOf(p[0].toUpperCase()), Integer.parseInt(p[1]),
                p[2].equals("-") ? null : p[2]);
    }
}
