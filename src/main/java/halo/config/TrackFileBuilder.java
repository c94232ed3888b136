package halo.config;

import static halo.config.ConfigParser.opt;

import halo.config.source.Statement;
import java.util.HashMap;
import java.util.Map;

/** A track_file (vrrp_track_file) block, completed into a {@link TrackFile}. */
final class TrackFileBuilder implements ParseContext {
    private final ConfigParser parser;
    final Map<String, KeywordHandler> keywords = new HashMap<>();
    final String name;
    final Statement at;
    String file;
    int weight = 1;
    boolean reverse;
    boolean init;
    long initValue;
    boolean overwrite;

    TrackFileBuilder(ConfigParser parser, String name, Statement at) {
        this.parser = parser;
        this.name = name;
        this.at = at;
        KeywordTable.line(keywords, "file", (TrackFileBuilder b, Statement s) -> file = parser.arg(s, 1));
        KeywordTable.line(keywords, "weight", (TrackFileBuilder b, Statement s) -> {
            Integer w = parser.integer(s, 1, -254, 254);
            if (w != null) {
                weight = w;
            }
            reverse = "reverse".equals(opt(s, 2));
        });
        KeywordTable.line(keywords, "init_file", (TrackFileBuilder b, Statement s) -> {
            init = true;
            for (int i = 1; i < s.words().size(); i++) {
                String w = s.words().get(i);
                if (w.equals("overwrite")) {
                    overwrite = true;
                } else {
                    Long v = parser.number(s, w, Integer.MIN_VALUE, Integer.MAX_VALUE);
                    if (v != null) {
                        initValue = v;
                    }
                }
            }
        });
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return keywords;
    }

    TrackFile build() {
        if (file == null) {
            parser.warn(at, name, "No file set for track_file " + name + " - removing");
            return null;
        }
        return new TrackFile(name, file, weight, reverse, init, initValue, overwrite);
    }
}
