package halo.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * keepalived's {@code lvs_sync_daemon IFACE [inst] INSTANCE [id N] [maxlen N] [port N] [ttl N] [group ADDR]}: IPVS's
 * connection synchronisation, started as master while the VRRP instance is master and as backup otherwise
 * (keepalived's ipvs_syncd_master/backup). Zero maxlen, port and ttl, and a null group, leave the kernel's defaults
 * (UDP 8848, TTL 1, 224.0.0.81).
 *
 * @param syncId the SyncID (0..255); keepalived's default is the instance's virtual router id
 */
public record SyncDaemonConfig(String interfaceName, String vrrpInstance, int syncId, int maxLength, int port, int ttl,
                               InetAddress group) {

    /** IP_VS_IFNAME_MAXLEN: the interface name and its NUL. */
    static final int IFNAME_MAX = 16;

    /** What reading the keyword gave: the setting (absent when it must be ignored) and keepalived's warnings. */
    public record Parsed(Optional<SyncDaemonConfig> config, List<String> warnings) {}

    /**
     * Reads SETTING's words as keepalived's lvs_syncd_handler does; VRID gives the virtual router id of a VRRP
     * instance by name (null when there is none: keepalived then clears the setting).
     */
    public static Parsed parse(RawSetting setting, Function<String, Integer> vrid) {
        List<String> a = setting.args();
        List<String> warnings = new ArrayList<>();
        if (a.isEmpty()) {
            warnings.add("lvs_sync_daemon requires interface");
            return new Parsed(Optional.empty(), warnings);
        }
        String ifname = a.get(0);
        if (ifname.length() >= IFNAME_MAX) {
            warnings.add("lvs_sync_daemon interface name '" + ifname + "' too long - ignoring");
            return new Parsed(Optional.empty(), warnings);
        }
        String instance = null;
        Integer syncId = null;
        int maxLength = 0;
        int port = 0;
        int ttl = 0;
        InetAddress group = null;
        for (int i = 1; i < a.size(); i++) {
            String word = a.get(i);
            boolean last = i == a.size() - 1;
            switch (word) {
                case "inst" -> {
                    if (instance != null) {
                        warnings.add("lvs_sync_daemon vrrp instance has already been specified as " + instance
                                + " - ignoring");
                    } else if (!last) {
                        instance = a.get(i + 1);
                    }
                    i++;
                }
                case "id" -> {
                    if (last) {
                        warnings.add("No value specified for lvs_sync_daemon id, defaulting to vrid");
                        continue;
                    }
                    Integer v = number(a.get(i + 1), 0, 255);
                    if (v == null) warnings.add("Invalid syncid (" + a.get(i + 1) + ") - defaulting to vrid");
                    else syncId = v;
                    i++;
                }
                case "maxlen", "port", "ttl" -> {
                    if (last) {
                        warnings.add("No value specified for lvs_sync_daemon " + word + " - ignoring");
                        continue;
                    }
                    int max = switch (word) {
                        case "maxlen" -> 65535 - 20 - 8;
                        case "port" -> 65535;
                        default -> 255;
                    };
                    Integer v = number(a.get(i + 1), 1, max);
                    if (v == null) {
                        warnings.add("Invalid lvs_sync_daemon " + word + " (" + a.get(i + 1) + ") - ignoring");
                    } else if (word.equals("maxlen")) {
                        maxLength = v;
                    } else if (word.equals("port")) {
                        port = v;
                    } else {
                        ttl = v;
                    }
                    i++;
                }
                case "group" -> {
                    if (last) {
                        warnings.add("No value specified for lvs_sync_daemon group - ignoring");
                        continue;
                    }
                    InetAddress g = address(a.get(i + 1));
                    if (g == null) {
                        warnings.add("Invalid lvs_sync_daemon group (" + a.get(i + 1) + ") - ignoring");
                    } else if (!g.isMulticastAddress()) {
                        warnings.add("lvs_sync_daemon group address " + a.get(i + 1) + " is not multicast - ignoring");
                    } else {
                        group = g;
                    }
                    i++;
                }
                default -> {
                    // lvs_sync_daemon IF VRRP_INSTANCE [SYNC_ID], the older form
                    if (i == 1) {
                        instance = word;
                    } else if (i == 2 && number(word, 0, 255) != null) {
                        warnings.add("Please use keyword \"id\" before lvs_sync_daemon SYNCID");
                        syncId = number(word, 0, 255);
                    } else if (i == 2) {
                        warnings.add("Invalid syncid (" + word + ") - defaulting to vrid");
                    } else {
                        warnings.add("Unknown option " + word + " specified for lvs_sync_daemon");
                    }
                }
            }
        }
        if (instance == null) {
            return new Parsed(Optional.of(new SyncDaemonConfig(ifname, null, syncId == null ? 0 : syncId, maxLength,
                    port, ttl, group)), warnings);
        }
        Integer routerId = vrid.apply(instance);
        if (routerId == null) {
            warnings.add("Unable to find vrrp instance " + instance + " for lvs_syncd - clearing lvs_syncd config");
            return new Parsed(Optional.empty(), warnings);
        }
        return new Parsed(Optional.of(new SyncDaemonConfig(ifname, instance, syncId == null ? routerId : syncId,
                maxLength, port, ttl, group)), warnings);
    }

    /** IPVS's sync defaults, which conntrackd's configuration spells out. */
    public static final int DEFAULT_PORT = 8848;
    public static final InetAddress DEFAULT_GROUP = InetAddress.ofLiteral("224.0.0.81");

    /** The lvs_sync_daemon line of CONFIG's global_defs (the last one, as keepalived), read with CONFIG's instances. */
    public static Optional<Parsed> of(KeepalivedConfig config) {
        RawSetting line = null;
        for (RawSetting s : config.global().otherSettings()) {
            if (s.keyword().equals("lvs_sync_daemon")) line = s;
        }
        if (line == null) return Optional.empty();
        return Optional.of(parse(line, name -> config.vrrpInstances().stream().filter(i -> i.name().equals(name))
                .map(VrrpInstance::virtualRouterId).findFirst().orElse(null)));
    }

    /** The UDP port the sync traffic uses (the kernel's 8848 unless given). */
    public int effectivePort() {
        return port == 0 ? DEFAULT_PORT : port;
    }

    /** The multicast group (the kernel's 224.0.0.81 unless given). */
    public InetAddress effectiveGroup() {
        return group == null ? DEFAULT_GROUP : group;
    }

    public boolean ipv6Group() {
        return group instanceof Inet6Address;
    }

    private static Integer number(String s, int min, int max) {
        try {
            int v = Integer.parseInt(s);
            return v < min || v > max ? null : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static InetAddress address(String s) {
        if (s.isEmpty() || !(Character.isDigit(s.charAt(0)) || s.indexOf(':') >= 0)) return null;
        try {
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
