package halo.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * global_defs {@code lvs_sync_daemon INTERFACE VRRP_INSTANCE [id SYNC_ID] [maxlen LEN] [port PORT] [ttl TTL]
 * [group ADDR]} (keepalived.conf(5)): connection state sent over INTERFACE by the director whose VRRP_INSTANCE is
 * MASTER, received by the others. keepalived starts IPVS's sync daemons with it; Halo gives the same line to
 * conntrackd for the kernel NAT path. Absent options keep IPVS's defaults: id the instance's virtual_router_id
 * ({@code syncId} 0 here), port 8848, ttl 1, group 224.0.0.81; maxlen 0 means the interface's MTU.
 */
public record LvsSyncDaemon(String interfaceName, String vrrpInstance, int syncId, int maxLen, int port, int ttl,
                            InetAddress group) {

    public static final int DEFAULT_PORT = 8848;
    public static final InetAddress DEFAULT_GROUP = Addresses.parse("224.0.0.81");

    /** The lvs_sync_daemon line of CONFIG's global_defs, if there is one; a malformed one is an error in words. */
    public static Optional<LvsSyncDaemon> of(GlobalDefs global) {
        RawSetting line = null;
        for (RawSetting s : global.otherSettings()) {
            if (s.keyword().equals("lvs_sync_daemon")) {
                line = s; // keepalived: the last one wins
            }
        }
        return line == null ? Optional.empty() : Optional.of(parse(line.args()));
    }

    /** The words after {@code lvs_sync_daemon}. */
    public static LvsSyncDaemon parse(List<String> args) {
        if (args.size() < 2) {
            throw new IllegalArgumentException("lvs_sync_daemon needs an interface and a VRRP instance");
        }
        int syncId = 0;
        int maxLen = 0;
        int port = DEFAULT_PORT;
        int ttl = 1;
        InetAddress group = DEFAULT_GROUP;
        for (int i = 2; i < args.size(); i += 2) {
            String option = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("lvs_sync_daemon " + option + " needs a value");
            }
            String value = args.get(i + 1);
            switch (option) {
                case "id" -> syncId = number(option, value, 0, 255);
                case "maxlen" -> maxLen = number(option, value, 1, 65535 - 20 - 8);
                case "port" -> port = number(option, value, 1, 65535);
                case "ttl" -> ttl = number(option, value, 1, 255);
                case "group" -> {
                    group = Addresses.parse(value);
                    if (group == null || !group.isMulticastAddress()) {
                        throw new IllegalArgumentException("lvs_sync_daemon group " + value + " is not a multicast address");
                    }
                }
                default -> throw new IllegalArgumentException("Unknown option " + option + " for lvs_sync_daemon");
            }
        }
        return new LvsSyncDaemon(args.get(0), args.get(1), syncId, maxLen, port, ttl, group);
    }

    private static int number(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("lvs_sync_daemon " + option + " " + value + " is not in " + min + ".." + max);
    }
}
