package halo.config;

/**
 * A track_file (keepalived 2.x; vrrp_track_file is the older name): the number in {@code file} times {@code weight}
 * is added to the priority of tracking instances; a result making priority <= 0 means FAULT.
 *
 * @param initFile    whether to create/initialise the file at start (init_file [VALUE] [overwrite])
 * @param initValue   the value written by init_file (0)
 * @param initOverwrite overwrite an existing file at start
 */
public record TrackFile(String name, String file, int weight, boolean reverse, boolean initFile, long initValue,
                        boolean initOverwrite) {}
