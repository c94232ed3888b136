package halo.lvs;

import halo.config.Tunnel;
import halo.lvs.IpvsadmCommand.Kind;
import halo.lvs.IpvsadmCommand.Option;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * ipvsadm 1.31's command line (ipvsadm.c: parse_options with popt, process_options, generic_opt_check,
 * tunnel_opt_check, fail, tryhelp_exit, usage_exit), as the Debian binary parses it: the same options, defaults,
 * option-compatibility table, messages and exit codes. Debian's patch lets {@code -w} go up to INT_MAX.
 * <p>
 * A parse either gives a command, or ends as ipvsadm would with some output and an exit code: {@code fail()} exits 2,
 * {@code tryhelp_exit} and popt's own errors exit 255, {@code -h} and {@code -v} exit 0.
 */
public final class IpvsadmParser {

    /** What a parse ends with. */
    public sealed interface Result {}

    public record Parsed(IpvsadmCommand command) implements Result {}

    /**
     * ipvsadm stops here. {@code stops} is false only for popt's errors, after which ipvsadm -R goes on with the next
     * line (process_options returns -1); every other early end is exit().
     */
    public record Exit(String out, String err, int code, boolean stops) implements Result {}

    public static final String SCHEDULERS = "rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh";
    public static final String VERSION_LINE = "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n";
    static final int MAX_TIMEOUT = 86400 * 31;
    static final int INT_MAX = Integer.MAX_VALUE;

    private static final int TAG_SET = 128, TAG_START_DAEMON = 129, TAG_STOP_DAEMON = 130, TAG_MCAST_INTERFACE = 131,
            TAG_TIMEOUT = 132, TAG_DAEMON = 133, TAG_STATS = 134, TAG_RATE = 135, TAG_THRESHOLDS = 136,
            TAG_PERSISTENTCONN = 137, TAG_SORT = 138, TAG_NO_SORT = 139, TAG_PERSISTENCE_ENGINE = 140,
            TAG_SCTP_SERVICE = 141, TAG_MCAST_GROUP = 142, TAG_MCAST_PORT = 143, TAG_MCAST_TTL = 144,
            TAG_SYNC_MAXLEN = 145, TAG_TUN_INFO = 146, TAG_TUN_TYPE = 147, TAG_TUN_PORT = 148, TAG_TUN_NOCSUM = 149,
            TAG_TUN_CSUM = 150, TAG_TUN_REMCSUM = 151;

    private enum Arg { NONE, REQUIRED, OPTIONAL }

    private record PoptOption(String longName, char shortName, Arg arg, int tag) {}

    /** parse_options' options_table, in its order (the first match wins, as in popt). */
    private static final List<PoptOption> TABLE = List.of(
            new PoptOption("add-service", 'A', Arg.NONE, 'A'),
            new PoptOption("edit-service", 'E', Arg.NONE, 'E'),
            new PoptOption("delete-service", 'D', Arg.NONE, 'D'),
            new PoptOption("clear", 'C', Arg.NONE, 'C'),
            new PoptOption("list", 'L', Arg.NONE, 'L'),
            new PoptOption("list", 'l', Arg.NONE, 'l'),
            new PoptOption("zero", 'Z', Arg.NONE, 'Z'),
            new PoptOption("add-server", 'a', Arg.NONE, 'a'),
            new PoptOption("edit-server", 'e', Arg.NONE, 'e'),
            new PoptOption("delete-server", 'd', Arg.NONE, 'd'),
            new PoptOption("set", '\0', Arg.NONE, TAG_SET),
            new PoptOption("help", 'h', Arg.NONE, 'h'),
            new PoptOption("version", 'v', Arg.NONE, 'v'),
            new PoptOption("restore", 'R', Arg.NONE, 'R'),
            new PoptOption("save", 'S', Arg.NONE, 'S'),
            new PoptOption("start-daemon", '\0', Arg.REQUIRED, TAG_START_DAEMON),
            new PoptOption("stop-daemon", '\0', Arg.REQUIRED, TAG_STOP_DAEMON),
            new PoptOption("tcp-service", 't', Arg.REQUIRED, 't'),
            new PoptOption("udp-service", 'u', Arg.REQUIRED, 'u'),
            new PoptOption("sctp-service", '\0', Arg.REQUIRED, TAG_SCTP_SERVICE),
            new PoptOption("fwmark-service", 'f', Arg.REQUIRED, 'f'),
            new PoptOption("scheduler", 's', Arg.REQUIRED, 's'),
            new PoptOption("persistent", 'p', Arg.OPTIONAL, 'p'),
            new PoptOption("netmask", 'M', Arg.REQUIRED, 'M'),
            new PoptOption("real-server", 'r', Arg.REQUIRED, 'r'),
            new PoptOption("masquerading", 'm', Arg.NONE, 'm'),
            new PoptOption("ipip", 'i', Arg.NONE, 'i'),
            new PoptOption("gatewaying", 'g', Arg.NONE, 'g'),
            new PoptOption("weight", 'w', Arg.REQUIRED, 'w'),
            new PoptOption("u-threshold", 'x', Arg.REQUIRED, 'x'),
            new PoptOption("l-threshold", 'y', Arg.REQUIRED, 'y'),
            new PoptOption("numeric", 'n', Arg.NONE, 'n'),
            new PoptOption("connection", 'c', Arg.NONE, 'c'),
            new PoptOption("mcast-interface", '\0', Arg.REQUIRED, TAG_MCAST_INTERFACE),
            new PoptOption("syncid", '\0', Arg.REQUIRED, 'I'),
            new PoptOption("timeout", '\0', Arg.NONE, TAG_TIMEOUT),
            new PoptOption("daemon", '\0', Arg.NONE, TAG_DAEMON),
            new PoptOption("stats", '\0', Arg.NONE, TAG_STATS),
            new PoptOption("rate", '\0', Arg.NONE, TAG_RATE),
            new PoptOption("thresholds", '\0', Arg.NONE, TAG_THRESHOLDS),
            new PoptOption("persistent-conn", '\0', Arg.NONE, TAG_PERSISTENTCONN),
            new PoptOption("nosort", '\0', Arg.NONE, TAG_NO_SORT),
            new PoptOption("sort", '\0', Arg.NONE, TAG_SORT),
            new PoptOption("exact", 'X', Arg.NONE, 'X'),
            new PoptOption("ipv6", '6', Arg.NONE, '6'),
            new PoptOption("ops", 'o', Arg.NONE, 'o'),
            new PoptOption("pe", '\0', Arg.REQUIRED, TAG_PERSISTENCE_ENGINE),
            new PoptOption("sched-flags", 'b', Arg.REQUIRED, 'b'),
            new PoptOption("mcast-group", '\0', Arg.REQUIRED, TAG_MCAST_GROUP),
            new PoptOption("mcast-port", '\0', Arg.REQUIRED, TAG_MCAST_PORT),
            new PoptOption("mcast-ttl", '\0', Arg.REQUIRED, TAG_MCAST_TTL),
            new PoptOption("sync-maxlen", '\0', Arg.REQUIRED, TAG_SYNC_MAXLEN),
            new PoptOption("tun-info", '\0', Arg.NONE, TAG_TUN_INFO),
            new PoptOption("tun-type", '\0', Arg.REQUIRED, TAG_TUN_TYPE),
            new PoptOption("tun-port", '\0', Arg.REQUIRED, TAG_TUN_PORT),
            new PoptOption("tun-nocsum", '\0', Arg.NONE, TAG_TUN_NOCSUM),
            new PoptOption("tun-csum", '\0', Arg.NONE, TAG_TUN_CSUM),
            new PoptOption("tun-remcsum", '\0', Arg.NONE, TAG_TUN_REMCSUM));

