package halo.daemon;

import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.ServiceKey;
import halo.net.AddressText;
import halo.observe.MetricsText;
import halo.observe.MetricsText.Type;
import halo.vrrp.InstanceMachine;
import halo.vrrp.SyncGroup;
import halo.vrrp.VrrpHost;
import halo.vrrp.VrrpState;
import halo.vrrp.wire.RxCounter;
import java.net.Inet6Address;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /metrics}: the figures {@code halo status --json} shows (the same {@link VrrpHost}, the same checker side),
 * in Prometheus's text format. The VRRP part is written on the protocol thread, the load balancer's from the checker
 * side's {@link CheckerSide.Observed}, as the control socket's status is.
 */
final class MetricsView {

    private MetricsView() {}

    /** Every instance's and sync group's figures and the host's receive counters (on the protocol thread). */
    static void vrrp(MetricsText m, VrrpHost host, RunningState state) {
        m.family("halo_vrrp_state", Type.GAUGE,
                "VRRP instance state: 1 for the state the instance is in, 0 for the others.");
        for (VrrpHost.Slot s : host.slots()) {
            InstanceMachine i = s.machine;
            for (VrrpState st : VrrpState.values()) {
                m.sample(i.state() == st ? 1 : 0, "instance", i.name(), "interface", s.interfaceName(),
                        "vrid", Integer.toString(i.spec().virtualRouterId()), "state", st.name());
            }
        }
        gauge(m, host, "halo_vrrp_priority", "Configured priority of the VRRP instance.", InstanceMachine::basePriority);
        gauge(m, host, "halo_vrrp_effective_priority", "Priority after trackers' weights (what adverts carry).",
                InstanceMachine::effectivePriority);
        gauge(m, host, "halo_vrrp_master_priority", "Priority in the last advert of the master (0 when none seen).",
                InstanceMachine::masterPriority);
        gauge(m, host, "halo_vrrp_virtual_addresses_set", "1 when the instance holds its virtual addresses.",
                i -> i.virtualAddressesSet() ? 1 : 0);
        m.family("halo_vrrp_last_transition_timestamp_seconds", Type.GAUGE,
                "When the instance last changed state, seconds since the epoch.");
        for (VrrpHost.Slot s : host.slots()) {
            Long at = state.lastTransitions.get(s.machine.name());
            if (at != null) m.sample(at / 1000.0, "instance", s.machine.name());
        }
        m.family("halo_vrrp_transitions_total", Type.COUNTER,
                "State changes of the instance by reason and new state, since the daemon started.");
        for (Map.Entry<RunningState.TransitionKey, Long> e : state.transitionCounts.entrySet()) {
            RunningState.TransitionKey k = e.getKey();
            m.sample(e.getValue(), "instance", k.instance(), "reason", k.reason().name().toLowerCase(Locale.ROOT),
                    "state", k.to().name());
        }
        counter(m, host, "halo_vrrp_adverts_sent_total", "Adverts sent.", InstanceMachine::advertisementsSent);
        counter(m, host, "halo_vrrp_adverts_received_total", "Adverts received and accepted.",
                InstanceMachine::advertisementsReceived);
        counter(m, host, "halo_vrrp_become_master_total", "Transitions to MASTER (vrrpv3StatisticsMasterTransitions).",
                InstanceMachine::becomeMaster);
        counter(m, host, "halo_vrrp_release_master_total", "Transitions out of MASTER.", InstanceMachine::releaseMaster);
        counter(m, host, "halo_vrrp_priority_zero_received_total",
                "Adverts with priority 0 received (vrrpv3StatisticsRcvdPriZeroPackets).",
                InstanceMachine::priorityZeroPktsRcvd);
        counter(m, host, "halo_vrrp_priority_zero_sent_total",
                "Adverts with priority 0 sent (vrrpv3StatisticsSentPriZeroPackets).",
                InstanceMachine::priorityZeroPktsSent);
        counter(m, host, "halo_vrrp_address_list_errors_total",
                "Adverts whose address list differs from the configuration (vrrpv3StatisticsAddressListErrors).",
                InstanceMachine::addressListErrors);
        counter(m, host, "halo_vrrp_advert_interval_errors_total",
                "Adverts with another advert interval (vrrpv3StatisticsAdvIntervalErrors).",
                InstanceMachine::advertiseIntervalErrors);
        m.family("halo_vrrp_sync_group_state", Type.GAUGE,
                "Sync group state: 1 for the state the group is in, 0 for the others.");
        for (SyncGroup g : host.syncGroups()) {
            for (VrrpState st : VrrpState.values()) {
                m.sample(g.state() == st ? 1 : 0, "group", g.name(), "state", st.name());
            }
        }
        VrrpHost.Counters c = host.counters();
        m.family("halo_vrrp_received_packets_total", Type.COUNTER,
                "VRRP packets received by the host, by verdict of the receive checks; mib names the RFC 6527"
                        + " (or RFC 2787) statistics object.");
        for (Map.Entry<RxCounter, Long> e : c.rx.toMap().entrySet()) {
            m.sample(e.getValue(), "verdict", e.getKey().name().toLowerCase(Locale.ROOT), "mib", e.getKey().mibName);
        }
        m.family("halo_vrrp_unknown_vrid_total", Type.COUNTER,
                "VRRP packets for a virtual router id no instance has on that interface.").sample(c.unknownVrid);
        m.family("halo_vrrp_scripts_run_total", Type.COUNTER, "Track and notify scripts started.").sample(c.scriptsRun);
    }

