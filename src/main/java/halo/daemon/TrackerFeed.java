package halo.daemon;

import java.io.IOException;

/** Starts the track_file and vrrp_track_process watchers so that what they see reaches the host on the protocol thread. */
final class TrackerFeed {

    private TrackerFeed() {}

    /** Starts T's watches; their values are dropped once a reload has replaced T. */
    static void start(VrrpTrackers t, RunningState state, EventLoop loop) throws IOException {
        t.start(new VrrpTrackers.Sink() {
            @Override
            public void fileValue(String name, long value) {
                onProtocolThread(() -> state.host.onTrackFile(System.nanoTime(), name, value));
            }

            @Override
            public void processQuorum(String name, boolean up) {
                onProtocolThread(() -> state.host.onTrackProcess(System.nanoTime(), name, up));
            }

            private void onProtocolThread(Runnable work) {
                loop.execute(() -> {
                    if (state.trackers == t) {
                        work.run();
                    }
                });
            }
        });
    }
}