    /** commands_v_options: '+' compulsory, 'x' illegal, '1' exclusive, ' ' optional. Rows by Kind, columns by Option. */
    private static final String[] COMMANDS_V_OPTIONS = {
            /*ADD*/     "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
            /*EDIT*/    "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
            /*DEL*/     "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            /*FLUSH*/   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            /*LIST*/    " 11xxxxxxxxx11       xxxxxxx xxxxx",
            /*ADDSRV*/  "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
            /*DELSRV*/  "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx",
            /*EDITSRV*/ "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
            /*TIMEOUT*/ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            /*STARTD*/  "xxxxxxxxxxx xxxxxxx xxxx    xxxxxx",
            /*STOPD*/   "xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx",
            /*RESTORE*/ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            /*SAVE*/    " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            /*ZERO*/    "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    };

    /** tunnel_types_v_options, columns tun-port, tun-nocsum, tun-csum, tun-remcsum; rows ipip, gue, gre. */
    private static final String[] TUNNEL_TYPES_V_OPTIONS = {"xxxx", "+111", "x11x"};
    private static final Option[] TUNNEL_OPTIONS = {Option.TUN_PORT, Option.TUN_NOCSUM, Option.TUN_CSUM,
            Option.TUN_REMCSUM};
    private static final String[] TUNNEL_NAMES = {"ipip", "gue", "gre"};

    static {
        // one rule per option for each command, as ipvsadm's table has
        for (String row : COMMANDS_V_OPTIONS) {
            if (row.length() != Option.values().length) throw new IllegalStateException("bad option table row " + row);
        }
    }

    private IpvsadmParser() {}

    /** ipvsadm's early end: fail() prints the message and a newline, and exits. */
    private static final class Failure extends RuntimeException {
        final Exit exit;

        Failure(Exit exit) {
            super(null, null, false, false);
            this.exit = exit;
        }
    }

    private static Failure fail(int code, String message) {
        return new Failure(new Exit("", message + "\n", code, true));
    }

    /** {@code ipvsadm ARGS}, PROGRAM being what ipvsadm's messages call it (its argv[0]). */
    public static Result parse(String program, List<String> args) {
        try {
            return new Parsed(new Parse(program, args).run());
        } catch (Failure f) {
            return f.exit;
        }
    }

    /** tryhelp_exit(program, -1): exit status 255. */
    public static Exit tryHelp(String program) {
        return new Exit("", "Try `" + program + " -h' or '" + program + " --help' for more information.\n", 255, true);
    }

