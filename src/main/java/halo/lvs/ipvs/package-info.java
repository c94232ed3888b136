/**
 * The kernel's IPVS as a data plane, over generic netlink (family "IPVS", version 1) as keepalived's libipvs talks
 * to it.
 * <ul>
 *   <li>{@link halo.lvs.ipvs.IpvsRequests} and {@link halo.lvs.ipvs.IpvsReplies}: the codec, pure, checked byte for
 *       byte against fixtures written from include/uapi/linux/ip_vs.h, keepalived's libipvs.c and ip_vs_ctl.c;
 *       {@link halo.lvs.ipvs.IpvsNetlink} numbers the commands and attributes.</li>
 *   <li>{@link halo.lvs.ipvs.IpvsDataPlane}: {@link halo.lvs.DataPlane} over an {@link halo.lvs.ipvs.IpvsTransport}
 *       ({@link halo.lvs.ipvs.NetlinkIpvsTransport} on {@link halo.os.GenericNetlink}; a recording fake in tests).</li>
 *   <li>{@link halo.lvs.ipvs.IpvsKernel}: whether the family resolves here (probed once), which
 *       {@link halo.lvs.DataPlaneKind#IPVS} and {@code auto} follow.</li>
 *   <li>{@link halo.config.SyncDaemonConfig} and {@link halo.lvs.ipvs.SyncDaemonFollower}: lvs_sync_daemon.</li>
 *   <li>{@link halo.lvs.ipvs.ProcConnections}: {@code ipvsadm -L -c} from /proc/net/ip_vs_conn.</li>
 * </ul>
 */
package halo.lvs.ipvs;
