package halo.lvs;

import halo.config.Tunnel;
import java.util.Set;

/**
 * One ipvsadm 1.31 command line, parsed as ipvsadm parses it ({@link IpvsadmParser}), with ipvsadm's defaults filled
 * in (-s wlc for -A/-E, -w 1, -g, -p alone = 360 s). Addresses are numeric: names were resolved by the parser.
 *
 * @param options            which of ipvsadm's options were given (its option-compatibility table is checked)
 * @param format             the listing options
 * @param service            the virtual service, or {@code null} when none was given
 * @param scheduler          the scheduler's name as given (the kernel, here the table, refuses unknown names)
 * @param persistenceTimeout seconds, 0 when not persistent
 * @param netmask            persistence granularity: IPv4 mask as a number, IPv6 prefix length
 * @param destination        {@code -r}, or {@code null}
 * @param tunnel             TUN encapsulation for {@code -i}, else {@code null}
 * @param timeouts           {@code --set tcp tcpfin udp}, or {@code null}
 */
public record IpvsadmCommand(Kind kind, Set<Option> options, Set<IpvsadmView.Option> format, ServiceKey service,
                             String scheduler, Set<ServiceFlag> flags, int persistenceTimeout, int netmask,
                             String peName, DestinationKey destination, ForwardingMethod forwarding, Tunnel tunnel,
                             int weight, int upperThreshold, int lowerThreshold, IpvsTimeouts timeouts) {

    public IpvsadmCommand {
        options = Set.copyOf(options);
        format = Set.copyOf(format);
        flags = Set.copyOf(flags);
    }

    /** ipvsadm's commands, in its order (cmdnames). */
    public enum Kind {
        ADD_SERVICE("add-service"), EDIT_SERVICE("edit-service"), DELETE_SERVICE("delete-service"), FLUSH("flush"),
        LIST("list"), ADD_SERVER("add-server"), DELETE_SERVER("delete-server"), EDIT_SERVER("edit-server"),
        SET("set"), START_DAEMON("start-daemon"), STOP_DAEMON("stop-daemon"), RESTORE("restore"), SAVE("save"),
        ZERO("zero");

        private final String ipvsadmName;

        Kind(String ipvsadmName) {
            this.ipvsadmName = ipvsadmName;
        }

        public String ipvsadmName() {
            return ipvsadmName;
        }
    }

    /** ipvsadm's options, in its order (optnames, the columns of commands_v_options). */
    public enum Option {
        NUMERIC("numeric"), CONNECTION("connection"), SERVICE("service-address"), SCHEDULER("scheduler"),
        PERSISTENT("persistent"), NETMASK("netmask"), SERVER("real-server"), FORWARD("forwarding-method"),
        WEIGHT("weight"), UTHRESHOLD("u-threshold"), LTHRESHOLD("l-threshold"), MCAST("mcast-interface"),
        TIMEOUT("timeout"), DAEMON("daemon"), STATS("stats"), RATE("rate"), THRESHOLDS("thresholds"),
        PERSISTENTCONN("persistent-conn"), NOSORT("nosort"), SYNCID("syncid"), EXACT("exact"), ONEPACKET("ops"),
        PERSISTENCE_ENGINE("pe"), SCHED_FLAGS("sched-flags"), MCAST_GROUP("mcast-group"), MCAST_PORT("mcast-port"),
        MCAST_TTL("mcast-ttl"), SYNC_MAXLEN("sync-maxlen"), TUN_INFO("tun-info"), TUN_TYPE("tun-type"),
        TUN_PORT("tun-port"), TUN_NOCSUM("tun-nocsum"), TUN_CSUM("tun-csum"), TUN_REMCSUM("tun-remcsum");

        private final String ipvsadmName;

        Option(String ipvsadmName) {
            this.ipvsadmName = ipvsadmName;
        }

        public String ipvsadmName() {
            return ipvsadmName;
        }
    }

    /** IPVS connection timeouts in seconds ({@code --set}, {@code -L --timeout}); 0 in --set leaves one unchanged. */

    public boolean has(Option option) {
        return options.contains(option);
    }
}