    public static String usage(String program) {
        String p = program;
        return VERSION_LINE
                + "Usage:\n"
                + "  " + p + " -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]\n"
                + "  " + p + " -D virtual-service\n"
                + "  " + p + " -C\n"
                + "  " + p + " -R\n"
                + "  " + p + " -S [-n]\n"
                + "  " + p + " -a|e virtual-service -r server-address [options]\n"
                + "  " + p + " -d virtual-service -r server-address\n"
                + "  " + p + " -L|l [virtual-service] [options]\n"
                + "  " + p + " -Z [virtual-service]\n"
                + "  " + p + " --set tcp tcpfin udp\n"
                + "  " + p + " --start-daemon {master|backup} [daemon-options]\n"
                + "  " + p + " --stop-daemon {master|backup}\n"
                + "  " + p + " -h\n\n"
                + "Commands:\n"
                + "Either long or short options are allowed.\n"
                + "  --add-service     -A        add virtual service with options\n"
                + "  --edit-service    -E        edit virtual service with options\n"
                + "  --delete-service  -D        delete virtual service\n"
                + "  --clear           -C        clear the whole table\n"
                + "  --restore         -R        restore rules from stdin\n"
                + "  --save            -S        save rules to stdout\n"
                + "  --add-server      -a        add real server with options\n"
                + "  --edit-server     -e        edit real server with options\n"
                + "  --delete-server   -d        delete real server\n"
                + "  --list            -L|-l     list the table\n"
                + "  --zero            -Z        zero counters in a service or all services\n"
                + "  --set tcp tcpfin udp        set connection timeout values\n"
                + "  --start-daemon              start connection sync daemon\n"
                + "  --stop-daemon               stop connection sync daemon\n"
                + "  --help            -h        display this help message\n\n"
                + "virtual-service:\n"
                + "  --tcp-service|-t  service-address   service-address is host[:port]\n"
                + "  --udp-service|-u  service-address   service-address is host[:port]\n"
                + "  --sctp-service    service-address   service-address is host[:port]\n"
                + "  --fwmark-service|-f fwmark          fwmark is an integer greater than zero\n"
                + "\n"
                + "Options:\n"
                + "  --ipv6         -6                   fwmark entry uses IPv6\n"
                + "  --scheduler    -s scheduler         one of " + SCHEDULERS + ",\n"
                + "                                      the default scheduler is wlc.\n"
                + "  --pe            engine              alternate persistence engine may be sip,\n"
                + "                                      not set by default.\n"
                + "  --persistent   -p [timeout]         persistent service\n"
                + "  --netmask      -M netmask           persistent granularity mask\n"
                + "  --real-server  -r server-address    server-address is host (and port)\n"
                + "  --gatewaying   -g                   gatewaying (direct routing) (default)\n"
                + "  --ipip         -i                   ipip encapsulation (tunneling)\n"
                + "  --masquerading -m                   masquerading (NAT)\n"
                + "  --tun-type      type                one of ipip|gue|gre,\n"
                + "                                      the default tunnel type is ipip.\n"
                + "  --tun-port      port                tunnel destination port\n"
                + "  --tun-nocsum                        tunnel encapsulation without checksum\n"
                + "  --tun-csum                          tunnel encapsulation with checksum\n"
                + "  --tun-remcsum                       tunnel encapsulation with remote checksum\n"
                + "  --weight       -w weight            capacity of real server\n"
                + "  --u-threshold  -x uthreshold        upper threshold of connections\n"
                + "  --l-threshold  -y lthreshold        lower threshold of connections\n"
                + "  --connection   -c                   output of current IPVS connections\n"
                + "  --timeout                           output of timeout (tcp tcpfin udp)\n"
                + "  --daemon                            output of daemon information\n"
                + "  --stats                             output of statistics information\n"
                + "  --rate                              output of rate information\n"
                + "  --exact                             expand numbers (display exact values)\n"
                + "  --thresholds                        output of thresholds information\n"
                + "  --persistent-conn                   output of persistent connection info\n"
                + "  --tun-info                          output of tunnel information\n"
                + "  --nosort                            disable sorting output of service/server entries\n"
                + "  --sort                              does nothing, for backwards compatibility\n"
                + "  --ops          -o                   one-packet scheduling\n"
                + "  --numeric      -n                   numeric output of addresses and ports\n"
                + "  --sched-flags  -b flags             scheduler flags (comma-separated)\n"
                + "Daemon Options:\n"
                + "  --syncid sid                        syncid for connection sync (default=255)\n"
                + "  --sync-maxlen length                Max sync message length (default=1472)\n"
                + "  --mcast-interface interface         multicast interface for connection sync\n"
                + "  --mcast-group address               IPv4/IPv6 group (default=224.0.0.81)\n"
                + "  --mcast-port port                   UDP port (default=8848)\n"
                + "  --mcast-ttl ttl                     Multicast TTL (default=1)\n";
    }

    // ------------------------------------------------------------------------------------------------ popt

    /** popt's poptGetNextOpt over one argv, as ipvsadm configures it (no aliases, options permuted with arguments). */
    private static final class Popt {
        static final int END = -1, BADOPT = -11, NOARG = -10, UNWANTEDARG = -12;

        final List<String> argv;
        final List<String> leftovers = new ArrayList<>();
        int next;
        String cluster;
        boolean noMoreOptions;
        String optarg;

        Popt(List<String> argv) {
            this.argv = argv;
        }

        /** poptBadOption(POPT_BADOPTION_NOALIAS): the argv element last read. */
        String badOption() {
            return next == 0 ? "" : argv.get(next - 1);
        }

        static String strerror(int error) {
            return switch (error) {
                case NOARG -> "missing argument";
                case UNWANTEDARG -> "option does not take an argument";
                default -> "unknown option";
            };
        }

