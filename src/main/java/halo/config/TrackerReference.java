package halo.config;

import halo.config.source.Statement;

/** A reference and how many trackers of its kind were defined before it (keepalived looks names up as it reads). */
record TrackerReference(TrackRef ref, Statement at, int definedBefore) {}
