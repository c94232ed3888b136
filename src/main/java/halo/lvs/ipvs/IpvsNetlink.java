package halo.lvs.ipvs;

/**
 * The kernel's IPVS generic netlink interface as include/uapi/linux/ip_vs.h numbers it: the family, its commands and
 * the attributes of each nesting level. Values are the positions in the header's enums.
 */
public final class IpvsNetlink {
    private IpvsNetlink() {}

    /** IPVS_GENL_NAME and IPVS_GENL_VERSION. */
    public static final String FAMILY = "IPVS";
    public static final int VERSION = 1;

    // netlink header flags (linux/netlink.h)
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP = 0x300;
    static final int NLMSG_HEADER = 16;
    static final int GENL_HEADER = 4;

    // enum IPVS_CMD_*
    public static final int CMD_NEW_SERVICE = 1;
    public static final int CMD_SET_SERVICE = 2;
    public static final int CMD_DEL_SERVICE = 3;
    public static final int CMD_GET_SERVICE = 4;
    public static final int CMD_NEW_DEST = 5;
    public static final int CMD_SET_DEST = 6;
    public static final int CMD_DEL_DEST = 7;
    public static final int CMD_GET_DEST = 8;
    public static final int CMD_NEW_DAEMON = 9;
    public static final int CMD_DEL_DAEMON = 10;
    public static final int CMD_GET_DAEMON = 11;
    /** Sets the timeouts (ipvsadm --set). */
    public static final int CMD_SET_CONFIG = 12;
    public static final int CMD_GET_CONFIG = 13;
    /** Only the command of GET_INFO's answer. */
    public static final int CMD_SET_INFO = 14;
    public static final int CMD_GET_INFO = 15;
    public static final int CMD_ZERO = 16;
    public static final int CMD_FLUSH = 17;

    // enum IPVS_CMD_ATTR_*
    static final int CMD_ATTR_SERVICE = 1;
    static final int CMD_ATTR_DEST = 2;
    static final int CMD_ATTR_DAEMON = 3;
    static final int CMD_ATTR_TIMEOUT_TCP = 4;
    static final int CMD_ATTR_TIMEOUT_TCP_FIN = 5;
    static final int CMD_ATTR_TIMEOUT_UDP = 6;

    // enum IPVS_SVC_ATTR_*
    static final int SVC_ATTR_AF = 1;
    static final int SVC_ATTR_PROTOCOL = 2;
    static final int SVC_ATTR_ADDR = 3;
    static final int SVC_ATTR_PORT = 4;
    static final int SVC_ATTR_FWMARK = 5;
    static final int SVC_ATTR_SCHED_NAME = 6;
    static final int SVC_ATTR_FLAGS = 7;
    static final int SVC_ATTR_TIMEOUT = 8;
    static final int SVC_ATTR_NETMASK = 9;
    static final int SVC_ATTR_STATS = 10;
    static final int SVC_ATTR_PE_NAME = 11;
    static final int SVC_ATTR_STATS64 = 12;

    // enum IPVS_DEST_ATTR_*
    static final int DEST_ATTR_ADDR = 1;
    static final int DEST_ATTR_PORT = 2;
    static final int DEST_ATTR_FWD_METHOD = 3;
    static final int DEST_ATTR_WEIGHT = 4;
    static final int DEST_ATTR_U_THRESH = 5;
    static final int DEST_ATTR_L_THRESH = 6;
    static final int DEST_ATTR_ACTIVE_CONNS = 7;
    static final int DEST_ATTR_INACT_CONNS = 8;
    static final int DEST_ATTR_PERSIST_CONNS = 9;
    static final int DEST_ATTR_STATS = 10;
    static final int DEST_ATTR_ADDR_FAMILY = 11;
    static final int DEST_ATTR_STATS64 = 12;
    static final int DEST_ATTR_TUN_TYPE = 13;
    static final int DEST_ATTR_TUN_PORT = 14;
    static final int DEST_ATTR_TUN_FLAGS = 15;

