package halo.config;

import java.util.ArrayList;
import java.util.List;

/** Tracker references of an instance or sync group, with the statement naming each (for diagnostics). */
final class TrackerReferences {
    final List<TrackedInterface> interfaces = new ArrayList<>();
    final List<TrackerReference> scripts = new ArrayList<>();
    final List<TrackerReference> files = new ArrayList<>();
    final List<TrackerReference> processes = new ArrayList<>();
    final List<TrackerReference> bfds = new ArrayList<>();
}