        int nextOpt() {
            optarg = null;
            while (cluster == null || cluster.isEmpty()) {
                cluster = null;
                if (next >= argv.size()) return END;
                String a = argv.get(next++);
                if (noMoreOptions || !a.startsWith("-") || a.length() == 1) {
                    leftovers.add(a);
                    continue;
                }
                if (a.equals("--")) {
                    noMoreOptions = true;
                    continue;
                }
                if (a.startsWith("--")) {
                    String name = a.substring(2);
                    String value = null;
                    int eq = name.indexOf('=');
                    if (eq >= 0) {
                        value = name.substring(eq + 1);
                        name = name.substring(0, eq);
                    }
                    PoptOption opt = null;
                    for (PoptOption o : TABLE) {
                        if (o.longName.equals(name)) {
                            opt = o;
                            break;
                        }
                    }
                    if (opt == null) return BADOPT;
                    if (opt.arg == Arg.NONE) return value != null ? UNWANTEDARG : opt.tag;
                    if (value != null) {
                        optarg = value;
                        return opt.tag;
                    }
                    return argument(opt);
                }
                cluster = a.substring(1);
            }
            char c = cluster.charAt(0);
            cluster = cluster.substring(1);
            PoptOption opt = null;
            for (PoptOption o : TABLE) {
                if (o.shortName == c) {
                    opt = o;
                    break;
                }
            }
            if (opt == null) {
                cluster = null;
                return BADOPT;
            }
            if (opt.arg == Arg.NONE) return opt.tag;
            if (!cluster.isEmpty()) {
                optarg = cluster.startsWith("=") ? cluster.substring(1) : cluster;
                cluster = null;
                return opt.tag;
            }
            cluster = null;
            return argument(opt);
        }

        private int argument(PoptOption opt) {
            if (opt.arg == Arg.OPTIONAL) {
                if (next < argv.size() && !argv.get(next).startsWith("-")) optarg = argv.get(next++);
                return opt.tag;
            }
            if (next >= argv.size()) return NOARG;
            optarg = argv.get(next++);
            return opt.tag;
        }
    }

    // ------------------------------------------------------------------------------------------------ the parse

    private static final class Parse {
        private static final int AF_INET = 2, AF_INET6 = 10;

        final String program;
        final Popt popt;
        Kind kind;
        final Set<Option> options = EnumSet.noneOf(Option.class);
        final Set<IpvsadmView.Option> format = EnumSet.noneOf(IpvsadmView.Option.class);
        // ce.svc
        int af;
        Protocol protocol;
        InetAddress address;
        int port;
        int fwmark;
        String scheduler = "";
        boolean persistent;
        boolean onePacket;
        int timeout;
        int netmask = 0xffffffff;
        String pe = "";
        Set<ServiceFlag> schedFlags = EnumSet.noneOf(ServiceFlag.class);
        // ce.dest
        int destAf;
        InetAddress destAddress;
        int destPort;
        ForwardingMethod forwarding = ForwardingMethod.DR;
        int weight = 1;
        int upper;
        int lower;
        int tunType;
        int tunPort;
        int tunFlags;
        IpvsTimeouts timeouts;

        Parse(String program, List<String> args) {
            this.program = program;
            this.popt = new Popt(args);
        }

