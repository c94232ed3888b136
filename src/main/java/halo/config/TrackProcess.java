package halo.config;

import java.time.Duration;
import java.util.List;

/**
 * A vrrp_track_process: up while between {@code quorum} and {@code quorumMax} processes named {@code process}
 * (with {@code parameters} when given) run.
 *
 * @param parameters     command-line parameters to match, or empty for any
 * @param paramMatch     how parameters are matched (exact, partial, initial)
 * @param weight         weight (0: down puts tracking instances in FAULT)
 * @param quorum         minimum number of processes (1)
 * @param quorumMax      maximum number of processes (unbounded: Integer.MAX_VALUE)
 * @param forkDelay      delay after a fork before it counts (delay, or fork_delay)
 * @param terminateDelay delay after a termination before it counts (delay, or terminate_delay)
 * @param fullCommand    match the full command line rather than the process name
 */
public record TrackProcess(String name, String process, List<String> parameters, String paramMatch, int weight,
                           boolean reverse, int quorum, int quorumMax, Duration forkDelay, Duration terminateDelay,
                           boolean fullCommand) {
    public TrackProcess {
        parameters = List.copyOf(parameters);
    }
}
