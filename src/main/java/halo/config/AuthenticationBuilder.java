package halo.config;

import halo.config.source.Statement;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** A vrrp_instance's authentication block: sets the instance's auth_type and auth_pass. */
final class AuthenticationBuilder implements ParseContext {
    final Map<String, KeywordHandler> keywords = new HashMap<>();

    AuthenticationBuilder(ConfigParser parser, VrrpInstanceBuilder inst, Statement at) {
        inst.authAt = at;
        KeywordTable.<AuthenticationBuilder>line(keywords, "auth_type", (b, s) -> {
            String v = parser.arg(s, 1);
            if ("PASS".equals(v)) {
                inst.authType = Authentication.Type.PASS;
            } else if ("AH".equals(v)) {
                inst.authType = Authentication.Type.AH;
            } else if (v != null) {
                parser.warn(s, v, "(" + inst.name + ") unknown authentication type '" + v + "' - expected PASS or AH");
            }
        });
        KeywordTable.<AuthenticationBuilder>line(keywords, "auth_pass", (b, s) -> {
            String v = parser.arg(s, 1);
            if (v == null) {
                return;
            }
            // RFC 2338 5.3.8: the password field is 8 octets
            if (v.getBytes(StandardCharsets.UTF_8).length > 8) {
                parser.warn(s, v, "Truncating auth_pass to 8 characters");
                byte[] bytes = Arrays.copyOf(v.getBytes(StandardCharsets.UTF_8), 8);
                v = new String(bytes, StandardCharsets.UTF_8);
            }
            inst.authPass = v;
        });
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return keywords;
    }
}
