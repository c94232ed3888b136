package halo.config;

import java.util.List;

/** A track_group (keepalived 2.2.7's static track group): static addresses/routes/rules that follow a group of instances. */
public record StaticTrackGroup(String name, List<String> instances) {
    public StaticTrackGroup {
        instances = List.copyOf(instances);
    }
}
