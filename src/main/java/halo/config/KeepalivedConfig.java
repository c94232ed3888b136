package halo.config;

import java.util.List;
import java.util.Optional;

/**
 * A whole keepalived.conf, typed, with keepalived's defaults and corrections applied. Immutable.
 * Lists keep the order of the file. Names are unique within each list (keepalived skips duplicates).
 */
public record KeepalivedConfig(
        GlobalDefs global,
        List<VirtualAddress> staticAddresses,
        List<VirtualRoute> staticRoutes,
        List<VirtualRule> staticRules,
        List<StaticTrackGroup> staticTrackGroups,
        List<VrrpScript> vrrpScripts,
        List<TrackFile> trackFiles,
        List<TrackProcess> trackProcesses,
        List<VrrpSyncGroup> syncGroups,
        List<VrrpInstance> vrrpInstances,
        List<BfdInstance> bfdInstances,
        SslSettings ssl,
        List<VirtualServerGroup> virtualServerGroups,
        List<VirtualServer> virtualServers) {

    public KeepalivedConfig {
        staticAddresses = List.copyOf(staticAddresses);
        staticRoutes = List.copyOf(staticRoutes);
        staticRules = List.copyOf(staticRules);
        staticTrackGroups = List.copyOf(staticTrackGroups);
        vrrpScripts = List.copyOf(vrrpScripts);
        trackFiles = List.copyOf(trackFiles);
        trackProcesses = List.copyOf(trackProcesses);
        syncGroups = List.copyOf(syncGroups);
        vrrpInstances = List.copyOf(vrrpInstances);
        bfdInstances = List.copyOf(bfdInstances);
        virtualServerGroups = List.copyOf(virtualServerGroups);
        virtualServers = List.copyOf(virtualServers);
    }

    public Optional<VrrpInstance> vrrpInstance(String name) {
        return vrrpInstances.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    public Optional<VrrpScript> vrrpScript(String name) {
        return vrrpScripts.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<VirtualServerGroup> virtualServerGroup(String name) {
        return virtualServerGroups.stream().filter(g -> g.name().equals(name)).findFirst();
    }
}
