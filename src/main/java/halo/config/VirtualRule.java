package halo.config;

import java.util.List;

/**
 * One line of virtual_rules / static_rules, as {@code ip rule} takes it. Selectors and action are kept as words;
 * the common ones are typed.
 *
 * @param from     source prefix, or {@code null} for all
 * @param to       destination prefix, or {@code null}
 * @param table    lookup table, or {@code null}
 * @param priority rule priority (preference), or -1 when not written
 * @param words    every word as written (after normalisation), the authoritative form
 */
public record VirtualRule(IpPrefix from, IpPrefix to, String table, long priority, boolean noTrack, List<String> words) {
    public VirtualRule {
        words = List.copyOf(words);
    }
}
