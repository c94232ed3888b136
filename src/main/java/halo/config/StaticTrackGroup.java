package halo.config;

import java.util.List;

/** A static_track_group: static addresses/routes/rules that follow a group of instances. */
public record StaticTrackGroup(String name, List<String> instances) {
    public StaticTrackGroup {
        instances = List.copyOf(instances);
    }
}
