package halo.config;

import java.util.List;

/**
 * A vrrp_sync_group: its member instances change state together.
 *
 * @param instances      member instance names (each a defined vrrp_instance)
 * @param trackingWeight sync_group_tracking_weight: members' weighted trackers are honoured
 */
public record VrrpSyncGroup(String name, List<String> instances, List<TrackedInterface> trackInterfaces,
                            List<TrackRef> trackScripts, List<TrackRef> trackFiles, List<TrackRef> trackProcesses,
                            List<TrackRef> trackBfds, NotifyScripts notifyScripts, boolean smtpAlert, boolean trackingWeight) {
    public VrrpSyncGroup {
        instances = List.copyOf(instances);
        trackInterfaces = List.copyOf(trackInterfaces);
        trackScripts = List.copyOf(trackScripts);
        trackFiles = List.copyOf(trackFiles);
        trackProcesses = List.copyOf(trackProcesses);
        trackBfds = List.copyOf(trackBfds);
    }
}