        IpvsadmCommand run() {
            String schedFlagsArg = "";
            int c = popt.nextOpt();
            if (c < 0) throw new Failure(tryHelp(program));
            switch (c) {
                case 'A' -> kind = Kind.ADD_SERVICE;
                case 'E' -> kind = Kind.EDIT_SERVICE;
                case 'D' -> kind = Kind.DELETE_SERVICE;
                case 'a' -> kind = Kind.ADD_SERVER;
                case 'e' -> kind = Kind.EDIT_SERVER;
                case 'd' -> kind = Kind.DELETE_SERVER;
                case 'C' -> kind = Kind.FLUSH;
                case 'L', 'l' -> kind = Kind.LIST;
                case 'Z' -> kind = Kind.ZERO;
                case TAG_SET -> kind = Kind.SET;
                case 'R' -> kind = Kind.RESTORE;
                case 'S' -> kind = Kind.SAVE;
                case TAG_START_DAEMON -> {
                    kind = Kind.START_DAEMON;
                    if (!popt.optarg.equals("master") && !popt.optarg.equals("backup")) {
                        throw fail(2, "illegal start-daemon parameter specified");
                    }
                }
                case TAG_STOP_DAEMON -> {
                    kind = Kind.STOP_DAEMON;
                    if (!popt.optarg.equals("master") && !popt.optarg.equals("backup")) {
                        throw fail(2, "illegal start_daemon specified");
                    }
                }
                case 'h' -> throw new Failure(new Exit(usage(program), "", 0, true));
                case 'v' -> throw new Failure(new Exit(VERSION_LINE, "", 0, true));
                default -> throw new Failure(tryHelp(program));
            }
            while ((c = popt.nextOpt()) >= 0) {
                String arg = popt.optarg;
                switch (c) {
                    case 't', 'u', TAG_SCTP_SERVICE -> {
                        set(Option.SERVICE);
                        protocol = c == 't' ? Protocol.TCP : c == 'u' ? Protocol.UDP : Protocol.SCTP;
                        int parse = parseService(arg, true);
                        if ((parse & SERVICE_ADDR) == 0) {
                            throw fail(2, "illegal virtual server address[:port] specified");
                        }
                    }
                    case 'f' -> {
                        set(Option.SERVICE);
                        af = AF_INET;
                        protocol = Protocol.TCP;
                        fwmark = parseFwmark(arg);
                    }
                    case 's' -> {
                        set(Option.SCHEDULER);
                        scheduler = arg.length() > 15 ? arg.substring(0, 15) : arg;
                    }
                    case 'p' -> {
                        set(Option.PERSISTENT);
                        persistent = true;
                        timeout = parseTimeout(arg, 1, MAX_TIMEOUT);
                    }
                    case 'M' -> {
                        set(Option.NETMASK);
                        if (af != AF_INET6) {
                            Integer mask = arg == null ? null : inetAton(arg);
                            if (mask == null) mask = hostToAddress(arg);
                            if (mask == null) throw fail(2, "illegal virtual server persistent mask specified");
                            netmask = mask;
                        } else {
                            netmask = atoi(arg);
                            if (netmask < 1 || netmask > 128) throw fail(2, "illegal ipv6 netmask specified");
                        }
                    }
                    case 'r' -> {
                        set(Option.SERVER);
                        int parse = parseService(arg, false);
                        if ((parse & SERVICE_ADDR) == 0) throw fail(2, "illegal real server address[:port] specified");
                        // copy vport to dport if not specified
                        if (parse == SERVICE_ADDR) destPort = port;
                    }
                    case 'i' -> {
                        set(Option.FORWARD);
                        forwarding = ForwardingMethod.TUN;
                    }
                    case 'g' -> {
                        set(Option.FORWARD);
                        forwarding = ForwardingMethod.DR;
                    }
                    case 'm' -> {
                        set(Option.FORWARD);
                        forwarding = ForwardingMethod.NAT;
                    }
                    case 'w' -> {
                        set(Option.WEIGHT);
                        // Debian's patch: up to INT_MAX instead of 65535
                        if ((weight = stringToNumber(arg, 0, INT_MAX)) == -1) throw fail(2, "illegal weight specified");
                    }
                    case 'x' -> {
                        set(Option.UTHRESHOLD);
                        if ((upper = stringToNumber(arg, 0, INT_MAX)) == -1) {
                            throw fail(2, "illegal u_threshold specified");
                        }
                    }
                    case 'y' -> {
                        set(Option.LTHRESHOLD);
                        if ((lower = stringToNumber(arg, 0, INT_MAX)) == -1) {
                            throw fail(2, "illegal l_threshold specified");
                        }
                    }
                    case 'c' -> set(Option.CONNECTION);
                    case 'n' -> set(Option.NUMERIC);
                    case TAG_MCAST_INTERFACE -> set(Option.MCAST);
                    case 'I' -> {
                        set(Option.SYNCID);
                        if (stringToNumber(arg, 0, 255) == -1) throw fail(2, "illegal syncid specified");
                    }
                    case TAG_TIMEOUT -> set(Option.TIMEOUT);
                    case TAG_DAEMON -> set(Option.DAEMON);
                    case TAG_STATS -> formatOption(Option.STATS, IpvsadmView.Option.STATS);
                    case TAG_RATE -> formatOption(Option.RATE, IpvsadmView.Option.RATE);
                    case TAG_THRESHOLDS -> formatOption(Option.THRESHOLDS, IpvsadmView.Option.THRESHOLDS);
                    case TAG_PERSISTENTCONN -> formatOption(Option.PERSISTENTCONN, IpvsadmView.Option.PERSISTENT_CONN);
                    case TAG_NO_SORT -> formatOption(Option.NOSORT, IpvsadmView.Option.NO_SORT);
                    case TAG_SORT -> { }
                    case 'X' -> formatOption(Option.EXACT, IpvsadmView.Option.EXACT);
                    case '6' -> {
                        if (fwmark != 0) {
                            af = AF_INET6;
                            netmask = 128;
                        } else {
                            throw fail(2, "-6 used before -f\n");
                        }
                    }
                    case 'o' -> {
                        set(Option.ONEPACKET);
                        onePacket = true;
                    }
                    case TAG_PERSISTENCE_ENGINE -> {
                        set(Option.PERSISTENCE_ENGINE);
                        pe = arg.length() > 32 ? arg.substring(0, 32) : arg;
                    }
                    case 'b' -> {
                        set(Option.SCHED_FLAGS);
                        schedFlagsArg = arg.length() > 127 ? arg.substring(0, 127) : arg;
                    }
                    case TAG_MCAST_GROUP -> {
                        set(Option.MCAST_GROUP);
                        boolean v6 = arg.contains(":");
                        InetAddress group = numeric(arg, v6);
                        if (group == null || !group.isMulticastAddress()) {
                            throw fail(2, "invalid IPv" + (v6 ? "6" : "4") + " mcast-group `" + arg + "'");
                        }
                    }
                    case TAG_MCAST_PORT -> {
                        set(Option.MCAST_PORT);
                        if (stringToNumber(arg, 1, 65535) == -1) throw fail(2, "illegal mcast-port specified");
                    }
                    case TAG_MCAST_TTL -> {
                        set(Option.MCAST_TTL);
                        if (stringToNumber(arg, 1, 255) == -1) throw fail(2, "illegal mcast-ttl specified");
                    }
                    case TAG_SYNC_MAXLEN -> {
                        set(Option.SYNC_MAXLEN);
                        if (stringToNumber(arg, 1, 65535 - 20 - 8) == -1) {
                            throw fail(2, "illegal sync-maxlen specified");
                        }
                    }
                    case TAG_TUN_INFO -> formatOption(Option.TUN_INFO, IpvsadmView.Option.TUN_INFO);
                    case TAG_TUN_TYPE -> {
                        set(Option.TUN_TYPE);
                        tunType = List.of(TUNNEL_NAMES).indexOf(arg);
                        if (tunType == -1) throw fail(2, "illegal tunnel type specified");
                    }
                    case TAG_TUN_PORT -> {
                        set(Option.TUN_PORT);
                        if ((tunPort = stringToNumber(arg, 1, 65535)) == -1) {
                            throw fail(2, "illegal tunnel port specified");
                        }
                    }
                    case TAG_TUN_NOCSUM -> set(Option.TUN_NOCSUM);
                    case TAG_TUN_CSUM -> {
                        set(Option.TUN_CSUM);
                        tunFlags |= 1;
                    }
                    case TAG_TUN_REMCSUM -> {
                        set(Option.TUN_REMCSUM);
                        tunFlags |= 2;
                    }
                    default -> throw fail(2, "invalid option `" + popt.badOption() + "'");
                }
            }
            if (c < Popt.END) {
                // popt's own error: process_options returns -1 (exit status 255; ipvsadm -R goes on)
                throw new Failure(new Exit("", popt.badOption() + ": " + Popt.strerror(c) + "\n", 255, false));
            }
            if (kind == Kind.SET) {
                if (popt.leftovers.size() < 3) throw fail(2, "--set option requires 3 timeout values");
                timeouts = new IpvsTimeouts(parseTimeout(popt.leftovers.get(0), 0, MAX_TIMEOUT),
                        parseTimeout(popt.leftovers.get(1), 0, MAX_TIMEOUT),
                        parseTimeout(popt.leftovers.get(2), 0, MAX_TIMEOUT));
                popt.leftovers.subList(0, 3).clear();
            }
            if (!popt.leftovers.isEmpty()) throw fail(2, "unexpected argument " + popt.leftovers.getFirst());
            if (!schedFlagsArg.isEmpty()) schedFlags = parseSchedFlags(scheduler, schedFlagsArg);
            return check();
        }

