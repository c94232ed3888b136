package halo.lvs.conn;

/**
 * What IPVS keeps per network namespace and every service shares: the protocol timeout tables
 * ({@code ipvsadm --set tcp tcpfin udp}) and the sysctls that change connection handling. Mutable; owned by the
 * data plane thread that owns the {@link ServiceConnections} using it. A changed timeout reaches a connection at its
 * next segment, as in the kernel (every segment copies the state's timeout into the connection).
 */
public final class Settings {
    /** IP_VS_UDP_S_NORMAL's default, 5 minutes. */
    public static final int DEFAULT_UDP_TIMEOUT_SECONDS = 5 * 60;

    private final long[] tcpTimeoutNanos = new long[TcpState.values().length];
    private long udpTimeoutNanos = seconds(DEFAULT_UDP_TIMEOUT_SECONDS);
    private boolean expireNodestConn;
    private boolean expireQuiescentTemplate;

    public Settings() {
        for (TcpState s : TcpState.values()) {
            tcpTimeoutNanos[s.ordinal()] = seconds(s.defaultTimeoutSeconds());
        }
    }

    /**
     * {@code ipvsadm --set tcp tcpfin udp} (ip_vs_set_timeout): TCP sets ESTABLISHED, TCPFIN sets FIN_WAIT, UDP sets
     * the UDP timeout; 0 leaves a value unchanged.
     *
     * @throws IllegalArgumentException for a negative value or one above INT_MAX / HZ (the kernel's -EINVAL; HZ
     *                                  taken as 1000, its largest common value)
     */
    public void set(int tcpSeconds, int tcpFinSeconds, int udpSeconds) {
        int max = Integer.MAX_VALUE / 1000;
        if (tcpSeconds < 0 || tcpSeconds > max || tcpFinSeconds < 0 || tcpFinSeconds > max || udpSeconds < 0
                || udpSeconds > max) {
            throw new IllegalArgumentException("timeout out of range");
        }
        if (tcpSeconds != 0) tcpTimeoutNanos[TcpState.ESTABLISHED.ordinal()] = seconds(tcpSeconds);
        if (tcpFinSeconds != 0) tcpTimeoutNanos[TcpState.FIN_WAIT.ordinal()] = seconds(tcpFinSeconds);
        if (udpSeconds != 0) udpTimeoutNanos = seconds(udpSeconds);
    }

    /** {@code ipvsadm -L --timeout}: "Timeout (tcp tcpfin udp): %d %d %d". */
    public int tcpSeconds() {
        return (int) (tcpTimeoutNanos[TcpState.ESTABLISHED.ordinal()] / 1_000_000_000L);
    }

    public int tcpFinSeconds() {
        return (int) (tcpTimeoutNanos[TcpState.FIN_WAIT.ordinal()] / 1_000_000_000L);
    }

    public int udpSeconds() {
        return (int) (udpTimeoutNanos / 1_000_000_000L);
    }

    long tcpTimeoutNanos(TcpState state) {
        return tcpTimeoutNanos[state.ordinal()];
    }

    long udpTimeoutNanos() {
        return udpTimeoutNanos;
    }

    /**
     * net.ipv4.vs.expire_nodest_conn (default 0). Off: a connection whose real server was removed keeps its entry
     * until its timeout, its client's packets are dropped (not forwarded) and do not renew it, and it carries on if
     * the server is added back first. On: removing a real server expires its connections at once (and their
     * persistence templates once no connection uses them), and a client packet for one expires it.
     */
    public boolean expireNodestConn() {
        return expireNodestConn;
    }

    public void expireNodestConn(boolean on) {
        this.expireNodestConn = on;
    }

    /**
     * net.ipv4.vs.expire_quiescent_template (default 0). Off: a persistent client keeps reaching its real server
     * after the server's weight drops to 0. On: a template pointing at a weight-0 server is invalidated at its next
     * use, so the client is scheduled anew.
     */
    public boolean expireQuiescentTemplate() {
        return expireQuiescentTemplate;
    }

    public void expireQuiescentTemplate(boolean on) {
        this.expireQuiescentTemplate = on;
    }

    static long seconds(long s) {
        return s * 1_000_000_000L;
    }
}
