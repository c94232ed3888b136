package halo.config;

import static halo.config.ConfigParser.opt;

import halo.config.source.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A vrrp_script block, completed into a {@link VrrpScript} (or removed, as keepalived, when it has no script). */
final class VrrpScriptBuilder implements ParseContext {
    private final ConfigParser parser;
    final Map<String, KeywordHandler> keywords = new HashMap<>();
    final String name;
    final Statement at;
    ScriptCommand script;
    Duration interval = Duration.ofSeconds(1);
    Duration timeout;
    int weight;
    boolean reverse;
    int rise = 1;
    int fall = 1;
    String user;
    String group;
    boolean initFail;

    VrrpScriptBuilder(ConfigParser parser, String name, Statement at) {
        this.parser = parser;
        this.name = name;
        this.at = at;
        KeywordTable.line(keywords, "script", (VrrpScriptBuilder b, Statement s) -> script = parser.script(s, 1));
        KeywordTable.line(keywords, "interval", (VrrpScriptBuilder b, Statement s) -> {
            if ("0".equals(opt(s, 1))) {
                parser.warn(s, "0", "(" + name + "): vrrp script interval must be greater than 0, setting to 1");
                interval = Duration.ofSeconds(1);
                return;
            }
            Duration d = parser.wholeSeconds(s, 1, 4294, "(" + name + "): vrrp script interval '%s' must be between 1 and 4294 - ignoring");
            if (d != null) {
                interval = d;
            }
        });
        KeywordTable.line(keywords, "timeout", (VrrpScriptBuilder b, Statement s) -> {
            Duration d = parser.wholeSeconds(s, 1, 4294, "(" + name + "): vrrp script timeout '%s' invalid - ignoring");
            if (d != null) {
                timeout = d;
            }
        });
        KeywordTable.line(keywords, "weight", (VrrpScriptBuilder b, Statement s) -> {
            String v = parser.arg(s, 1);
            Long w = parser.number(s, v, -253, 253);
            if (v != null && w == null) {
                parser.warn(s, v, "vrrp_script " + name + " weight " + v + " must be in [-253, 253]");
            }
            if (w != null) {
                weight = (int) (long) w;
            }
            reverse = "reverse".equals(opt(s, 2));
        });
        KeywordTable.line(keywords, "rise", (VrrpScriptBuilder b, Statement s) -> {
            Integer v = parser.integer(s, 1, 1, Integer.MAX_VALUE);
            if (v != null) {
                rise = v;
            }
        });
        KeywordTable.line(keywords, "fall", (VrrpScriptBuilder b, Statement s) -> {
            Integer v = parser.integer(s, 1, 1, Integer.MAX_VALUE);
            if (v != null) {
                fall = v;
            }
        });
        KeywordTable.line(keywords, "user", (VrrpScriptBuilder b, Statement s) -> {
            user = parser.arg(s, 1);
            group = opt(s, 2);
        });
        KeywordTable.line(keywords, "init_fail", (VrrpScriptBuilder b, Statement s) -> initFail = true);
    }

    @Override
    public Map<String, KeywordHandler> keywords() {
        return keywords;
    }

    VrrpScript build() {
        ScriptCommand cmd = script;
        if (cmd != null && user != null && cmd.user() == null) {
            cmd = new ScriptCommand(cmd.commandLine(), user, group);
        }
        if (cmd == null) {
            parser.warn(at, name, "No script set for vrrp_script " + name + " - removing");
            return null;
        }
        Duration t = timeout == null ? interval : timeout;
        return new VrrpScript(name, cmd, interval, t, weight, reverse, rise, fall, initFail);
    }
}