        /** process_options after the parse: the option table, then each command's own rules. */
        private IpvsadmCommand check() {
            genericOptCheck();
            if (kind == Kind.ADD_SERVICE || kind == Kind.EDIT_SERVICE) {
                if (fwmark == 0 && port == 0 && !persistent) {
                    throw fail(2, "Zero port specified for non-persistent service");
                }
                if (onePacket && fwmark == 0 && protocol != Protocol.UDP) {
                    throw fail(2, "One-Packet Scheduling is only for UDP virtual services");
                }
                if (scheduler.isEmpty()) scheduler = SchedulingMethod.DEFAULT.kernelName();
            }
            if (kind == Kind.ADD_SERVER || kind == Kind.EDIT_SERVER) {
                if (fwmark == 0 && (forwarding == ForwardingMethod.TUN || forwarding == ForwardingMethod.DR)) {
                    destPort = port;
                }
                if (destAf != af && forwarding != ForwardingMethod.TUN) {
                    throw fail(2, "Different address family is allowed only for tunneling servers");
                }
                boolean tunnelOptions = has(Option.TUN_TYPE) || has(Option.TUN_PORT) || has(Option.TUN_NOCSUM)
                        || has(Option.TUN_CSUM) || has(Option.TUN_REMCSUM);
                if (tunnelOptions && forwarding != ForwardingMethod.TUN) {
                    throw fail(2, "Tunnel options conflict with forward method");
                }
                tunnelOptCheck();
            }
            if (kind == Kind.LIST) {
                boolean connTimeoutDaemon = has(Option.CONNECTION) || has(Option.TIMEOUT) || has(Option.DAEMON);
                boolean counters = has(Option.STATS) || has(Option.RATE) || has(Option.THRESHOLDS);
                if ((connTimeoutDaemon && counters)
                        || ((has(Option.TIMEOUT) || has(Option.DAEMON)) && has(Option.PERSISTENTCONN))) {
                    throw fail(2, "options conflicts in the list command");
                }
            }
            ServiceKey service = null;
            if (has(Option.SERVICE)) {
                service = fwmark != 0 ? new ServiceKey.Fwmark(fwmark, af == AF_INET6)
                        : new ServiceKey.Inet(address, port, protocol);
            }
            DestinationKey destination = has(Option.SERVER) ? new DestinationKey(destAddress, destPort) : null;
            Set<ServiceFlag> flags = EnumSet.noneOf(ServiceFlag.class);
            flags.addAll(schedFlags);
            if (onePacket) flags.add(ServiceFlag.ONE_PACKET);
            Tunnel tunnel = null;
            if (forwarding == ForwardingMethod.TUN) {
                String checksum = (tunFlags & 2) != 0 ? "remcsum" : (tunFlags & 1) != 0 ? "csum" : null;
                tunnel = tunType == 0 ? Tunnel.IPIP
                        : new Tunnel(tunType == 1 ? Tunnel.Type.GUE : Tunnel.Type.GRE, tunPort, checksum);
            }
            return new IpvsadmCommand(kind, options, format, service, scheduler, flags, persistent ? timeout : 0,
                    netmask, pe, destination, forwarding, tunnel, weight, upper, lower, timeouts);
        }

        private boolean has(Option o) {
            return options.contains(o);
        }