    /** The load balancer: data plane, services and real servers with the plane's counters, checkers. */
    static void lvs(MetricsText m, CheckerSide.Observed o) {
        m.family("halo_lvs_dataplane_info", Type.GAUGE, "The data plane carrying the virtual servers (always 1).")
                .sample(1, "dataplane", o.plane().kind().configName());
        m.family("halo_lvs_dataplane_in_sync", Type.GAUGE, "1 when the data plane holds the whole table.")
                .sample(o.plane().inSync() ? 1 : 0);
        m.family("halo_lvs_dataplane_generation", Type.GAUGE, "Last generation of changes sent to the data plane.")
                .sample(o.plane().generation());
        m.family("halo_lvs_dataplane_applied_generation", Type.GAUGE, "Last generation the data plane applied.")
                .sample(o.plane().appliedGeneration());

        m.family("halo_lvs_service_connections_total", Type.COUNTER, "Connections scheduled by the service.");
        for (IpvsService s : o.table().services()) m.sample(s.stats().connections(), serviceLabels(s.key()));
        m.family("halo_lvs_service_packets_total", Type.COUNTER, "Packets through the service, by direction.");
        for (IpvsService s : o.table().services()) {
            m.sample(s.stats().inPackets(), with(serviceLabels(s.key()), "direction", "in"));
            m.sample(s.stats().outPackets(), with(serviceLabels(s.key()), "direction", "out"));
        }
        m.family("halo_lvs_service_bytes_total", Type.COUNTER, "Bytes through the service, by direction.");
        for (IpvsService s : o.table().services()) {
            m.sample(s.stats().inBytes(), with(serviceLabels(s.key()), "direction", "in"));
            m.sample(s.stats().outBytes(), with(serviceLabels(s.key()), "direction", "out"));
        }
        m.family("halo_lvs_real_server_weight", Type.GAUGE, "Weight of the real server in the service's pool.");
        for (IpvsService s : o.table().services()) {
            for (IpvsDestination d : s.destinations()) m.sample(d.weight(), destinationLabels(s, d));
        }
        m.family("halo_lvs_real_server_active_connections", Type.GAUGE, "Active connections (ActiveConn).");
        for (IpvsService s : o.table().services()) {
            for (IpvsDestination d : s.destinations()) m.sample(d.connections().active(), destinationLabels(s, d));
        }
        m.family("halo_lvs_real_server_inactive_connections", Type.GAUGE, "Inactive connections (InActConn).");
        for (IpvsService s : o.table().services()) {
            for (IpvsDestination d : s.destinations()) m.sample(d.connections().inactive(), destinationLabels(s, d));
        }
        m.family("halo_lvs_real_server_connections_total", Type.COUNTER, "Connections scheduled to the real server.");
        for (IpvsService s : o.table().services()) {
            for (IpvsDestination d : s.destinations()) m.sample(d.stats().connections(), destinationLabels(s, d));
        }
        m.family("halo_lvs_real_server_packets_total", Type.COUNTER, "Packets to and from the real server.");
        for (IpvsService s : o.table().services()) {
            for (IpvsDestination d : s.destinations()) {
                m.sample(d.stats().inPackets(), with(destinationLabels(s, d), "direction", "in"));
                m.sample(d.stats().outPackets(), with(destinationLabels(s, d), "direction", "out"));
            }
        }
        m.family("halo_lvs_real_server_bytes_total", Type.COUNTER, "Bytes to and from the real server.");
        for (IpvsService s : o.table().services()) {
            for (IpvsDestination d : s.destinations()) {
                m.sample(d.stats().inBytes(), with(destinationLabels(s, d), "direction", "in"));
                m.sample(d.stats().outBytes(), with(destinationLabels(s, d), "direction", "out"));
            }
        }

        m.family("halo_real_server_up", Type.GAUGE,
                "1 when the real server passes its checks (keepalived's alive), by keepalived's names.");
        for (CheckerSide.RealServerState r : o.realServers()) {
            m.sample(r.alive() ? 1 : 0, "virtual_server", r.virtualServer(), "real_server", r.realServer());
        }
        m.family("halo_checker_up", Type.GAUGE, "1 when the checker's verdict is up.");
        for (CheckerSide.CheckerState c : o.checkers()) m.sample(c.up() ? 1 : 0, checkerLabels(c));
        m.family("halo_checker_enabled", Type.GAUGE, "0 while the checker is suspended (ha_suspend).");
        for (CheckerSide.CheckerState c : o.checkers()) m.sample(c.enabled() ? 1 : 0, checkerLabels(c));
        m.family("halo_checker_probes_total", Type.COUNTER, "Probes completed, by result.");
        for (CheckerSide.CheckerState c : o.checkers()) {
            m.sample(c.results().successes(), with(checkerLabels(c), "result", "success"));
            m.sample(c.results().probes() - c.results().successes(), with(checkerLabels(c), "result", "failure"));
        }
        m.family("halo_checker_probe_duration_seconds", Type.SUMMARY, "Time the probes took.");
        for (CheckerSide.CheckerState c : o.checkers()) {
            if (c.results().lastDurationNanos() < 0) continue; // FILE_CHECK does not probe
            m.sample("_sum", c.results().durationNanosSum() / 1e9, checkerLabels(c));
            m.sample("_count", c.results().probes(), checkerLabels(c));
        }
        m.family("halo_checker_last_probe_duration_seconds", Type.GAUGE, "Time the last probe took.");
        for (CheckerSide.CheckerState c : o.checkers()) {
            if (c.results().lastDurationNanos() >= 0) {
                m.sample(c.results().lastDurationNanos() / 1e9, checkerLabels(c));
            }
        }
    }

