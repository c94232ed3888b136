/**
 * IPVS's connection state for data planes that terminate connections: {@link halo.lvs.conn.ServiceConnections} (one
 * virtual service: scheduling with persistence templates, the connection table, TCP/UDP states and timeouts, the
 * real servers' counts and the traffic counters with the kernel's rate estimator), {@link halo.lvs.conn.Settings}
 * (timeouts and sysctls shared by the services) and {@link halo.lvs.conn.ConnectionListing}
 * ({@code ipvsadm -L -c}). Pure: no I/O and no threads; time is passed in. Follows net/netfilter/ipvs of current
 * kernels (ip_vs_core.c, ip_vs_conn.c, ip_vs_proto_tcp.c, ip_vs_proto_udp.c, ip_vs_est.c, ip_vs_ctl.c).
 */
package halo.lvs.conn;
