package halo.config;

/**
 * A reference to a named tracker (track_script, track_file, track_process, track_bfd): {@code NAME [weight N [reverse]]}.
 *
 * @param name     the tracker's name (a vrrp_script, track_file, vrrp_track_process or bfd_instance)
 * @param weight   the weight given here, or {@code null} to use the tracker's own weight
 * @param reverse  whether the weight's sense is reversed
 */
public record TrackRef(String name, Integer weight, boolean reverse) {
    public static TrackRef of(String name) {
        return new TrackRef(name, null, false);
    }
}
