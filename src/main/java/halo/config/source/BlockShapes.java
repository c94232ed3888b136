package halo.config.source;

import java.util.Map;
import java.util.Set;

/**
 * Which keywords keepalived 2.2.7 reads a block after, by the block they stand in: keepalived decides blocks by
 * keyword, not by braces. A keyword with sub-keywords ({@link Shape#KEYWORDS}: lib/parser.c process_stream with
 * {@code need_bob}) and a keyword reading a block of values ({@link Shape#VALUES}: alloc_value_block) both read the
 * lines that follow as their block even when no {@code {} opens it; a block of values is flat (a {@code {} in it is
 * a value, the first {@code }} ends it).
 */
final class BlockShapes {
    private BlockShapes() {}

    enum Shape { LINE, KEYWORDS, VALUES }

    /** Blocks of sub-keywords, by the block they stand in ("" for the top level); keywords.txt's block paths. */
    private static final Map<String, Set<String>> KEYWORD_BLOCKS = Map.of(
            "", Set.of("global_defs", "vrrp_instance", "vrrp_sync_group", "vrrp_script", "vrrp_track_file",
                    "track_file", "vrrp_track_process", "garp_group", "track_group", "virtual_server", "bfd_instance",
                    "SSL"),
            "vrrp_instance", Set.of("authentication"),
            "virtual_server", Set.of("real_server"),
            "real_server", Set.of("HTTP_GET", "SSL_GET", "TCP_CHECK", "SMTP_CHECK", "MISC_CHECK", "DNS_CHECK",
                    "UDP_CHECK", "PING_CHECK", "FILE_CHECK", "BFD_CHECK"),
            "HTTP_GET", Set.of("url"),
            "SSL_GET", Set.of("url"),
            "SMTP_CHECK", Set.of("host"));

    /** Blocks of values (alloc_value_block and read_value_block callers in keepalived/{core,vrrp,check}). */
    private static final Map<String, Set<String>> VALUE_BLOCKS = Map.of(
            "", Set.of("static_ipaddress", "static_routes", "static_rules", "linkbeat_interfaces",
                    "interface_up_down_delays", "virtual_server_group"),
            "global_defs", Set.of("notification_email"),
            "vrrp_instance", Set.of("unicast_peer", "track_interface", "track_script", "track_file", "track_process",
                    "track_bfd", "virtual_ipaddress", "virtual_ipaddress_excluded", "virtual_routes", "virtual_rules"),
            "vrrp_sync_group", Set.of("group", "track_interface", "track_script", "track_file", "track_process",
                    "track_bfd"),
            "track_group", Set.of("group"),
            "garp_group", Set.of("interfaces"));

    static Shape shape(String block, String keyword) {
        Set<String> k = KEYWORD_BLOCKS.get(block);
        if (k != null && k.contains(keyword)) return Shape.KEYWORDS;
        Set<String> v = VALUE_BLOCKS.get(block);
        if (v != null && v.contains(keyword)) return Shape.VALUES;
        return Shape.LINE;
    }
}
