package halo.lvs;

/**
 * IPVS's connection timeouts in seconds ({@code ipvsadm --set tcp tcpfin udp}, keepalived's lvs_timeouts): how long
 * an established TCP connection, a TCP connection after its FIN, and a UDP flow stay in the table without traffic.
 */
public record IpvsTimeouts(int tcp, int tcpFin, int udp) {
    /** The kernel's defaults (ip_vs_proto_tcp.c, ip_vs_proto_udp.c). */
    public static final IpvsTimeouts DEFAULT = new IpvsTimeouts(900, 120, 300);

    public IpvsTimeouts {
        if (tcp < 0 || tcpFin < 0 || udp < 0) throw new IllegalArgumentException("negative timeout");
    }

    /** These timeouts with CHANGES' non-zero values taken over ({@code --set}: 0 means unchanged). */
    public IpvsTimeouts with(IpvsTimeouts changes) {
        return new IpvsTimeouts(changes.tcp != 0 ? changes.tcp : tcp, changes.tcpFin != 0 ? changes.tcpFin : tcpFin,
                changes.udp != 0 ? changes.udp : udp);
    }
}