        private void set(Option o) {
            if (!options.add(o)) throw fail(2, "multiple '" + o.ipvsadmName() + "' options specified");
        }

        private void formatOption(Option o, IpvsadmView.Option f) {
            set(o);
            format.add(f);
        }

        private void genericOptCheck() {
            String row = COMMANDS_V_OPTIONS[kind.ordinal()];
            Option last = null;
            for (Option o : Option.values()) {
                char rule = row.charAt(o.ordinal());
                if (!options.contains(o)) {
                    if (rule == '+') {
                        throw fail(2, "You need to supply the '" + o.ipvsadmName() + "' option for the '"
                                + kind.ipvsadmName() + "' command");
                    }
                } else {
                    if (rule == 'x') {
                        throw fail(2, "Illegal '" + o.ipvsadmName() + "' option with the '" + kind.ipvsadmName()
                                + "' command");
                    }
                    if (rule == '1') {
                        if (last == null) {
                            last = o;
                            continue;
                        }
                        throw fail(2, "The option '" + o.ipvsadmName() + "' conflicts with the '"
                                + last.ipvsadmName() + "' option in the '" + kind.ipvsadmName() + "' command");
                    }
                }
            }
        }

        private void tunnelOptCheck() {
            String row = TUNNEL_TYPES_V_OPTIONS[tunType];
            Option last = null;
            for (int j = 0; j < TUNNEL_OPTIONS.length; j++) {
                Option o = TUNNEL_OPTIONS[j];
                char rule = row.charAt(j);
                if (!options.contains(o)) {
                    if (rule == '+') {
                        throw fail(2, "You need to supply the '" + o.ipvsadmName() + "' option for the '"
                                + TUNNEL_NAMES[tunType] + "' tunnel type");
                    }
                } else {
                    if (rule == 'x') {
                        throw fail(2, "Illegal '" + o.ipvsadmName() + "' option with the '" + TUNNEL_NAMES[tunType]
                                + "' tunnel type");
                    }
                    if (rule == '1') {
                        if (last == null) {
                            last = o;
                            continue;
                        }
                        throw fail(2, "The option '" + o.ipvsadmName() + "' conflicts with the '"
                                + last.ipvsadmName() + "' option in the '" + TUNNEL_NAMES[tunType] + "' tunnel type");
                    }
                }
            }
        }

        private static final int SERVICE_ADDR = 1, SERVICE_PORT = 2;

        /**
         * parse_service: host[:port], [ipv6]:port or a bare IPv6 address. The port may be a number or a service name;
         * the virtual service's fields (ISSERVICE) or the real server's are set.
         */
        private int parseService(String buf, boolean isService) {
            if (buf == null || strIsDigit(buf)) return 0;
            String portText = null;
            if (buf.startsWith("[")) {
                buf = buf.substring(1);
                int close = buf.indexOf(']');
                if (close < 0) return 0;
                String rest = buf.substring(close + 1);
                buf = buf.substring(0, close);
                if (!rest.startsWith(":")) return 0;
                portText = rest.substring(1);
            }
            InetAddress a = numeric(buf, true);
            int family;
            if (a instanceof Inet6Address) {
                family = AF_INET6;
                if (isService) netmask = 128;
            } else {
                int colon = buf.lastIndexOf(':');
                if (colon >= 0) {
                    portText = buf.substring(colon + 1);
                    buf = buf.substring(0, colon);
                } else if (portText != null) {
                    // "[1.2.3.4]:80": ipvsadm's strrchr finds no ':' in what is left, so it drops the port
                    portText = null;
                }
                Integer v4 = inetAton(buf);
                if (v4 == null) v4 = hostToAddress(buf);
                if (v4 == null) return 0;
                a = ipv4(v4);
                family = AF_INET;
            }
            int result = SERVICE_ADDR;
            int p = isService ? port : destPort;
            if (portText != null) {
                result |= SERVICE_PORT;
                p = stringToNumber(portText, 0, 65535);
                if (p == -1) p = serviceToPort(portText, protocol);
                if (p == -1) return 0;
            }
            if (isService) {
                af = family;
                address = a;
                port = p;
            } else {
                destAf = family;
                destAddress = a;
                destPort = p;
            }
            return result;
        }

        private int parseFwmark(String buf) {
            long l = strtol(buf);
            if (l == Long.MIN_VALUE || l <= 0 || l > 0xffffffffL) {
                throw fail(2, "invalid fwmark value `" + buf + "' specified");
            }
            return (int) l;
        }

        private int parseTimeout(String buf, int min, int max) {
            if (buf == null) return Persistence.DEFAULT_TIMEOUT; // IPVS_SVC_PERSISTENT_TIMEOUT, 6 minutes
            int i = stringToNumber(buf, min, max);
            if (i == -1) throw fail(2, "invalid timeout value `" + buf + "' specified");
            return i;
        }

        private Set<ServiceFlag> parseSchedFlags(String sched, String arg) {
            sched = sched.isEmpty() ? SchedulingMethod.DEFAULT.kernelName() : sched;
            Set<ServiceFlag> flags = EnumSet.noneOf(ServiceFlag.class);
            for (String flag : arg.split(",")) {
                if (flag.isEmpty()) continue; // strtok skips empty fields
                switch (flag) {
                    case "flag-1" -> flags.add(ServiceFlag.SCHED1);
                    case "flag-2" -> flags.add(ServiceFlag.SCHED2);
                    case "flag-3" -> flags.add(ServiceFlag.SCHED3);
                    case "sh-fallback", "sh-port", "mh-fallback", "mh-port" -> {
                        flags.add(flag.endsWith("fallback") ? ServiceFlag.SCHED1 : ServiceFlag.SCHED2);
                        if (!sched.equals(flag.substring(0, 2))) {
                            throw fail(2, "incompatible scheduler flag `" + flag + "'");
                        }
                    }
                    default -> throw fail(2, "invalid scheduler flag `" + flag + "'");
                }
            }
            return flags;
        }
    }

