package halo.daemon;

import halo.config.AddressFamily;
import halo.config.KeepalivedConfig;
import halo.config.RealServer;
import halo.config.VirtualServer;
import halo.config.VirtualServerAddress;
import halo.lvs.CheckerId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A reload's pairing of the new configuration's health checkers with the running ones, made once per reload and
 * matched as the virtual-server table matches what it carries over (keepalived's vs_iseq, then a real server by
 * address and port, then migrate_checkers: a checker with equal settings). So a checker keeps running exactly when the
 * table keeps its verdict.
 */
final class CheckerMatch {

    private final Map<CheckerId, CheckerId> previous = new HashMap<>();

    /**
     * Pairs NOW's checkers with OLD's. The table's names of the virtual servers (OLD_NAMES, NOW_NAMES, by index) tell
     * apart the entries of one virtual_server_group.
     */
    CheckerMatch(KeepalivedConfig old, KeepalivedConfig now, List<String> oldNames, List<String> nowNames) {
        List<VirtualServer> oldVss = old.virtualServers();
        List<VirtualServer> nowVss = now.virtualServers();
        for (int v = 0; v < nowVss.size(); v++) {
            int o = sameVirtualServer(nowVss.get(v), nowNames.get(v), oldVss, oldNames);
            if (o < 0) {
                continue;
            }
            List<RealServer> nowRss = nowVss.get(v).realServers();
            List<RealServer> oldRss = oldVss.get(o).realServers();
            for (int r = 0; r < nowRss.size(); r++) {
                int or = sameRealServer(nowRss.get(r), oldRss);
                if (or >= 0) {
                    pairCheckers(new CheckerId(v, r, 0), nowRss.get(r), new CheckerId(o, or, 0), oldRss.get(or));
                }
            }
        }
    }

    /** The running checker that ID continues, or null when it is new. */
    CheckerId previous(CheckerId id) {
        return previous.get(id);
    }

    /** vs_iseq: the same group entry, or the same family and fwmark, or the same protocol, address and port. */
    private static int sameVirtualServer(VirtualServer vs, String name, List<VirtualServer> olds, List<String> oldNames) {
        for (int o = 0; o < olds.size(); o++) {
            VirtualServer old = olds.get(o);
            boolean same = switch (vs.address()) {
                case VirtualServerAddress.Group g -> old.address() instanceof VirtualServerAddress.Group og
                        && g.name().equals(og.name()) && name.equals(oldNames.get(o));
                case VirtualServerAddress.Fwmark f -> old.address() instanceof VirtualServerAddress.Fwmark of
                        && f.mark() == of.mark() && (f.family() == AddressFamily.IPV6) == (of.family() == AddressFamily.IPV6);
                case VirtualServerAddress.Socket s -> old.address() instanceof VirtualServerAddress.Socket os
                        && s.address().equals(os.address()) && s.port() == os.port() && vs.protocol() == old.protocol();
            };
            if (same) {
                return o;
            }
        }
        return -1;
    }

    private static int sameRealServer(RealServer rs, List<RealServer> olds) {
        for (int o = 0; o < olds.size(); o++) {
            if (olds.get(o).address().equals(rs.address()) && olds.get(o).port() == rs.port()) {
                return o;
            }
        }
        return -1;
    }

    /** migrate_checkers: each new checker continues the first old one with equal settings not taken yet. */
    private void pairCheckers(CheckerId now, RealServer rs, CheckerId old, RealServer oldRs) {
        boolean[] taken = new boolean[oldRs.checkers().size()];
        for (int c = 0; c < rs.checkers().size(); c++) {
            for (int oc = 0; oc < taken.length; oc++) {
                if (!taken[oc] && oldRs.checkers().get(oc).equals(rs.checkers().get(c))) {
                    taken[oc] = true;
                    previous.put(new CheckerId(now.virtualServer(), now.realServer(), c),
                            new CheckerId(old.virtualServer(), old.realServer(), oc));
                    break;
                }
            }
        }
    }
}
