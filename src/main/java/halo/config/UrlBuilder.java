package halo.config;

import halo.config.source.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A url block of an HTTP_GET or SSL_GET checker, added to the checker when the block ends. */
final class UrlBuilder implements ParseContext {
    private final CheckParser check;
    final CheckerBuilder checker;
    final Statement at;
    String path;
    String digest;
    final List<Checker.StatusRange> codes = new ArrayList<>();
    String virtualhost;
    String regex;
    boolean regexNoMatch;
    final List<RawSetting> raw = new ArrayList<>();

    UrlBuilder(CheckParser check, CheckerBuilder checker, Statement at) {
        this.check = check;
        this.checker = checker;
        this.at = at;
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return check.urlKeywords();
    }

    @Override
    public void end() {
        if (path == null) {
            check.parser.warn(at, "url", "url block has no path - ignoring");
            return;
        }
        List<Checker.StatusRange> sc = codes;
        if (sc.isEmpty() && digest == null && regex == null) {
            sc = List.of(new Checker.StatusRange(200, 299));
        }
        checker.urls.add(new Checker.Url(path, digest, sc, virtualhost, regex, regexNoMatch, raw));
    }

    /** The keywords of a url block: made once per load and shared ({@link CheckParser#urlKeywords}). */
    static Map<String, KeywordHandler> keywordTable(CheckParser check) {
        ConfigParser parser = check.parser;
        Map<String, KeywordHandler> table = new HashMap<>();

        KeywordTable.<UrlBuilder>line(table, "path", (b, s) -> b.path = parser.arg(s, 1));
        KeywordTable.<UrlBuilder>line(table, "digest", (b, s) -> {
            String v = parser.arg(s, 1);
            if (v == null) {
                return;
            }
            if (b.digest != null) {
                parser.warn(s, v, "Digest '" + v + "' is a duplicate"); // keepalived 2.2.7 keeps the first
                return;
            }
            if (v.length() != 32 || !v.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                parser.warn(s, v, "digest '" + v + "' is not 32 hex characters (an MD5, as genhash prints) - ignoring");
                return;
            }
            b.digest = v.toLowerCase();
        });
        KeywordTable.<UrlBuilder>line(table, "status_code", (b, s) -> {
            for (int i = 1; i < s.words().size(); i++) {
                String v = s.words().get(i);
                int dash = v.indexOf('-');
                Long from = parser.number(s, dash < 0 ? v : v.substring(0, dash), 100, 999);
                Long to = dash < 0 ? from : parser.number(s, v.substring(dash + 1), 100, 999);
                if (from == null || to == null || to < from) {
                    parser.warn(s, v, "Invalid HTTP status code (range) '" + v + "' - expected 100-999 or FROM-TO");
                    continue;
                }
                b.codes.add(new Checker.StatusRange((int) (long) from, (int) (long) to));
            }
        });
        KeywordTable.<UrlBuilder>line(table, "virtualhost", (b, s) -> b.virtualhost = parser.arg(s, 1));
        KeywordTable.<UrlBuilder>line(table, "regex", (b, s) -> {
            String v = parser.arg(s, 1);
            if (v == null) {
                return;
            }
            try {
                java.util.regex.Pattern.compile(v);
                b.regex = v;
            } catch (java.util.regex.PatternSyntaxException e) {
                parser.warn(s, v, "Invalid regex '" + v + "': " + e.getDescription());
            }
        });
        KeywordTable.<UrlBuilder>line(table, "regex_no_match", (b, s) -> b.regexNoMatch = true);
        for (String k : List.of("regex_options", "regex_stack", "regex_min_offset", "regex_max_offset")) {
            KeywordTable.<UrlBuilder>line(table, k, (b, s) -> b.raw.add(new RawSetting(s.keyword(), s.args())));
        }
        return table;
    }
}
