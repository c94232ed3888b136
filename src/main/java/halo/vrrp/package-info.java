/**
 * The VRRP protocol core: keepalived's state machine over RFC 3768 (v2) and RFC 5798 / 9568 (v3), trackers' arithmetic
 * and sync groups. Pure: no I/O, no threads, no clock; the caller passes {@code now} (nanoseconds, monotonic) to every
 * entry point and gets effects through {@link halo.vrrp.VrrpActions}.
 *
 * <p>Driving one instance:
 * <pre>{@code
 * InstanceMachine vi = new InstanceMachine(spec, actions);   // spec: InstanceSpec (keepalived keyword names)
 * vi.start(now);                                        // BACKUP (or MASTER at once for the owner)
 * loop:
 *   vi.onAdvert(now, priority, intervalOnWire, source);  // each advert of its VRID that the receive validator
 *                                                         // (halo.vrrp.wire.AdvertValidator) accepted
 *   if (now >= vi.nextDeadline()) vi.onTimer(now);         // master down / advert / GARP timers
 *   vi.onTrackerStatus(now, TrackerKind.SCRIPT, "chk_nginx", up);
 *   vi.onInterfaceChange(now, up);  vi.onTrackFileValue(now, name, v);
 * vi.shutdown(now);                                     // priority-0 advert if master, notify_stop
 * }</pre>
 * Sync groups: build {@link halo.vrrp.SyncGroup} over the (not yet started) members, then start any member (or the
 * group). Script fall/rise counting: one {@link halo.vrrp.ScriptTracker} per vrrp_script, shared by the instances
 * that track it. One {@link halo.vrrp.IpAddress} per peer, made once, keeps receiving free of allocation.
 *
 * <p>Every state change goes through one method that records a {@link halo.vrrp.TransitionReason} (plus
 * {@link halo.vrrp.InstanceMachine#lastReasonDetail()}), logs keepalived's line and calls
 * {@link halo.vrrp.VrrpActions#stateChanged}.
 *
 * <p>The steady state (adverts sent and received, timers) allocates nothing; log lines and notifications are built
 * only when emitted.
 */
package halo.vrrp;