    // enum IPVS_DAEMON_ATTR_*
    static final int DAEMON_ATTR_STATE = 1;
    static final int DAEMON_ATTR_MCAST_IFN = 2;
    static final int DAEMON_ATTR_SYNC_ID = 3;
    static final int DAEMON_ATTR_SYNC_MAXLEN = 4;
    static final int DAEMON_ATTR_MCAST_GROUP = 5;
    static final int DAEMON_ATTR_MCAST_GROUP6 = 6;
    static final int DAEMON_ATTR_MCAST_PORT = 7;
    static final int DAEMON_ATTR_MCAST_TTL = 8;

    // enum IPVS_STATS_ATTR_*
    static final int STATS_ATTR_CONNS = 1;
    static final int STATS_ATTR_INPKTS = 2;
    static final int STATS_ATTR_OUTPKTS = 3;
    static final int STATS_ATTR_INBYTES = 4;
    static final int STATS_ATTR_OUTBYTES = 5;
    static final int STATS_ATTR_CPS = 6;
    static final int STATS_ATTR_INPPS = 7;
    static final int STATS_ATTR_OUTPPS = 8;
    static final int STATS_ATTR_INBPS = 9;
    static final int STATS_ATTR_OUTBPS = 10;
    /** Alignment padding of 64-bit values (nla_put_u64_64bit): skipped. */
    static final int STATS_ATTR_PAD = 11;

    // enum IPVS_INFO_ATTR_*
    static final int INFO_ATTR_VERSION = 1;
    static final int INFO_ATTR_CONN_TAB_SIZE = 2;

    // IP_VS_CONN_F_* forwarding methods (the FWD_METHOD attribute)
    public static final int CONN_F_MASQ = 0;
    public static final int CONN_F_LOCALNODE = 1;
    public static final int CONN_F_TUNNEL = 2;
    public static final int CONN_F_DROUTE = 3;
    static final int CONN_F_FWD_MASK = 0x7;

    // IP_VS_CONN_F_TUNNEL_TYPE_* and IP_VS_TUNNEL_ENCAP_FLAG_*
    static final int TUNNEL_TYPE_IPIP = 0;
    static final int TUNNEL_TYPE_GUE = 1;
    static final int TUNNEL_TYPE_GRE = 2;
    static final int TUNNEL_FLAG_NOCSUM = 0;
    static final int TUNNEL_FLAG_CSUM = 1;
    static final int TUNNEL_FLAG_REMCSUM = 2;

    // IP_VS_STATE_* (sync daemon)
    public static final int STATE_MASTER = 1;
    public static final int STATE_BACKUP = 2;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_SCTP = 132;

    /** The command's name as ip_vs.h spells it, for messages. */
    public static String commandName(int command) {
        return switch (command) {
            case CMD_NEW_SERVICE -> "IPVS_CMD_NEW_SERVICE";
            case CMD_SET_SERVICE -> "IPVS_CMD_SET_SERVICE";
            case CMD_DEL_SERVICE -> "IPVS_CMD_DEL_SERVICE";
            case CMD_GET_SERVICE -> "IPVS_CMD_GET_SERVICE";
            case CMD_NEW_DEST -> "IPVS_CMD_NEW_DEST";
            case CMD_SET_DEST -> "IPVS_CMD_SET_DEST";
            case CMD_DEL_DEST -> "IPVS_CMD_DEL_DEST";
            case CMD_GET_DEST -> "IPVS_CMD_GET_DEST";
            case CMD_NEW_DAEMON -> "IPVS_CMD_NEW_DAEMON";
            case CMD_DEL_DAEMON -> "IPVS_CMD_DEL_DAEMON";
            case CMD_GET_DAEMON -> "IPVS_CMD_GET_DAEMON";
            case CMD_SET_CONFIG -> "IPVS_CMD_SET_CONFIG";
            case CMD_GET_CONFIG -> "IPVS_CMD_GET_CONFIG";
            case CMD_SET_INFO -> "IPVS_CMD_SET_INFO";
            case CMD_GET_INFO -> "IPVS_CMD_GET_INFO";
            case CMD_ZERO -> "IPVS_CMD_ZERO";
            case CMD_FLUSH -> "IPVS_CMD_FLUSH";
            default -> "IPVS command " + command;
        };
    }
}
