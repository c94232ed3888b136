package halo.config;

import halo.config.source.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A vrrp_sync_group block: its member lines, trackers and notify scripts, completed by {@link VrrpParser#completeGroups}. */
final class SyncGroupBuilder implements ParseContext {
    private final ConfigParser parser;
    final Map<String, KeywordHandler> keywords = new HashMap<>();
    final String name;
    final Statement at;
    final List<Statement> groupLines = new ArrayList<>();
    boolean groupSeen;
    final TrackerReferences trackers = new TrackerReferences();
    final NotifyScriptsBuilder notify = new NotifyScriptsBuilder();
    boolean smtpAlert;
    boolean trackingWeight;

    SyncGroupBuilder(ConfigParser parser, String name, Statement at) {
        this.parser = parser;
        this.name = name;
        this.at = at;
        KeywordTable.valueBlock(keywords, "group", (SyncGroupBuilder b, Statement s) -> {
            if (groupSeen) {
                parser.warn(s, "group", "Group list already specified for sync group " + name);
                return;
            }
            groupSeen = true;
            groupLines.addAll(s.block());
        });
        parser.topLevel.vrrp.trackerKeywords(keywords, sb -> ((SyncGroupBuilder) sb).trackers);
        parser.topLevel.vrrp.notifyKeywords(keywords, sb -> ((SyncGroupBuilder) sb).notify, "vrrp group " + name);
        KeywordTable.line(keywords, "smtp_alert", (SyncGroupBuilder b, Statement s) -> smtpAlert = parser.bool(s, 1));
        // keepalived 2.2.7's sync groups have neither (an instance's notify keywords otherwise)
        keywords.remove("notify_deleted");
        keywords.remove("notify_master_rx_lower_pri");
        KeywordTable.unused(keywords, "smtp_alert", "track_bfd", "notify_priority_changes");
        KeywordTable.line(keywords, "global_tracking", (SyncGroupBuilder b, Statement s) -> {
            parser.warn(s, "global_tracking", "(" + name + ") global_tracking is deprecated. Use track_interface/script/file on the sync group");
            trackingWeight = true;
        });
        KeywordTable.line(keywords, "sync_group_tracking_weight", (SyncGroupBuilder b, Statement s) -> trackingWeight = true);
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return keywords;
    }
}
