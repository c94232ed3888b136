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
 * <li>The {@code TableChange}s of each event go to the {@link halo.lvs.DataPlane} as one batch (the daemon's
 *     DataPlaneSync); the plane's {@link halo.lvs.PlaneCounters} are merged into
 *     {@link halo.lvs.VirtualServerTable#snapshot()} for listings; {@code halo lvs} sends ipvsadm's commands
 *     ({@link halo.lvs.IpvsadmText}), which {@link halo.lvs.IpvsadmRunner} answers against the table and the views
 *     ({@link halo.lvs.IpvsadmView}) render.</li>
 * </ol>
 */
package halo.lvs;
