package halo.lvs;

import halo.config.AddressFamily;
import halo.config.Checker;
import halo.lvs.ForwardingMethod;
import halo.config.KeepalivedConfig;
import halo.config.ProxySettings;
import halo.config.RawSetting;
import halo.config.RealServer;
import halo.config.ScriptCommand;
import halo.config.Tunnel;
import halo.config.VirtualServer;
import halo.config.VirtualServerAddress;
import halo.config.VirtualServerGroup;
import halo.net.AddressText;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the load balancer should hold, and keepalived's rules for changing it as checkers report (keepalived's
 * check/ipwrapper.c and ipvswrapper.c): alpha and non-alpha start, several checkers per real server, inhibit_on_failure,
 * quorum with hysteresis, sorry server, ha_suspend, omega at shutdown, notify scripts and the LVS FIFO lines.
 * <p>
 * Each event returns the {@link Action}s it causes, in keepalived's order; the table does no I/O and takes no clock.
 * The table changes are also applied to an {@link IpvsTable}, whose {@link #snapshot()} is what {@code halo lvs -L}
 * shows and what data planes install. Mutable; one owner (the daemon's event loop).
 */
public final class VirtualServerTable {

    /**
     * @param rsInitNotifies keepalived's global rs_init_notifies: send notify_up / FIFO lines for real servers that
     *                       start up at startup (off by default: only changes are notified)
     */
    public record Options(boolean rsInitNotifies) {
        public static final Options DEFAULT = new Options(false);
    }

    /** IPVS weights are 0..65535 here; keepalived clamps effective weights into the kernel's range (real_weight). */
    static final int WEIGHT_LIMIT = 65535;

    private enum Command { ADD, DELETE, EDIT }

    private List<Vs> virtualServers;
    private final Options options;
    private final IpvsTable ipvs = new IpvsTable();
    /**
     * What the table would hold with no runtime changes (ipvsadm through the control socket): the configuration's
     * own changes only. A reload makes {@link #ipvs} equal to it again, as keepalived's reload restores its table.
     */
    private final IpvsTable configured = new IpvsTable();
    private List<Action> out = new ArrayList<>();
    private boolean started;
    private boolean stopped;

    private VirtualServerTable(List<Vs> virtualServers, Options options) {
        this.virtualServers = virtualServers;
        this.options = options;
    }

    /** The table keepalived's checker process would build from this configuration (nothing installed until start()). */
    public static VirtualServerTable fromConfig(KeepalivedConfig config) {
        boolean rsInitNotifies = config.global() != null && config.global().otherSettings().stream()
                .anyMatch(s -> s.keyword().equals("rs_init_notifies")
                        && (s.args().isEmpty() || List.of("on", "true", "yes").contains(s.args().getFirst())));
        return fromConfig(config.virtualServers(), config.virtualServerGroups(), new Options(rsInitNotifies));
    }

    public static VirtualServerTable fromConfig(List<VirtualServer> servers, List<VirtualServerGroup> groups,
                                                Options options) {
        return new VirtualServerTable(build(servers, groups, true), options);
    }

    /** @param initialAlpha put alpha checkers down (a fresh start; a reload decides per real server) */
    private static List<Vs> build(List<VirtualServer> servers, List<VirtualServerGroup> groups, boolean initialAlpha) {
        Map<String, VirtualServerGroup> groupsByName = new HashMap<>();
        for (VirtualServerGroup g : groups) {
            groupsByName.putIfAbsent(g.name(), g);
        }
        Map<String, Integer> groupMembers = new HashMap<>();
        List<Vs> list = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            VirtualServer config = servers.get(i);
            VirtualServerGroup group = null;
            int member = 0;
            if (config.address() instanceof VirtualServerAddress.Group g) {
                group = groupsByName.get(g.name());
                // keepalived numbers the virtual servers of one group 0, 1, ... and shows the number as the "port"
                member = groupMembers.merge(g.name(), 1, Integer::sum) - 1;
            }
            list.add(new Vs(i, config, group, member, initialAlpha));
        }
        return List.copyOf(list);
    }

    // ------------------------------------------------------------------------------------------------ events

    /**
     * Installs the services and the real servers that start up (init_services), then reports which checkers run.
     * Non-alpha real servers start up; a real server with an alpha checker starts down until that checker succeeds,
     * unless inhibit_on_failure puts it in at weight 0. A virtual server that starts below quorum gets its sorry server.
     */
    public List<Action> start() {
        begin();
        if (started) return finish();
        started = true;
        for (Vs vs : virtualServers) {
            if (!vs.ignored) initServiceVs(vs);
        }
        registerCheckers();
        return finish();
    }

    /**
     * A new configuration (SIGHUP), as keepalived's checker process reloads: virtual servers are matched by address
     * (or fwmark, or group name), real servers by address and port. Matched ones keep their state, weights and
     * checker verdicts; servers and services no longer configured are removed (their notifiers run, as with omega);
     * new ones start as at startup (an alpha checker of a new real server starts down). Checker ids are those of the
     * new configuration afterwards.
     */
    public List<Action> reload(KeepalivedConfig config) {
        return reload(config.virtualServers(), config.virtualServerGroups());
    }

    public List<Action> reload(List<VirtualServer> servers, List<VirtualServerGroup> groups) {
        begin();
        if (!started || stopped) {
            virtualServers = build(servers, groups, true);
            return finish();
        }
        List<Vs> fresh = build(servers, groups, false);
        for (Vs old : virtualServers) {
            if (old.ignored) continue;
            Vs nv = fresh.stream().filter(v -> !v.ignored && sameVirtualServer(old, v)).findFirst().orElse(null);
            if (nv == null) {
                if (old.group != null) {
                    log("Removing Virtual Server Group [%s]", old.group.name());
                } else {
                    log("Removing Virtual Server %s", old.name);
                }
                clearServiceVs(old, false);
                continue;
            }
            nv.alive = old.alive;
            nv.quorumUp = old.quorumUp;
            nv.reloaded = true;
            nv.haSuspendAddressCount = old.haSuspendAddressCount;
            if (old.group != null) diffGroupEntries(old, nv);
            if (!sameSettings(old, nv)) {
                for (IpvsService definition : nv.serviceDefinitions()) change(new Action.EditService(definition));
            }
            // what is no longer configured goes with its notifiers, as with omega
            old.omega = true;
            diffRealServers(old, nv);
            diffSorryServer(old, nv);
        }
        // check_new_rs_state: new real servers with alpha checkers start down
        for (Vs vs : fresh) {
            for (Rs rs : vs.realServers) {
                if (rs.reloaded) continue;
                for (Chk c : rs.checkers) {
                    if (!c.alpha) continue;
                    c.up = false;
                    rs.alive(false);
                }
            }
        }
        virtualServers = fresh;
        for (Vs vs : virtualServers) {
            if (!vs.ignored) initServiceVs(vs);
        }
        // runtime changes (halo lvs -A/-D/...) are dropped: the table is what the configuration says
        out.addAll(ipvs.restore(configured.snapshot()));
        registerCheckers();
        return finish();
    }

    /** init_service_vs: the service, the real servers that are up (or inhibited), quorum, an inhibited sorry server. */
    private void initServiceVs(Vs vs) {
        if (!vs.alive || vs.group != null) {
            for (IpvsService s : vs.serviceDefinitions()) {
                change(new Action.AddService(s));
            }
            vs.alive = true;
        }
        for (Rs rs : vs.realServers) {
            if (rs.reloaded) {
                if (rs.effectiveWeight != rs.previousWeight) {
                    long weight = rs.effectiveWeight;
                    rs.effectiveWeight = rs.previousWeight;
                    updateWeight(vs, rs, weight, false);
                }
                // a reloaded server that failed is not re-added at once
                continue;
            }
            if ((rs.failedCheckers() == 0 && !rs.alive()) || (rs.inhibit && !rs.inTable())) {
                destination(Command.ADD, vs, rs);
                if (rs.failedCheckers() == 0) {
                    rs.alive(true);
                    if (options.rsInitNotifies()) rsNotifies(vs, rs, false);
                }
            }
        }
        if (vs.reloaded && vs.group != null) {
            syncNewGroupEntries(vs);
        }
        updateQuorumState(vs, true);
        Rs sorry = vs.sorryServer;
        if (sorry != null && sorry.inhibit && !sorry.inTable()) {
            // an inhibited sorry server waits in the table at weight 0
            destination(Command.ADD, vs, sorry, true, true);
        }
    }

    /** register_checkers_thread: which checkers run (ha_suspend ones wait for their address). */
    private void registerCheckers() {
        for (Vs vs : virtualServers) {
            if (vs.ignored) continue;
            for (Rs rs : vs.realServers) {
                for (Chk c : rs.checkers) {
                    if (vs.haSuspend && vs.haSuspendAddressCount == 0) c.enabled = false;
                    log("%sctivating healthchecker for service %s for VS %s", c.enabled ? "A" : "Dea", rs.name,
                            vs.name);
                }
            }
        }
    }

    /**
     * A checker's verdict (update_svr_checker_state): {@code up} after a success, {@code false} once its retries are
     * spent. Repeating the current verdict changes nothing, except that a checker's first verdict may notify.
     * A real server is up only while every one of its checkers is up. Reports of suspended checkers are ignored.
     */
    public List<Action> checkerResult(CheckerId id, boolean up) {
        begin();
        Chk checker = checker(id);
        if (!started || stopped || !checker.enabled) return finish();
        Vs vs = virtualServers.get(id.virtualServer());
        Rs rs = vs.realServers.get(id.realServer());
        if (checker.up == up) {
            if (!checker.hasRun) {
                if (checker.alpha || !up) rsNotifies(vs, rs, false);
                checker.hasRun = true;
            }
            return finish();
        }
        checker.hasRun = true;
        if (up) {
            if (rs.failedCheckers() <= 1) serverState(true, vs, rs);
        } else {
            if (rs.failedCheckers() == 0) serverState(false, vs, rs);
        }
        checker.up = up;
        return finish();
    }

    /**
     * A new effective weight for a real server (update_svr_wgt: MISC_CHECK misc_dynamic, FILE_CHECK, track files).
     * It reaches the data plane at once only if the server is in the pool; quorum is recomputed.
     */
    public List<Action> setWeight(RealServerId id, long weight) {
        begin();
        Vs vs = virtualServers.get(id.virtualServer());
        Rs rs = vs.realServers.get(id.realServer());
        if (stopped) return finish();
        updateWeight(vs, rs, weight, started);
        return finish();
    }

    /** update_svr_wgt. */
    private void updateWeight(Vs vs, Rs rs, long weight, boolean updateQuorum) {
        int newWeight = realWeight(weight);
        int oldWeight = realWeight(rs.effectiveWeight);
        rs.effectiveWeight = weight;
        if (newWeight != oldWeight) {
            log("Changing weight from %d to %d for %sactive service %s of VS %s", oldWeight, newWeight,
                    rs.alive() ? "" : "in", rs.name, vs.name);
            if (started && rs.inTable() && rs.alive() && vs.poolInUse()) {
                destination(Command.EDIT, vs, rs);
            }
            if (updateQuorum) updateQuorumState(vs, false);
        }
    }

    /**
     * A checker's contribution to its real server's weight changed (MISC_CHECK misc_dynamic, FILE_CHECK): the
     * effective weight is the configured weight plus every checker's delta, applied as {@link #setWeight}.
     */
    public List<Action> checkerWeight(CheckerId id, long delta) {
        Chk checker = checker(id);
        checker.weightDelta = delta;
        Rs rs = realServer(id.realServerId());
        long weight = rs.config.weight();
        for (Chk c : rs.checkers) weight += c.weightDelta;
        return setWeight(id.realServerId(), weight);
    }

    /**
     * A local address appeared (netlink): ha_suspend virtual servers on it resume their checkers. Addresses present
     * before {@link #start()} should be reported before it, as keepalived's netlink dump does.
     */
    public List<Action> addressAdded(InetAddress address) {
        return addressChange(address, true);
    }

    /** A local address went away: ha_suspend virtual servers on it suspend their checkers once no copy is left. */
    public List<Action> addressRemoved(InetAddress address) {
        return addressChange(address, false);
    }

    /**
     * Shutdown (clear_services without lvs_flush_on_stop): every real server, sorry server and service is removed.
     * With omega, notify_down runs for the real servers that were up, quorum_down for each virtual server, and the
     * FIFO gets their DOWN lines; without omega they stay silent.
     */
    public List<Action> shutdown() {
        begin();
        if (!started || stopped) {
            stopped = true;
            return finish();
        }
        stopped = true;
        for (Vs vs : virtualServers) {
            if (vs.ignored) continue;
            clearServiceVs(vs, true);
        }
        return finish();
    }

    // ------------------------------------------------------------------------------------------------ queries

    /** What the data plane holds now: services with the destinations in the pool, and their counters. */
    /**
     * Halo's proxy_* settings of the virtual server that made SERVICE (defaults for a service the configuration does
     * not have, one ipvsadm added).
     */
    public ProxySettings proxySettings(ServiceKey service) {
        for (Vs vs : virtualServers) {
            if (vs.serviceKeys.contains(service)) return vs.config.proxy();
        }
        return ProxySettings.DEFAULT;
    }

    public IpvsSnapshot snapshot() {
        return ipvs.snapshot();
    }

    /** The kernel-side table, for data planes reporting counters. */
    public IpvsTable ipvs() {
        return ipvs;
    }

    /** Every checker of every real server, in configuration order (ha_suspend ones included). */
    public List<CheckerId> checkers() {
        List<CheckerId> ids = new ArrayList<>();
        for (Vs vs : virtualServers) {
            if (vs.ignored) continue;
            for (Rs rs : vs.realServers) {
                for (Chk c : rs.checkers) ids.add(c.id);
            }
        }
        return ids;
    }

    public boolean checkerEnabled(CheckerId id) {
        return checker(id).enabled;
    }

    /** keepalived's "alive": the real server passed its checks (it may still be out of the pool for a sorry server). */
    public boolean alive(RealServerId id) {
        return realServer(id).alive();
    }

    public boolean quorumUp(int virtualServer) {
        return virtualServers.get(virtualServer).quorumUp;
    }

    /** keepalived's name for a virtual server in messages: {@code [192.0.2.10]:tcp:80}, {@code FWM 3}, {@code [G]:0}. */
    public String virtualServerName(int virtualServer) {
        return virtualServers.get(virtualServer).name;
    }

    /** keepalived's name for a real server in messages: {@code [192.0.2.21]:tcp:80}. */
    public String realServerName(RealServerId id) {
        return realServer(id).name;
    }

    // ------------------------------------------------------------------------------------------------ rules

    /** perform_svr_state: a real server changes state; the pool changes unless the sorry server is standing in. */
    private void serverState(boolean alive, Vs vs, Rs rs) {
        if (rs.alive() == alive) return;
        log("%sing service %s %s VS %s",
                alive ? (rs.inhibit ? "Enabl" : "Add") : (rs.inhibit ? "Disabl" : "Remov"),
                rs.name, rs.inhibit ? "of" : alive ? "to" : "from", vs.name);
        if (vs.poolInUse()) {
            destination(alive ? Command.ADD : Command.DELETE, vs, rs);
        }
        rs.alive(alive);
        rsNotifies(vs, rs, false);
        updateQuorumState(vs, false);
    }

    /**
     * update_quorum_state: quorum is the sum of the weights of live servers. Gained at sum >= quorum + hysteresis,
     * lost when the sum falls below quorum - hysteresis (or to 0). Losing it swaps the live servers for the sorry
     * server; gaining it swaps them back.
     */
    private void updateQuorumState(Vs vs, boolean init) {
        long sum = vs.liveWeight();
        long threshold = vs.quorum + (vs.quorumUp ? -1L : 1L) * vs.hysteresis;
        Rs sorry = vs.sorryServer;
        if (!vs.quorumUp && sum >= threshold) {
            vs.quorumUp = true;
            log("Gained quorum %d+%d=%d <= %d for VS %s", vs.quorum, vs.hysteresis, threshold, sum, vs.name);
            if (sorry != null && sorry.alive()) {
                log("%s sorry server %s from VS %s", sorry.inhibit ? "Disabling" : "Removing", sorry.name, vs.name);
                destination(Command.DELETE, vs, sorry);
                sorry.alive(false);
                quorumPool(vs, true);
            }
            vsNotifies(vs, false);
        } else if ((vs.quorumUp && (sum == 0 || sum < threshold))
                || (init && !vs.quorumUp && sorry != null && !sorry.alive())) {
            vs.quorumUp = false;
            log("%s %d-%d=%d > %d for VS %s", init ? "Starting with quorum down" : "Lost quorum", vs.quorum,
                    vs.hysteresis, threshold, sum, vs.name);
            if (sorry != null && !sorry.alive()) {
                log("%s sorry server %s to VS %s", sorry.inhibit ? "Enabling" : "Adding", sorry.name, vs.name);
                quorumPool(vs, false);
                destination(Command.ADD, vs, sorry);
                sorry.alive(true);
            }
            vsNotifies(vs, false);
        }
    }

    /** perform_quorum_state: put the live servers back in the pool (add) or take them out for the sorry server. */
    private void quorumPool(Vs vs, boolean add) {
        log("%s the pool for VS %s", add ? "Adding alive servers to" : "Removing alive servers from", vs.name);
        for (Rs rs : vs.realServers) {
            if (!rs.alive()) continue;
            destination(add ? Command.ADD : Command.DELETE, vs, rs);
        }
    }

    /** update_vs_notifies: at shutdown, or when quorum is found lost without a checker event. */
    private void updateVsNotifies(Vs vs, boolean stopping) {
        long threshold = vs.quorum - vs.hysteresis;
        long sum = vs.liveWeight();
        if (stopping || (vs.quorumUp && (sum == 0 || sum < threshold))) {
            vs.quorumUp = false;
            if (stopping && !vs.omega) return;
            vsNotifies(vs, stopping);
        }
    }

    /** do_vs_notifies: quorum_up / quorum_down, then {@code VS <vs> UP|DOWN} on the FIFO. */
    private void vsNotifies(Vs vs, boolean stopping) {
        ScriptCommand script = vs.quorumUp ? vs.config.quorumUp() : vs.config.quorumDown();
        if (script != null) out.add(new Action.RunScript(script, stopping));
        out.add(new Action.Fifo("VS " + vs.name + " " + (vs.quorumUp ? "UP" : "DOWN") + "\n"));
    }

    /** do_rs_notifies: notify_up / notify_down, then {@code RS <rs> <vs> UP|DOWN} on the FIFO. */
    private void rsNotifies(Vs vs, Rs rs, boolean stopping) {
        ScriptCommand script = rs.alive() ? rs.config.notifyUp() : rs.config.notifyDown();
        if (script != null) out.add(new Action.RunScript(script, stopping));
        out.add(new Action.Fifo("RS " + rs.name + " " + vs.name + " " + (rs.alive() ? "UP" : "DOWN") + "\n"));
    }

    /** vs_iseq: same group (and place in it), or same family and fwmark, or same protocol, address and port. */
    private static boolean sameVirtualServer(Vs a, Vs b) {
        VirtualServerAddress x = a.config.address();
        VirtualServerAddress y = b.config.address();
        if (x instanceof VirtualServerAddress.Group gx) {
            return y instanceof VirtualServerAddress.Group gy && gx.name().equals(gy.name()) && a.name.equals(b.name);
        }
        return switch (x) {
            case VirtualServerAddress.Fwmark fx -> y instanceof VirtualServerAddress.Fwmark fy
                    && fx.mark() == fy.mark() && (fx.family() == AddressFamily.IPV6) == (fy.family() == AddressFamily.IPV6);
            case VirtualServerAddress.Socket sx -> y instanceof VirtualServerAddress.Socket sy
                    && sx.address().equals(sy.address()) && sx.port() == sy.port()
                    && a.config.protocol() == b.config.protocol();
            case VirtualServerAddress.Group g -> false;
        };
    }

    /** Scheduler, flags, persistence engine, granularity and timeout: a change is an edit of the service. */
    private static boolean sameSettings(Vs a, Vs b) {
        IpvsService x = a.serviceDefinitions().isEmpty() ? null : a.serviceDefinitions().getFirst();
        IpvsService y = b.serviceDefinitions().isEmpty() ? null : b.serviceDefinitions().getFirst();
        if (x == null || y == null) return x == y;
        return x.sameSettings(y);
    }

    /** clear_diff_rs: gone real servers are removed; kept ones carry their state over to the new configuration. */
    private void diffRealServers(Vs old, Vs nv) {
        for (Rs rs : old.realServers) {
            Rs nr = nv.realServers.stream().filter(r -> r.address.equals(rs.address) && r.port == rs.port)
                    .findFirst().orElse(null);
            if (nr == null) {
                log("service %s no longer exist", rs.name);
                clearRealServer(old, rs, false);
                continue;
            }
            // keep the alive and set flags so the same rule is not set twice
            nr.state = rs.state;
            nr.effectiveWeight = rs.effectiveWeight;
            nr.previousWeight = rs.effectiveWeight;
            nr.reloaded = true;
            migrateCheckers(nv, old, rs, nr);
            if ((nr.alive() && nr.effectiveWeight != rs.effectiveWeight) || nr.forwarding != rs.forwarding
                    || !Objects.equals(nr.tunnel, rs.tunnel)) {
                destination(Command.EDIT, nv, nr);
            }
        }
        updateVsNotifies(old, false);
    }

    /**
     * migrate_checkers: a new checker equal to an old one takes its verdict; then the real server is up if no
     * checker has failed, and new alpha checkers of a server that has failed (or never ran) start down.
     */
    private void migrateCheckers(Vs nv, Vs old, Rs oldRs, Rs nr) {
        if (!oldRs.checkers.isEmpty()) {
            for (Chk nc : nr.checkers) {
                for (Chk oc : oldRs.checkers) {
                    // keepalived takes the first old checker while the sorry server stands in
                    if ((old.sorryServer != null && old.sorryServer.alive()) || Objects.equals(oc.config, nc.config)) {
                        if (oc.hasRun) nc.up = oc.up;
                        nc.hasRun = oc.hasRun;
                        break;
                    }
                }
            }
        }
        boolean anyRun = false;
        for (Chk c : nr.checkers) {
            anyRun |= c.hasRun;
        }
        if (nr.failedCheckers() > 0 || (!nr.alive() && !anyRun)) {
            for (Chk c : nr.checkers) {
                if (!c.hasRun && c.alpha) c.up = false;
            }
        }
        if (nr.failedCheckers() == 0 && !nr.alive()) {
            serverState(true, nv, nr);
        } else if (nr.failedCheckers() > 0 && nr.inTable() != nr.inhibit) {
            destination(nr.inhibit ? Command.ADD : Command.DELETE, nv, nr);
            nr.alive(false);
        }
    }

    /** clear_diff_s_srv: a changed or removed sorry server leaves; without one, the live servers come back. */
    private void diffSorryServer(Vs old, Vs nv) {
        Rs oldSorry = old.sorryServer;
        Rs newSorry = nv.sorryServer;
        if (oldSorry == null) return;
        if (newSorry != null && newSorry.address.equals(oldSorry.address) && newSorry.port == oldSorry.port) {
            newSorry.state = oldSorry.state;
            newSorry.reloaded = true;
            if (oldSorry.inhibit == newSorry.inhibit || oldSorry.alive()) return;
        }
        boolean reinstate = oldSorry.alive() && newSorry == null;
        boolean waitingAtZero = oldSorry.inhibit && !oldSorry.alive();
        if (oldSorry.alive() || waitingAtZero) {
            log("Removing sorry server %s from VS %s", oldSorry.name, old.name);
            // a sorry server waiting at weight 0 really leaves, whatever its inhibit_on_failure
            destination(Command.DELETE, old, oldSorry, oldSorry.inhibit && !waitingAtZero, false);
            if (newSorry != null) newSorry.inTable(false);
            if (reinstate) quorumPool(nv, true);
        }
    }

    /** clear_diff_vsg: group entries no longer configured go, with their destinations. */
    private void diffGroupEntries(Vs old, Vs nv) {
        List<VirtualServerGroup.Entry> newEntries = nv.group == null ? List.of() : nv.group.entries();
        for (VirtualServerGroup.Entry e : old.group.entries()) {
            if (newEntries.contains(e)) continue;
            log("VS [%s] in group %s no longer exists", entryText(e, old), old.group.name());
            for (ServiceKey key : Vs.entryKeys(e, old)) {
                for (Rs rs : old.realServers) {
                    if (rs.alive()) change(new Action.RemoveDestination(key, rs.destinationKey(key)));
                }
                change(new Action.RemoveService(key));
            }
        }
        for (VirtualServerGroup.Entry e : newEntries) {
            if (!old.group.entries().contains(e)) nv.addedEntries.add(e);
        }
    }

    /** sync_service_vsg: entries added by a reload get the kept servers that are up (or inhibited). */
    private void syncNewGroupEntries(Vs vs) {
        for (VirtualServerGroup.Entry e : vs.addedEntries) {
            log("VS [%s] added into group %s", e instanceof VirtualServerGroup.Fwmark f
                    ? "FWM " + Integer.toUnsignedString(f.mark()) : entryText(e, vs), vs.group.name());
            for (ServiceKey key : Vs.entryKeys(e, vs)) {
                for (Rs rs : vs.realServers) {
                    if (!rs.reloaded || !(rs.alive() || (rs.inhibit && rs.inTable()))) continue;
                    int weight = rs.inhibit && !rs.alive() ? 0 : realWeight(rs.effectiveWeight);
                    change(new Action.AddDestination(key, new IpvsDestination(rs.destinationKey(key), rs.forwarding,
                            rs.tunnel, weight, rs.upperThreshold, rs.lowerThreshold, null, null, null)));
                }
            }
        }
        vs.addedEntries.clear();
    }

    /** keepalived's words for a group entry: {@code [addr]:proto:port}, {@code [addr]:proto:port-last}, a mark. */
    private static String entryText(VirtualServerGroup.Entry e, Vs vs) {
        return switch (e) {
            case VirtualServerGroup.Fwmark f -> Integer.toUnsignedString(f.mark());
            case VirtualServerGroup.Range r -> {
                String first = "[" + AddressText.format(r.first()) + "]:" + vs.protocolText + ":" + r.port();
                yield r.last() == null || r.last().equals(r.first()) ? first
                        : first + "-" + AddressText.format(r.last());
            }
        };
    }

    /** clear_service_vs: sorry server, real servers (with their notifiers), then the service itself. */
    private void clearServiceVs(Vs vs, boolean stopping) {
        Rs sorry = vs.sorryServer;
        if (sorry != null && sorry.inTable()) {
            forcedRemove(vs, sorry);
            sorry.alive(false);
        }
        for (Rs rs : vs.realServers) {
            clearRealServer(vs, rs, stopping);
        }
        updateVsNotifies(vs, stopping);
        for (ServiceKey key : vs.serviceKeys) {
            change(new Action.RemoveService(key));
        }
        vs.alive = false;
    }

    /** clear_service_rs. */
    private void clearRealServer(Vs vs, Rs rs, boolean stopping) {
        if (rs.inTable() || stopping) {
            log("%s %sservice %s from VS %s", stopping ? "Shutting down" : "Removing",
                    rs.inhibit && !rs.alive() ? "(inhibited) " : "", rs.name, vs.name);
        }
        if (!rs.inTable()) return;
        forcedRemove(vs, rs);
        if (!rs.alive()) return;
        rs.alive(false);
        // omega: notifiers run all the way down
        if (!vs.omega && stopping) return;
        rsNotifies(vs, rs, stopping);
    }

    /** Removal that ignores inhibit_on_failure (shutdown really removes). */
    private void forcedRemove(Vs vs, Rs rs) {
        destination(Command.DELETE, vs, rs, false, rs.failedCheckers() > 0);
    }

    private List<Action> addressChange(InetAddress address, boolean added) {
        begin();
        if (stopped) return finish();
        for (Vs vs : virtualServers) {
            if (vs.ignored || !vs.haSuspend || !vs.hasAddress(address)) continue;
            vs.haSuspendAddressCount += added ? 1 : -1;
            // the same address on several interfaces counts several times: suspend only when the last goes
            for (Rs rs : vs.realServers) {
                for (Chk c : rs.checkers) {
                    if (added != c.enabled && (added || vs.haSuspendAddressCount == 0)) {
                        if (started) {
                            log("%sing healthchecker for service %s for VS %s", !c.enabled ? "Activat" : "Suspend",
                                    rs.name, vs.name);
                        }
                        c.enabled = added;
                        if (started) out.add(new Action.CheckerActivity(c.id, added));
                    }
                }
            }
        }
        return finish();
    }

    /**
     * ipvs_cmd for a destination: inhibit_on_failure turns a removal into weight 0 and a re-add into an edit; the
     * {@code set} flag tracks whether the server is in the kernel table. DR and TUN destinations take the virtual
     * port (0 for fwmark services).
     */
    private void destination(Command command, Vs vs, Rs rs) {
        destination(command, vs, rs, rs.inhibit, rs.failedCheckers() > 0);
    }

    /**
     * @param inhibit whether inhibit_on_failure applies (not to a removal that must really remove)
     * @param failed  whether the server counts as failed: an inhibited one enters the table at weight 0
     */
    private void destination(Command command, Vs vs, Rs rs, boolean inhibit, boolean failed) {
        int weight = realWeight(rs.effectiveWeight);
        Command c = command;
        if (c == Command.DELETE && inhibit) {
            weight = 0;
            c = Command.EDIT;
        } else if (c == Command.ADD && inhibit && rs.inTable()) {
            c = Command.EDIT;
        } else if (c == Command.ADD && !rs.inTable()) {
            rs.inTable(true);
            if (inhibit && failed) weight = 0;
        } else if (c == Command.DELETE && rs.inTable()) {
            rs.inTable(false);
        }
        for (ServiceKey key : vs.serviceKeys) {
            IpvsDestination d = new IpvsDestination(rs.destinationKey(key), rs.forwarding, rs.tunnel, weight,
                    rs.upperThreshold, rs.lowerThreshold, null, null, null);
            switch (c) {
                case ADD -> change(new Action.AddDestination(key, d));
                case EDIT -> change(new Action.EditDestination(key, d));
                case DELETE -> change(new Action.RemoveDestination(key, d.key()));
            }
        }
    }

    private void change(Action.TableChange change) {
        configured.apply(change);
        ipvs.apply(change).ifPresent(out::add);
    }

    private void log(String format, Object... args) {
        out.add(new Action.Log(format.formatted(args)));
    }

    private void begin() {
        out = new ArrayList<>();
    }

    private List<Action> finish() {
        List<Action> result = List.copyOf(out);
        out = new ArrayList<>();
        return result;
    }

    static int realWeight(long effectiveWeight) {
        if (effectiveWeight < 0) return 0;
        return (int) Math.min(effectiveWeight, WEIGHT_LIMIT);
    }

    private Chk checker(CheckerId id) {
        Rs rs = realServer(id.realServerId());
        if (id.checker() < 0 || id.checker() >= rs.checkers.size()) {
            throw new IllegalArgumentException("no checker " + id);
        }
        return rs.checkers.get(id.checker());
    }

    private Rs realServer(RealServerId id) {
        if (id.virtualServer() < 0 || id.virtualServer() >= virtualServers.size()) {
            throw new IllegalArgumentException("no virtual server " + id.virtualServer());
        }
        Vs vs = virtualServers.get(id.virtualServer());
        if (id.realServer() < 0 || id.realServer() >= vs.realServers.size()) {
            throw new IllegalArgumentException("no real server " + id);
        }
        return vs.realServers.get(id.realServer());
    }

    // ------------------------------------------------------------------------------------------------ state

    /** One virtual_server and its keepalived state. */
    private static final class Vs {
        final VirtualServer config;
        final VirtualServerGroup group;
        final String name;
        final String protocolText;
        final List<ServiceKey> serviceKeys;
        final List<Rs> realServers = new ArrayList<>();
        final Rs sorryServer;
        final int quorum;
        final int hysteresis;
        boolean omega;
        final boolean haSuspend;
        /** keepalived ignores a virtual server without real servers ("has no real servers - ignoring"). */
        final boolean ignored;
        boolean alive;
        boolean quorumUp = true;
        boolean reloaded;
        int haSuspendAddressCount;
        final int index;
        /** Group entries a reload added, waiting for their destinations. */
        final List<VirtualServerGroup.Entry> addedEntries = new ArrayList<>();

        Vs(int index, VirtualServer config, VirtualServerGroup group, int groupMember, boolean initialAlpha) {
            this.index = index;
            this.config = config;
            this.group = group;
            boolean fwmarkOnly = switch (config.address()) {
                case VirtualServerAddress.Fwmark f -> true;
                case VirtualServerAddress.Group g -> group != null
                        && group.entries().stream().allMatch(e -> e instanceof VirtualServerGroup.Fwmark);
                case VirtualServerAddress.Socket s -> false;
            };
            // a fwmark virtual server has no protocol: keepalived clears it and writes "none"
            this.protocolText = fwmarkOnly ? "none" : config.protocol().name().toLowerCase();
            this.name = switch (config.address()) {
                case VirtualServerAddress.Socket s ->
                        "[" + AddressText.format(s.address()) + "]:" + protocolText + ":" + s.port();
                case VirtualServerAddress.Fwmark f -> "FWM " + Integer.toUnsignedString(f.mark());
                case VirtualServerAddress.Group g -> "[" + g.name() + "]:" + groupMember;
            };
            this.serviceKeys = List.copyOf(keys(config, group));
            this.omega = config.omega();
            this.haSuspend = config.haSuspend() && !(config.address() instanceof VirtualServerAddress.Fwmark);
            this.ignored = config.realServers().isEmpty()
                    || (config.address() instanceof VirtualServerAddress.Group && group == null);
            for (int r = 0; r < config.realServers().size(); r++) {
                RealServer rs = config.realServers().get(r);
                realServers.add(new Rs(new RealServerId(index, r), rs, this,
                        rs.inhibitOnFailure() || config.inhibitOnFailure(), false));
            }
            RealServer sorry = config.sorryServer();
            this.sorryServer = sorry == null ? null
                    : new Rs(new RealServerId(index, -1), sorry, this, config.sorryServerInhibit(), true);
            // keepalived's corrections: quorum at most the total weight, hysteresis below quorum
            long total = 0;
            for (Rs rs : realServers) total += rs.effectiveWeight;
            int q = config.quorum();
            if (q > total) q = (int) Math.max(0, total);
            int h = config.hysteresis();
            if (h >= q) h = Math.max(0, q - 1);
            this.quorum = q;
            this.hysteresis = h;
            // alpha checkers start failed, and their real servers down, until their first success
            for (Rs rs : realServers) {
                for (Chk c : rs.checkers) {
                    c.enabled = !haSuspend;
                    if (c.alpha && initialAlpha) {
                        c.up = false;
                        rs.alive(false);
                    }
                }
            }
        }

        /** The pool is in use unless the sorry server stands in for it. */
        boolean poolInUse() {
            return quorumUp || sorryServer == null || !sorryServer.alive();
        }

        long liveWeight() {
            long sum = 0;
            for (Rs rs : realServers) {
                if (rs.alive()) sum += realWeight(rs.effectiveWeight);
            }
            return sum;
        }

        boolean isFwmark() {
            return config.address() instanceof VirtualServerAddress.Fwmark;
        }

        int virtualPort() {
            return config.address() instanceof VirtualServerAddress.Socket s ? s.port() : 0;
        }

        boolean hasAddress(InetAddress address) {
            for (ServiceKey key : serviceKeys) {
                if (key instanceof ServiceKey.Inet i && i.address().equals(address)) return true;
            }
            return false;
        }

        List<IpvsService> serviceDefinitions() {
            List<IpvsService> list = new ArrayList<>();
            Set<ServiceFlag> flags = EnumSet.noneOf(ServiceFlag.class);
            flags.addAll(ServiceFlag.fromKeepalivedNames(config.schedulerFlags()));
            for (RawSetting s : config.otherSettings()) {
                if (s.keyword().equals("ops")) flags.add(ServiceFlag.ONE_PACKET);
            }
            SchedulingMethod scheduler = config.scheduler() == null ? SchedulingMethod.DEFAULT
                    : SchedulingMethod.byKernelName(config.scheduler()).orElseThrow(
                            () -> new IllegalArgumentException("unknown scheduler " + config.scheduler()));
            int timeout = config.persistenceTimeout() == null ? 0 : (int) config.persistenceTimeout().toSeconds();
            String groupName = group == null ? "" : group.name();
            for (ServiceKey key : serviceKeys) {
                Persistence persistence = Persistence.of(timeout, key.ipv6());
                if (timeout > 0 && config.persistenceGranularity() != null) {
                    persistence = new Persistence(timeout, netmask(config.persistenceGranularity(), key.ipv6()));
                }
                list.add(new IpvsService(key, scheduler, flags, persistence, "", groupName, null, null, List.of()));
            }
            return list;
        }

        private static int netmask(InetAddress mask, boolean ipv6) {
            byte[] b = mask.getAddress();
            if (!ipv6) {
                return b.length == 4 ? ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8)
                        | (b[3] & 0xff) : 0xffffffff;
            }
            int bits = 0;
            for (byte x : b) bits += Integer.bitCount(x & 0xff);
            return bits;
        }

        private static List<ServiceKey> keys(VirtualServer config, VirtualServerGroup group) {
            List<ServiceKey> keys = new ArrayList<>();
            switch (config.address()) {
                case VirtualServerAddress.Socket s -> keys.add(new ServiceKey.Inet(s.address(), s.port(),
                        config.protocol()));
                case VirtualServerAddress.Fwmark f -> keys.add(new ServiceKey.Fwmark(f.mark(),
                        f.family() == AddressFamily.IPV6));
                case VirtualServerAddress.Group g -> {
                    if (group == null) break;
                    for (VirtualServerGroup.Entry e : group.entries()) {
                        keys.addAll(entryKeys(e, config, group));
                    }
                }
            }
            return keys;
        }

        static List<ServiceKey> entryKeys(VirtualServerGroup.Entry e, Vs vs) {
            return vs.group == null ? List.of() : entryKeys(e, vs.config, vs.group);
        }

        private static List<ServiceKey> entryKeys(VirtualServerGroup.Entry e, VirtualServer config,
                                                  VirtualServerGroup group) {
            boolean ipv6 = group.entries().stream().anyMatch(x -> x instanceof VirtualServerGroup.Range r
                    && r.first() instanceof Inet6Address);
            List<ServiceKey> keys = new ArrayList<>();
            switch (e) {
                case VirtualServerGroup.Range r -> {
                    for (InetAddress a : r.addresses()) {
                        keys.add(new ServiceKey.Inet(a, r.port(), config.protocol()));
                    }
                }
                case VirtualServerGroup.Fwmark f -> keys.add(new ServiceKey.Fwmark(f.mark(), ipv6));
            }
            return keys;
        }
    }

    /**
     * Where a real server stands: whether it passed its checks (keepalived's ISALIVE) and whether the kernel table
     * holds it (keepalived's {@code set}).
     */
    private enum RealServerState {
        /** Failed (or an alpha server not yet checked), and not in the table. */
        OUT(false, false),
        /** Failed, and held in the table at weight 0 (inhibit_on_failure). */
        INHIBITED(false, true),
        /** Passed its checks, but not in the table: the sorry server stands in for the pool. */
        STANDING_BY(true, false),
        /** Passed its checks, and in the table at its weight. */
        IN_POOL(true, true);

        final boolean alive;
        final boolean inTable;

        RealServerState(boolean alive, boolean inTable) {
            this.alive = alive;
            this.inTable = inTable;
        }

        static RealServerState of(boolean alive, boolean inTable) {
            return alive ? (inTable ? IN_POOL : STANDING_BY) : (inTable ? INHIBITED : OUT);
        }
    }

    /** One real_server (or sorry_server) and its keepalived state. */
    private static final class Rs {
        final RealServer config;
        final String name;
        final InetAddress address;
        /** The port keepalived keeps after its corrections: the virtual port for DR/TUN, 0 for fwmark DR/TUN. */
        final int port;
        final ForwardingMethod forwarding;
        final Tunnel tunnel;
        final int upperThreshold;
        final int lowerThreshold;
        final List<Chk> checkers = new ArrayList<>();
        final Vs vs;
        long effectiveWeight;
        /** On reload, the weight before it (keepalived's peffective_weight). */
        long previousWeight;
        /** Kept from the configuration before a reload, with its state (keepalived's reloaded flag). */
        boolean reloaded;
        /** inhibit_on_failure: a failed server stays in the table at weight 0 instead of leaving it. */
        final boolean inhibit;
        RealServerState state = RealServerState.OUT;

        Rs(RealServerId id, RealServer config, Vs vs, boolean inhibit, boolean sorry) {
            this.config = config;
            this.vs = vs;
            this.address = config.address();
            ForwardingMethod method = config.forwarding() != null ? config.forwarding()
                    : vs.config.forwarding() != null ? vs.config.forwarding() : ForwardingMethod.NAT;
            this.forwarding = method;
            this.tunnel = method == ForwardingMethod.TUN
                    ? (config.tunnel() != null ? config.tunnel() : vs.config.tunnel()) : null;
            int p = config.port();
            if (vs.group == null) {
                if (method == ForwardingMethod.NAT) {
                    if (!vs.isFwmark() && p == 0) p = vs.virtualPort();
                } else {
                    p = vs.isFwmark() ? 0 : vs.virtualPort();
                }
            }
            this.port = p;
            this.name = "[" + AddressText.format(address) + "]:" + vs.protocolText + ":" + p;
            this.upperThreshold = config.upperThreshold();
            this.lowerThreshold = config.lowerThreshold();
            this.effectiveWeight = sorry ? 1 : config.weight();
            this.inhibit = inhibit;
            if (!sorry) {
                for (int c = 0; c < config.checkers().size(); c++) {
                    Checker checker = config.checkers().get(c);
                    checkers.add(new Chk(id.checker(c), checker, checker.common() != null && checker.common().alpha()));
                }
            }
        }

        /** keepalived's ISALIVE: the server passed its checks. */
        boolean alive() {
            return state.alive;
        }

        void alive(boolean alive) {
            state = RealServerState.of(alive, state.inTable);
        }

        /** keepalived's {@code set}: the kernel table holds the server. */
        boolean inTable() {
            return state.inTable;
        }

        void inTable(boolean inTable) {
            state = RealServerState.of(state.alive, inTable);
        }

        /** How many of its checkers report it down (keepalived's num_failed_checkers). */
        int failedCheckers() {
            int failed = 0;
            for (Chk c : checkers) {
                if (!c.up) failed++;
            }
            return failed;
        }

        /** The destination key inside one of the virtual server's services (ipvs_cmd's drule port rule). */
        DestinationKey destinationKey(ServiceKey service) {
            if (forwarding == ForwardingMethod.NAT) {
                return new DestinationKey(address, port);
            }
            return switch (service) {
                case ServiceKey.Fwmark f -> new DestinationKey(address, 0);
                case ServiceKey.Inet i -> new DestinationKey(address, i.port());
            };
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** One checker's state as the table sees it. keepalived assumes a checker up until it says otherwise. */
    private static final class Chk {
        final CheckerId id;
        final Checker config;
        final boolean alpha;
        boolean up = true;
        boolean hasRun;
        boolean enabled = true;
        long weightDelta;

        Chk(CheckerId id, Checker config, boolean alpha) {
            this.id = Objects.requireNonNull(id);
            this.config = config;
            this.alpha = alpha;
        }
    }
}