    /** {@code protocol="tcp",service="192.0.2.10:80"}, or {@code protocol="fwmark",service="3"} ("3 IPv6"). */
    static String[] serviceLabels(ServiceKey key) {
        return switch (key) {
            case ServiceKey.Fwmark f -> new String[] {"protocol", "fwmark", "service", f.mark() + (f.ipv6() ? " IPv6" : "")};
            case ServiceKey.Inet i -> new String[] {"protocol", i.protocol().name().toLowerCase(Locale.ROOT),
                    "service", addressPort(i.address(), i.port())};
        };
    }

    private static String[] destinationLabels(IpvsService s, IpvsDestination d) {
        return with(serviceLabels(s.key()), "real_server", addressPort(d.key().address(), d.key().port()));
    }

    private static String[] checkerLabels(CheckerSide.CheckerState c) {
        return new String[] {"virtual_server", c.virtualServer(), "real_server", c.realServer(), "type", c.type(),
                "index", Integer.toString(c.index())};
    }

    private static String addressPort(java.net.InetAddress address, int port) {
        String a = AddressText.format(address);
        return (address instanceof Inet6Address ? "[" + a + "]" : a) + ":" + port;
    }

    private static String[] with(String[] labels, String name, String value) {
        String[] more = java.util.Arrays.copyOf(labels, labels.length + 2);
        more[labels.length] = name;
        more[labels.length + 1] = value;
        return more;
    }

    private static void gauge(MetricsText m, VrrpHost host, String name, String help,
                              java.util.function.ToLongFunction<InstanceMachine> value) {
        m.family(name, Type.GAUGE, help);
        for (VrrpHost.Slot s : host.slots()) m.sample(value.applyAsLong(s.machine), "instance", s.machine.name());
    }

    private static void counter(MetricsText m, VrrpHost host, String name, String help,
                                java.util.function.ToLongFunction<InstanceMachine> value) {
        m.family(name, Type.COUNTER, help);
        for (VrrpHost.Slot s : host.slots()) m.sample(value.applyAsLong(s.machine), "instance", s.machine.name());
    }
}
