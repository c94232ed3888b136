/**
 * The virtual-server table: what the load balancer should hold and keepalived's rules for changing it. Pure: no I/O,
 * no clock, no threads; one owner (the daemon's event loop) calls it and carries out the {@link halo.lvs.Action}s.
 * <p>
 * Wiring, as the daemon does it:
 * <ol>
 * <li>{@link halo.lvs.VirtualServerTable#fromConfig(halo.config.KeepalivedConfig)}, report the addresses already
 *     local with {@code addressAdded} (ha_suspend), then {@link halo.lvs.VirtualServerTable#start()}.</li>
 * <li>Checkers built from the same {@code KeepalivedConfig} use {@link halo.lvs.CheckerId} (virtual server, real
 *     server, checker indices in file order) as their key. halo.check's {@code CheckerListener.stateChanged(c, up, r)}
 *     becomes {@code checkerResult((CheckerId) key, up)}; {@code weightChanged(c, delta)} becomes
 *     {@code checkerWeight((CheckerId) key, delta)}.</li>
 * <li>Netlink address events become {@code addressAdded} / {@code addressRemoved}; SIGHUP becomes {@code reload};
 *     SIGTERM becomes {@code shutdown}.</li>
 * <li>Every call returns actions in keepalived's order: {@code Log} lines for the log, {@code TableChange}s for the
 *     data plane, {@code RunScript} for notify_up/notify_down/quorum_up/quorum_down, {@code Fifo} lines for
 *     notify_fifo and lvs_notify_fifo, {@code CheckerActivity} to start or suspend checkers.</li>
 * <li>Data planes report counters into {@link halo.lvs.VirtualServerTable#ipvs()}; the control socket answers
 *     {@code lvs} with {@link halo.lvs.SnapshotText#encode} of {@link halo.lvs.VirtualServerTable#snapshot()}, which
 *     {@code halo lvs} renders with {@link halo.lvs.IpvsadmView}.</li>
 * </ol>
 */
package halo.lvs;
