package halo.daemon;

import halo.vrrp.SyncGroup;
import halo.vrrp.VrrpHost;
import halo.vrrp.InstanceMachine;
import java.util.Map;

/** What {@code halo status} shows: every instance's state, priorities, master and counters (JSON, or a table). */
final class StatusView {

    private StatusView() {}

    static String json(VrrpHost host, Map<String, Long> lastTransitionMillis) {
        StringBuilder j = new StringBuilder("{\"instances\":[");
        boolean first = true;
        for (VrrpHost.Slot s : host.slots()) {
            InstanceMachine m = s.machine;
            if (!first) {
                j.append(',');
            }
            first = false;
            j.append('{');
            field(j, "name", m.name()).append(',');
            field(j, "state", m.state().name()).append(',');
            field(j, "interface", s.interfaceName()).append(',');
            j.append("\"vrid\":").append(m.spec().virtualRouterId()).append(',');
            j.append("\"version\":").append(m.spec().version()).append(',');
            j.append("\"family\":\"").append(m.spec().ipv6() ? "inet6" : "inet").append("\",");
            j.append("\"base_priority\":").append(m.basePriority()).append(',');
            j.append("\"effective_priority\":").append(m.effectivePriority()).append(',');
            field(j, "master_address", m.masterAddress() == null ? null : m.masterAddress().toString()).append(',');
            j.append("\"master_priority\":").append(m.masterPriority()).append(',');
            j.append("\"advert_interval_ms\":").append(m.spec().advertInterval().toMillis()).append(',');
            j.append("\"vips_set\":").append(m.virtualAddressesSet()).append(',');
            field(j, "last_reason", m.lastReason() == null ? null : m.lastReason().text()).append(',');
            Long at = lastTransitionMillis.get(m.name());
            j.append("\"last_transition_epoch_ms\":").append(at == null ? "null" : at.toString()).append(',');
            j.append("\"counters\":{");
            j.append("\"adverts_received\":").append(m.advertisementsReceived()).append(',');
            j.append("\"adverts_sent\":").append(m.advertisementsSent()).append(',');
            j.append("\"become_master\":").append(m.becomeMaster()).append(',');
            j.append("\"release_master\":").append(m.releaseMaster()).append(',');
            j.append("\"priority_zero_received\":").append(m.priorityZeroPktsRcvd()).append(',');
            j.append("\"priority_zero_sent\":").append(m.priorityZeroPktsSent()).append(',');
            j.append("\"address_list_errors\":").append(m.addressListErrors()).append(',');
            j.append("\"advert_interval_errors\":").append(m.advertiseIntervalErrors());
            j.append("}}");
        }
        j.append("],\"sync_groups\":[");
        first = true;
        for (SyncGroup g : host.syncGroups()) {
            if (!first) {
                j.append(',');
            }
            first = false;
            j.append('{');
            field(j, "name", g.name()).append(',');
            field(j, "state", g.state().name()).append(',');
            j.append("\"members\":[");
            for (int i = 0; i < g.members().size(); i++) {
                if (i > 0) {
                    j.append(',');
                }
                quote(j, g.members().get(i).name());
            }
            j.append("]}");
        }
        VrrpHost.Counters c = host.counters();
        j.append("],\"host\":{\"adverts_sent\":").append(c.advertsSent)
                .append(",\"adverts_received\":").append(c.advertsReceived)
                .append(",\"unknown_vrid\":").append(c.unknownVrid)
                .append(",\"scripts_run\":").append(c.scriptsRun)
                .append(",\"receive_counters\":{");
        first = true;
        for (Map.Entry<halo.vrrp.wire.RxCounter, Long> e : c.rx.toMap().entrySet()) {
            if (!first) {
                j.append(',');
            }
            first = false;
            quote(j, e.getKey().mibName).append(':').append(e.getValue());
        }
        j.append("}}}");
        return j.toString();
    }

    /**
     * JSON with the load balancer's part added when the checker side runs: which data plane carries the table, the
     * last generation of changes sent to it and applied by it, and whether it holds the whole table.
     */
    static String withLvs(String json, CheckerSide.DataPlaneStatus lvs) {
        if (lvs == null) return json;
        StringBuilder j = new StringBuilder(json.substring(0, json.length() - 1));
        j.append(",\"lvs\":{");
        field(j, "dataplane", lvs.kind().configName()).append(',');
        j.append("\"generation\":").append(lvs.generation()).append(',');
        j.append("\"applied_generation\":").append(lvs.appliedGeneration()).append(',');
        j.append("\"in_sync\":").append(lvs.inSync());
        return j.append("}}").toString();
    }

    /** The status of a daemon without a VRRP side ({@code -C}): no instances, no groups. */
    static String emptyJson() {
        return "{\"instances\":[],\"sync_groups\":[]}";
    }

    static String text(VrrpHost host) {
        StringBuilder t = new StringBuilder(String.format("%-16s %-8s %-10s %4s %5s %5s %-18s%n",
                "INSTANCE", "STATE", "INTERFACE", "VRID", "PRIO", "EFF", "MASTER"));
        for (VrrpHost.Slot s : host.slots()) {
            InstanceMachine m = s.machine;
            t.append(String.format("%-16s %-8s %-10s %4d %5d %5d %-18s%n", m.name(), m.state(), s.interfaceName(),
                    m.spec().virtualRouterId(), m.basePriority(), m.effectivePriority(),
                    m.masterAddress() == null ? "-" : m.masterAddress()));
        }
        return t.toString();
    }

    private static StringBuilder field(StringBuilder j, String name, String value) {
        quote(j, name).append(':');
        return value == null ? j.append("null") : quote(j, value);
    }

    static StringBuilder quote(StringBuilder j, String s) {
        j.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> j.append("\\\"");
                case '\\' -> j.append("\\\\");
                case '\n' -> j.append("\\n");
                default -> {
                    if (c < 0x20) {
                        j.append(String.format("\\u%04x", (int) c));
                    } else {
                        j.append(c);
                    }
                }
            }
        }
        return j.append('"');
    }
}
