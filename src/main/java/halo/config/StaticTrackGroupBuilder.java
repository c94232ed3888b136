package halo.config;

import halo.config.source.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A track_group block: its group of instance names, added to the model when the block ends. */
final class StaticTrackGroupBuilder implements ParseContext {
    private final ConfigParser parser;
    final Map<String, KeywordHandler> keywords = new HashMap<>();
    final String name;
    final List<String> instances = new ArrayList<>();

    StaticTrackGroupBuilder(ConfigParser parser, String name) {
        this.parser = parser;
        this.name = name;
        KeywordTable.valueBlock(keywords, "group", (StaticTrackGroupBuilder b, Statement s) -> {
            for (Statement line : s.block()) {
                instances.addAll(line.words());
            }
        });
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return keywords;
    }

    @Override
    public void end() {
        parser.topLevel.staticTrackGroups.add(new StaticTrackGroup(name, instances));
    }
}
