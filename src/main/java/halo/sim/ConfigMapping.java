package halo.sim;

import halo.config.Authentication;
import halo.config.KeepalivedConfig;
import halo.config.TrackRef;
import halo.config.TrackedInterface;
import halo.config.UnicastPeer;
import halo.config.VirtualAddress;
import halo.config.VrrpScript;
import halo.config.VrrpSyncGroup;
import halo.vrrp.InstanceSpec;
import halo.vrrp.IpAddress;
import halo.vrrp.TrackerSpec;
import halo.vrrp.VrrpState;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * From a loaded keepalived.conf to what a simulated node runs. The configuration layer has already applied keepalived's
 * defaults and corrections; this only moves values across, adding each sync group's trackers to its members (as the
 * state machine expects) and resolving track_script weights (the reference's weight, else the script's own).
 */
public final class ConfigMapping {
    private ConfigMapping() {
    }

    public static NodeSetup toSetup(KeepalivedConfig config) {
        List<NodeSetup.Instance> instances = new ArrayList<>();
        for (halo.config.VrrpInstance c : config.vrrpInstances()) {
            List<TrackerSpec> trackers = new ArrayList<>();
            addTrackers(config, trackers, c.trackInterfaces(), c.trackScripts());
            for (VrrpSyncGroup g : config.syncGroups()) {
                if (g.instances().contains(c.name())) addTrackers(config, trackers, g.trackInterfaces(), g.trackScripts());
            }
            InstanceSpec.Builder b = InstanceSpec.builder(c.name(), c.virtualRouterId())
                    .version(c.version())
                    .ipv6(c.family() == halo.config.AddressFamily.IPV6)
                    .interfaceName(c.interfaceName() == null ? "" : c.interfaceName())
                    .priority(c.priority())
                    .advertInterval(c.advertInterval())
                    .state(c.state() == halo.config.VrrpState.MASTER ? VrrpState.MASTER : VrrpState.BACKUP)
                    .nopreempt(!c.preempt())
                    .preemptDelay(c.preemptDelay())
                    .accept(c.accept())
                    .higherPrioSendAdvert(c.higherPrioSendAdvert())
                    .lowerPrioNoAdvert(c.lowerPrioNoAdvert())
                    .downTimerAdverts(c.downTimerAdverts())
                    .startupDelay(config.global().startupDelay())
                    .skipCheckAdvAddr(c.skipCheckAdvAddr())
                    .dontTrackPrimary(c.dontTrackPrimary())
                    .trackers(trackers);
            if (c.garp() != null) {
                b.garpMasterDelay(c.garp().masterDelay()).garpMasterRepeat(c.garp().masterRepeat())
                        .garpMasterRefresh(c.garp().masterRefresh()).garpMasterRefreshRepeat(c.garp().masterRefreshRepeat())
                        .garpLowerPrioDelay(c.garp().lowerPrioDelay()).garpLowerPrioRepeat(c.garp().lowerPrioRepeat());
            }
            List<IpAddress> vips = new ArrayList<>();
            for (VirtualAddress v : c.virtualAddresses()) vips.add(IpAddress.of(v.address().address()));
            b.virtualIpAddresses(vips);
            if (c.sourceAddress() != null) b.sourceAddress(IpAddress.of(c.sourceAddress()));
            Authentication auth = c.version() == 2 ? c.authentication() : null; // v3 ignores authentication
            int authType = auth == null ? 0 : auth.type() == Authentication.Type.PASS ? 1 : 2;
            List<InetAddress> peers = c.unicastPeers().stream().map(UnicastPeer::address).toList();
            InetAddress group = c.multicastGroup();
            instances.add(new NodeSetup.Instance(b.build(), authType, auth == null ? null : auth.password(), group,
                    c.sourceAddress(), peers, false));
        }
        List<NodeSetup.Group> groups = new ArrayList<>();
        for (VrrpSyncGroup g : config.syncGroups()) groups.add(new NodeSetup.Group(g.name(), g.instances(), g.trackingWeight()));
        List<NodeSetup.Script> scripts = new ArrayList<>();
        for (VrrpScript s : config.vrrpScripts()) {
            scripts.add(new NodeSetup.Script(s.name(), s.interval().toNanos(), s.rise(), s.fall(), s.initFail()));
        }
        return new NodeSetup(instances, groups, scripts);
    }

    private static void addTrackers(KeepalivedConfig config, List<TrackerSpec> out, List<TrackedInterface> interfaces,
                                    List<TrackRef> scripts) {
        for (TrackedInterface t : interfaces) {
            TrackerSpec spec = TrackerSpec.iface(t.name(), t.weight());
            out.add(t.reverse() ? spec.reversed() : spec);
        }
        for (TrackRef r : scripts) {
            VrrpScript s = config.vrrpScript(r.name()).orElse(null);
            if (s == null) continue; // the loader has reported it
            int weight = r.weight() != null ? r.weight() : s.weight();
            boolean reverse = r.weight() != null ? r.reverse() : s.reverse();
            TrackerSpec spec = TrackerSpec.script(r.name(), weight);
            if (s.initFail()) spec = spec.withInitial(TrackerSpec.Status.DOWN);
            out.add(reverse ? spec.reversed() : spec);
        }
    }
}
