package halo.config;

import static halo.config.ConfigParser.opt;

import halo.config.source.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A vrrp_track_process block, completed into a {@link TrackProcess}. */
final class TrackProcessBuilder implements ParseContext {
    private final ConfigParser parser;
    final Map<String, KeywordHandler> keywords = new HashMap<>();
    final String name;
    final Statement at;
    String process;
    List<String> params = List.of();
    String paramMatch = "exact";
    int weight;
    boolean reverse;
    int quorum = 1;
    int quorumMax = Integer.MAX_VALUE;
    Duration forkDelay = Duration.ZERO;
    Duration terminateDelay = Duration.ZERO;
    boolean fullCommand;

    TrackProcessBuilder(ConfigParser parser, String name, Statement at) {
        this.parser = parser;
        this.name = name;
        this.at = at;
        KeywordTable.line(keywords, "process", (TrackProcessBuilder b, Statement s) -> {
            process = parser.arg(s, 1);
            params = s.words().size() > 2 ? s.words().subList(2, s.words().size()) : List.of();
        });
        KeywordTable.line(keywords, "param_match", (TrackProcessBuilder b, Statement s) -> {
            String v = parser.arg(s, 1);
            // keepalived 2.2.7 knows partial and initial; exact is the default when param_match is absent
            if (v != null && Set.of("partial", "initial").contains(v)) {
                paramMatch = v;
            } else if (v != null) {
                parser.warn(s, v, "Invalid param_match type " + v + " - ignoring");
            }
        });
        KeywordTable.line(keywords, "weight", (TrackProcessBuilder b, Statement s) -> {
            Integer w = parser.integer(s, 1, -253, 253);
            if (w != null) {
                weight = w;
            }
            reverse = "reverse".equals(opt(s, 2));
        });
        KeywordTable.line(keywords, "quorum", (TrackProcessBuilder b, Statement s) -> {
            Integer v = parser.integer(s, 1, 1, Integer.MAX_VALUE);
            if (v != null) {
                quorum = v;
            }
        });
        KeywordTable.line(keywords, "quorum_max", (TrackProcessBuilder b, Statement s) -> {
            Integer v = parser.integer(s, 1, 0, Integer.MAX_VALUE);
            if (v != null) {
                quorumMax = v;
            }
        });
        KeywordTable.line(keywords, "delay", (TrackProcessBuilder b, Statement s) -> {
            Duration d = parser.seconds(s, 1);
            if (d != null) {
                forkDelay = d;
                terminateDelay = d;
            }
        });
        KeywordTable.line(keywords, "fork_delay", (TrackProcessBuilder b, Statement s) -> {
            Duration d = parser.seconds(s, 1);
            if (d != null) {
                forkDelay = d;
            }
        });
        KeywordTable.line(keywords, "terminate_delay", (TrackProcessBuilder b, Statement s) -> {
            Duration d = parser.seconds(s, 1);
            if (d != null) {
                terminateDelay = d;
            }
        });
        KeywordTable.line(keywords, "full_command", (TrackProcessBuilder b, Statement s) -> fullCommand = true);
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return keywords;
    }

    TrackProcess build() {
        if (process == null) {
            parser.warn(at, name, "vrrp_track_process " + name + " has no process specified - removing");
            return null;
        }
        if (quorumMax < quorum) {
            parser.warn(at, name, "vrrp_track_process " + name + " quorum_max " + quorumMax + " < quorum " + quorum
                    + " - setting quorum_max to " + quorum);
            quorumMax = quorum;
        }
        return new TrackProcess(name, process, params, paramMatch, weight, reverse, quorum, quorumMax, forkDelay,
                terminateDelay, fullCommand);
    }
}
