package halo.config;

import halo.config.source.Statement;
import java.util.HashMap;
import java.util.Map;

/** The SSL block (the checkers' TLS client settings). */
final class SslSettingsBuilder implements ParseContext {
    private final ConfigParser parser;
    final Map<String, KeywordHandler> keywords = new HashMap<>();
    String password;
    String ca;
    String certificate;
    String key;

    SslSettingsBuilder(ConfigParser parser) {
        this.parser = parser;
        KeywordTable.line(keywords, "password", (SslSettingsBuilder b, Statement s) -> password = parser.arg(s, 1));
        KeywordTable.line(keywords, "ca", (SslSettingsBuilder b, Statement s) -> ca = parser.arg(s, 1));
        KeywordTable.line(keywords, "certificate", (SslSettingsBuilder b, Statement s) -> certificate = parser.arg(s, 1));
        KeywordTable.line(keywords, "key", (SslSettingsBuilder b, Statement s) -> key = parser.arg(s, 1));
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return keywords;
    }

    SslSettings build() {
        return new SslSettings(password, ca, certificate, key);
    }
}