    // ------------------------------------------------------------------------------------------------ C helpers

    static boolean strIsDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }

    /** string_to_number: strtol base 10 over the whole string, within [min, max], else -1. */
    static int stringToNumber(String s, int min, int max) {
        if (s == null) return -1;
        long n = strtol(s);
        if (n == Long.MIN_VALUE || n < min || n > max) return -1;
        return (int) n;
    }

    /** strtol(s, &end, 10) that must consume the whole string; Long.MIN_VALUE when it does not or overflows. */
    static long strtol(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) i++;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int start = i;
        long value = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return Long.MIN_VALUE;
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) return Long.MIN_VALUE; // ERANGE
            value = value * 10 + (c - '0');
        }
        if (i == start) return Long.MIN_VALUE;
        return negative ? -value : value;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }

    /** atoi: leading digits, 0 when none. */
    static int atoi(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) i++;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) negative = s.charAt(i++) == '-';
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && v < 1L << 40) {
            v = v * 10 + (s.charAt(i++) - '0');
        }
        return (int) (negative ? -v : v);
    }

    /** inet_aton: a.b.c.d, a.b.c, a.b or a, each part decimal, octal (0..) or hex (0x..); host-order value. */
    static Integer inetAton(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length == 0 || parts.length > 4) return null;
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            int radix = 10;
            if (p.startsWith("0x") || p.startsWith("0X")) {
                radix = 16;
                p = p.substring(2);
                if (p.isEmpty()) {
                    v[i] = 0; // glibc accepts "0x" as 0
                    continue;
                }
            } else if (p.length() > 1 && p.startsWith("0")) {
                radix = 8;
                p = p.substring(1);
            }
            if (p.isEmpty() || p.length() > 12) return null;
            try {
                v[i] = Long.parseLong(p, radix);
            } catch (NumberFormatException e) {
                return null;
            }
            if (p.charAt(0) == '+' || p.charAt(0) == '-') return null;
        }
        long value;
        switch (v.length) {
            case 1 -> value = v[0] <= 0xffffffffL ? v[0] : -1;
            case 2 -> value = v[0] <= 0xff && v[1] <= 0xffffff ? v[0] << 24 | v[1] : -1;
            case 3 -> value = v[0] <= 0xff && v[1] <= 0xff && v[2] <= 0xffff ? v[0] << 24 | v[1] << 16 | v[2] : -1;
            default -> value = v[0] <= 0xff && v[1] <= 0xff && v[2] <= 0xff && v[3] <= 0xff
                    ? v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3] : -1;
        }
        return value < 0 ? null : (int) value;
    }

    /** host_to_addr: gethostbyname, IPv4 only. */
    static Integer hostToAddress(String name) {
        if (name == null || name.isEmpty()) return null;
        try {
            for (InetAddress a : InetAddress.getAllByName(name)) {
                if (a instanceof Inet4Address) {
                    byte[] b = a.getAddress();
                    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
                }
            }
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
        return null;
    }

    static InetAddress ipv4(int value) {
        try {
            return InetAddress.getByAddress(new byte[]{(byte) (value >>> 24), (byte) (value >>> 16),
                    (byte) (value >>> 8), (byte) value});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** inet_pton: IPv6 when V6 (no scope, no brackets), else strict dotted IPv4; null when it is not one. */
    static InetAddress numeric(String text, boolean v6) {
        if (v6) {
            if (!text.contains(":") || text.contains("%") || text.contains("[")) return null;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) return null;
            }
            try {
                InetAddress a = InetAddress.getByName(text);
                // a v4-mapped address comes back as IPv4 from Java; IPVS takes it as IPv6 (inet_pton AF_INET6)
                if (a instanceof Inet4Address) {
                    byte[] b = new byte[16];
                    b[10] = (byte) 0xff;
                    b[11] = (byte) 0xff;
                    System.arraycopy(a.getAddress(), 0, b, 12, 4);
                    return Inet6Address.getByAddress(null, b, null);
                }
                return a;
            } catch (UnknownHostException e) {
                return null;
            }
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) return null;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !strIsDigit(p) || Integer.parseInt(p) > 255) return null;
        }
        Integer v = inetAton(text);
        return v == null ? null : ipv4(v);
    }

    /** service_to_port: getservbyname from /etc/services for the protocol (tcp for fwmark services). */
    static int serviceToPort(String name, Protocol protocol) {
        String proto = (protocol == null ? Protocol.TCP : protocol).name().toLowerCase();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/services"))) {
                int hash = line.indexOf('#');
                String[] w = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
                if (w.length < 2) continue;
                int slash = w[1].indexOf('/');
                if (slash < 0 || !w[1].substring(slash + 1).equals(proto)) continue;
                boolean named = w[0].equals(name);
                for (int i = 2; i < w.length && !named; i++) named = w[i].equals(name);
                if (named) return Integer.parseInt(w[1].substring(0, slash));
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
