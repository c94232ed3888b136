package halo.daemon;

import halo.config.Checker;
import halo.config.GlobalDefs;
import halo.config.KeepalivedConfig;
import halo.config.NotifyScripts;
import halo.config.RealServer;
import halo.config.ScriptCommand;
import halo.config.VirtualServer;
import halo.config.VrrpScript;
import java.util.ArrayList;
import java.util.List;

/**
 * keepalived's SECURITY VIOLATION warnings of a configuration check, by the process that reports them: scripts that
 * would run (found) while {@code enable_script_security} is off. keepalived 2.2.7's {@code -t} exits 6 for them
 * (CONFIG_SECURITY_ERROR, the highest config_err_t), whatever else it found.
 */
public final class ScriptSecurity {
    private ScriptSecurity() {}

    /**
     * keepalived's messages (main.c, vrrp.c, check_data.c), in its order; none with script security on.
     * {@code interfacesMissing}: keepalived -t found an interface missing ("Non-existent interface specified in
     * configuration"); its VRRP process then stops before it judges the VRRP scripts.
     */
    public static List<String> violations(KeepalivedConfig config, boolean interfacesMissing) {
        GlobalDefs g = config.global();
        List<String> out = new ArrayList<>();
        if (g.enableScriptSecurity()) return out;
        ScriptPolicy policy = new ScriptPolicy(g);
        List<ScriptCommand> startStop = new ArrayList<>();
        add(startStop, g.startStopScripts().startup());
        add(startStop, g.startStopScripts().shutdown());
        report(out, policy, startStop, "start/shutdown scripts");
        List<ScriptCommand> vrrp = new ArrayList<>();
        for (VrrpScript s : config.vrrpScripts()) add(vrrp, s.script());
        List<NotifyScripts> sets = new ArrayList<>();
        config.vrrpInstances().forEach(i -> sets.add(i.notifyScripts()));
        config.syncGroups().forEach(sg -> sets.add(sg.notifyScripts()));
        for (NotifyScripts n : sets) {
            if (n == null) continue;
            for (ScriptCommand c : new ScriptCommand[] {n.master(), n.backup(), n.fault(), n.stop(), n.anyState(),
                    n.masterRxLowerPri()}) {
                add(vrrp, c);
            }
        }
        List<ScriptCommand> check = new ArrayList<>();
        for (VirtualServer vs : config.virtualServers()) {
            add(check, vs.quorumUp());
            add(check, vs.quorumDown());
            for (RealServer rs : vs.realServers()) {
                add(check, rs.notifyUp());
                add(check, rs.notifyDown());
                for (Checker c : rs.checkers()) {
                    if (c instanceof Checker.Misc m) add(check, m.script());
                }
            }
        }
        if (g.notifyFifo() != null) {
            add(vrrp, g.notifyFifo().script());
            add(check, g.notifyFifo().script());
        }
        if (g.vrrpNotifyFifo() != null) add(vrrp, g.vrrpNotifyFifo().script());
        if (g.lvsNotifyFifo() != null) add(check, g.lvsNotifyFifo().script());
        if (!config.vrrpInstances().isEmpty() && !interfacesMissing) report(out, policy, vrrp, "scripts");
        if (!config.virtualServers().isEmpty()) report(out, policy, check, "check scripts");
        return out;
    }

    private static void add(List<ScriptCommand> list, ScriptCommand c) {
        if (c != null) list.add(c);
    }

    private static void report(List<String> out, ScriptPolicy policy, List<ScriptCommand> commands, String what) {
        boolean any = false;
        boolean insecure = false;
        for (ScriptCommand c : commands) {
            Script s = policy.script(c, null);
            ScriptPolicy.Verdict v = ScriptPolicy.check(s);
            any |= v != ScriptPolicy.Verdict.NOT_FOUND;
            insecure |= v == ScriptPolicy.Verdict.UNSAFE;
        }
        if (any) {
            out.add("SECURITY VIOLATION - " + what + " are being executed but script_security not enabled."
                    + (insecure ? " There are insecure scripts." : ""));
        }
    }
}
