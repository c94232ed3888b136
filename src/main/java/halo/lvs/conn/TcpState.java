package halo.lvs.conn;

/**
 * IPVS's TCP connection states (ip_vs_proto_tcp.c), in the kernel's numbering, with its names (what
 * {@code ipvsadm -L -c} shows), its default timeouts and which states count as active
 * (tcp_state_active_table: since Linux 4.10 the handshake states SYN_SENT, SYN_RECV and SYNACK count as active, not
 * ESTABLISHED alone). Transitions follow the kernel's tcp_states table (not the secure_tcp one).
 */
public enum TcpState {
    NONE("NONE", false, 2),
    ESTABLISHED("ESTABLISHED", true, 15 * 60),
    SYN_SENT("SYN_SENT", true, 2 * 60),
    SYN_RECV("SYN_RECV", true, 60),
    FIN_WAIT("FIN_WAIT", false, 2 * 60),
    TIME_WAIT("TIME_WAIT", false, 2 * 60),
    CLOSE("CLOSE", false, 10),
    CLOSE_WAIT("CLOSE_WAIT", false, 60),
    LAST_ACK("LAST_ACK", false, 30),
    LISTEN("LISTEN", false, 2 * 60),
    SYNACK("SYNACK", true, 120);

    private static final TcpState[] VALUES = values();

    private final String kernelName;
    private final boolean active;
    private final int defaultTimeoutSeconds;

    TcpState(String kernelName, boolean active, int defaultTimeoutSeconds) {
        this.kernelName = kernelName;
        this.active = active;
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
    }

    /** tcp_state_name_table. */
    public String kernelName() {
        return kernelName;
    }

    /** tcp_state_active_table: counted in activeconns rather than inactconns. */
    public boolean active() {
        return active;
    }

    /** tcp_timeouts. */
    public int defaultTimeoutSeconds() {
        return defaultTimeoutSeconds;
    }

    // The kernel's tcp_states[]: rows syn, fin, ack, rst for INPUT (client to director), then for OUTPUT (real
    // server to director); columns the current state in enum order.
    private static final int sNO = 0, sES = 1, sSS = 2, sSR = 3, sFW = 4, sTW = 5, sCL = 6, sCW = 7, sLA = 8,
            sLI = 9, sSA = 10;
    private static final int[][] INPUT = {
        /*syn*/ {sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR},
        /*fin*/ {sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW},
        /*ack*/ {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES},
        /*rst*/ {sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR},
    };
    private static final int[][] OUTPUT = {
        /*syn*/ {sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR},
        /*fin*/ {sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW},
        /*ack*/ {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES},
        /*rst*/ {sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL},
    };

    /**
     * set_tcp_state: the state after a segment of the given kind, from the client (the kernel's INPUT direction) or
     * from the real server (OUTPUT).
     */
    public TcpState next(Segment segment, boolean fromClient) {
        int[][] table = fromClient ? INPUT : OUTPUT;
        return VALUES[table[segment.ordinal()][ordinal()]];
    }
}
