package halo.daemon;

import halo.config.KeepalivedConfig;
import halo.config.VirtualAddress;
import halo.config.VrrpInstance;
import halo.net.AddressText;
import halo.vrrp.InstanceMachine;
import halo.vrrp.VrrpHost;
import halo.vrrp.VrrpState;
import halo.vrrp.wire.RxCounter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

/**
 * keepalived's dump files, in keepalived 2.2's layout (fixtures in src/test/resources/halo/daemon/dumps): SIGUSR1's
 * {@code keepalived.data} (the VRRP topology part; keepalived also dumps every global setting, the socket pool and
 * the interfaces), SIGUSR2's {@code keepalived.stats} and SIGRTMIN+2's {@code keepalived.json}, written in keepalived's
 * directory: {@code $TMPDIR}, else /tmp. Rendered on the protocol thread from the model {@code halo status} uses.
 */
final class KeepalivedDumps {

    static final String DATA = "keepalived.data";
    static final String STATS = "keepalived.stats";
    static final String JSON = "keepalived.json";

    private KeepalivedDumps() {}

    /** keepalived's directory for its files: TMPDIR when set, else /tmp. */
    static Path directory() {
        String tmp = System.getenv("TMPDIR");
        return Path.of(tmp == null || tmp.isEmpty() ? "/tmp" : tmp);
    }

    /** Writes TEXT to NAME in keepalived's directory, mode 0600 as keepalived's umask leaves it, replacing it. */
    static Path write(String name, String text) throws IOException {
        Path file = directory().resolve(name);
        Files.deleteIfExists(file);
        Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))), text, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
        return file;
    }

    /** keepalived.stats: vrrp_print_stats. */
    static String stats(VrrpHost host) {
        StringBuilder s = new StringBuilder();
        Map<RxCounter, Long> rx = host.counters().rx.toMap();
        for (VrrpHost.Slot slot : host.slots()) {
            InstanceMachine m = slot.machine;
            s.append("VRRP Instance: ").append(m.name()).append('\n');
            s.append("  Advertisements:\n");
            s.append("    Received: ").append(m.advertisementsReceived()).append('\n');
            s.append("    Sent: ").append(m.advertisementsSent()).append('\n');
            s.append("  Became master: ").append(m.becomeMaster()).append('\n');
            s.append("  Released master: ").append(m.releaseMaster()).append('\n');
            s.append("  Packet Errors:\n");
            s.append("    Length: ").append(host(rx, RxCounter.PACKET_LENGTH_ERRORS)).append('\n');
            s.append("    TTL: ").append(host(rx, RxCounter.IP_TTL_ERRORS)).append('\n');
            s.append("    Invalid Type: ").append(host(rx, RxCounter.RCVD_INVALID_TYPE)).append('\n');
            s.append("    Advertisement Interval: ").append(m.advertiseIntervalErrors()).append('\n');
            s.append("    Address List: ").append(m.addressListErrors()).append('\n');
            s.append("  Authentication Errors:\n");
            s.append("    Invalid Type: ").append(host(rx, RxCounter.INVALID_AUTH_TYPE)).append('\n');
            s.append("    Type Mismatch: ").append(host(rx, RxCounter.AUTH_TYPE_MISMATCH)).append('\n');
            s.append("    Failure: ").append(host(rx, RxCounter.AUTH_FAILURES)).append('\n');
            s.append("  Priority Zero:\n");
            s.append("    Received: ").append(m.priorityZeroPktsRcvd()).append('\n');
            s.append("    Sent: ").append(m.priorityZeroPktsSent()).append('\n');
        }
        return s.toString();
    }

    /** keepalived.json: vrrp_print_json, one object per instance with its "data" and its "stats". */
    static String json(VrrpHost host, KeepalivedConfig config, Map<String, Long> lastTransitions) {
        Map<RxCounter, Long> rx = host.counters().rx.toMap();
        StringBuilder j = new StringBuilder("[");
        boolean first = true;
        for (VrrpHost.Slot slot : host.slots()) {
            InstanceMachine m = slot.machine;
            if (!first) j.append(',');
            first = false;
            j.append("{\"data\":{");
            str(j, "iname", m.name()).append(',');
            num(j, "dont_track_primary", m.spec().dontTrackPrimary() ? 1 : 0).append(',');
            num(j, "skip_check_adv_addr", m.spec().skipCheckAdvAddr() ? 1 : 0).append(',');
            num(j, "strict_mode", config.global().strict() ? 1 : 0).append(',');
            str(j, "vmac_ifname", "").append(',');
            str(j, "ifp_ifname", slot.interfaceName()).append(',');
            num(j, "master_priority", m.masterPriority()).append(',');
            j.append("\"last_transition\":").append(seconds(lastTransitions.get(m.name()))).append(',');
            num(j, "garp_delay", m.spec().garpMasterDelay().toSeconds()).append(',');
            num(j, "garp_refresh", m.spec().garpMasterRefresh().toSeconds()).append(',');
            num(j, "garp_rep", m.spec().garpMasterRepeat()).append(',');
            num(j, "garp_refresh_rep", m.spec().garpMasterRefreshRepeat()).append(',');
            num(j, "garp_lower_prio_delay", m.spec().garpLowerPrioDelay().toSeconds()).append(',');
            num(j, "garp_lower_prio_rep", m.spec().garpLowerPrioRepeat()).append(',');
            num(j, "lower_prio_no_advert", m.spec().lowerPrioNoAdvert() ? 1 : 0).append(',');
            num(j, "higher_prio_send_advert", m.spec().higherPrioSendAdvert() ? 1 : 0).append(',');
            num(j, "vrid", m.spec().virtualRouterId()).append(',');
            num(j, "base_priority", m.basePriority()).append(',');
            num(j, "effective_priority", m.effectivePriority()).append(',');
            j.append("\"vipset\":").append(m.virtualAddressesSet()).append(',');
            j.append("\"promote_secondaries\":false,");
            num(j, "adver_int", m.spec().advertInterval().toSeconds()).append(',');
            num(j, "master_adver_int", m.masterAdvertIntervalMicros() > 0 ? m.masterAdvertIntervalMicros() / 1_000_000
                    : m.spec().advertInterval().toSeconds()).append(',');
            num(j, "accept", m.acceptMode() ? 1 : 0).append(',');
            j.append("\"nopreempt\":").append(m.spec().nopreempt()).append(',');
            num(j, "preempt_delay", m.spec().preemptDelay().toSeconds()).append(',');
            num(j, "state", stateNumber(m.state())).append(',');
            num(j, "wantstate", stateNumber(m.state())).append(',');
            num(j, "version", m.spec().version()).append(',');
            j.append("\"smtp_alert\":false,\"notify_deleted\":false,\"vips\":[");
            boolean firstVip = true;
            for (String vip : vips(config, m, slot.interfaceName())) {
                if (!firstVip) j.append(',');
                firstVip = false;
                // json-c, which keepalived writes with, escapes the slash
                j.append(StatusView.quote(new StringBuilder(), vip).toString().replace("/", "\\/"));
            }
            j.append("],");
            num(j, "auth_type", authType(config, m.name()));
            j.append("},\"stats\":{");
            num(j, "advert_rcvd", m.advertisementsReceived()).append(',');
            num(j, "advert_sent", m.advertisementsSent()).append(',');
            num(j, "become_master", m.becomeMaster()).append(',');
            num(j, "release_master", m.releaseMaster()).append(',');
            num(j, "packet_len_err", host(rx, RxCounter.PACKET_LENGTH_ERRORS)).append(',');
            num(j, "advert_interval_err", m.advertiseIntervalErrors()).append(',');
            num(j, "ip_ttl_err", host(rx, RxCounter.IP_TTL_ERRORS)).append(',');
            num(j, "invalid_type_rcvd", host(rx, RxCounter.RCVD_INVALID_TYPE)).append(',');
            num(j, "addr_list_err", m.addressListErrors()).append(',');
            num(j, "invalid_authtype", host(rx, RxCounter.INVALID_AUTH_TYPE)).append(',');
            num(j, "authtype_mismatch", host(rx, RxCounter.AUTH_TYPE_MISMATCH)).append(',');
            num(j, "auth_failure", host(rx, RxCounter.AUTH_FAILURES)).append(',');
            num(j, "pri_zero_rcvd", m.priorityZeroPktsRcvd()).append(',');
            num(j, "pri_zero_sent", m.priorityZeroPktsSent());
            j.append("}}");
        }
        return j.append(']').toString();
    }

    /** keepalived.data: the global definitions Halo keeps and the VRRP topology, in dump_vrrp's wording. */
    static String data(VrrpHost host, KeepalivedConfig config, Map<String, Long> lastTransitions) {
        StringBuilder d = new StringBuilder();
        d.append("------< Global definitions >------\n");
        d.append(" Router ID = ").append(config.global().routerId() == null ? DumpHostName.NAME
                : config.global().routerId()).append('\n');
        d.append(" Dynamic interfaces = ").append(config.global().dynamicInterfaces()).append('\n');
        d.append(" VRRP IPv4 mcast group = ").append(AddressText.format(config.global().multicastGroup4())).append('\n');
        d.append(" VRRP IPv6 mcast group = ").append(AddressText.format(config.global().multicastGroup6())).append('\n');
        d.append(" VRRP default protocol version = ").append(config.global().vrrpVersion()).append('\n');
        d.append(" VRRP skip check advert addresses = ").append(config.global().skipCheckAdvAddr()).append('\n');
        d.append(" VRRP strict mode = ").append(config.global().strict()).append('\n');
        d.append("------< VRRP Topology >------\n");
        for (VrrpHost.Slot slot : host.slots()) {
            InstanceMachine m = slot.machine;
            d.append(" VRRP Instance = ").append(m.name()).append('\n');
            d.append("   VRRP Version = ").append(m.spec().version()).append('\n');
            d.append("   State = ").append(m.state()).append('\n');
            d.append("   Wantstate = ").append(m.state()).append('\n');
            Long at = lastTransitions.get(m.name());
            if (at != null) {
                d.append("   Last transition = ").append(seconds(at)).append(" (").append(ctime(at)).append(")\n");
            }
            d.append("   Master down timer = ").append(m.masterDownIntervalMicros()).append(" usecs\n");
            d.append("   Interface = ").append(slot.interfaceName()).append('\n');
            if (m.sourceAddress() != null) d.append("   Using src_ip = ").append(m.sourceAddress()).append('\n');
            if (!slot.unicast()) {
                d.append("   Multicast address ").append(AddressText.format(slot.multicastGroup())).append('\n');
            }
            d.append("   Gratuitous ARP delay = ").append(m.spec().garpMasterDelay().toSeconds()).append('\n');
            d.append("   Gratuitous ARP repeat = ").append(m.spec().garpMasterRepeat()).append('\n');
            d.append("   Gratuitous ARP refresh = ").append(m.spec().garpMasterRefresh().toSeconds()).append('\n');
            d.append("   Gratuitous ARP refresh repeat = ").append(m.spec().garpMasterRefreshRepeat()).append('\n');
            d.append("   Gratuitous ARP lower priority delay = ").append(m.spec().garpLowerPrioDelay().toSeconds())
                    .append('\n');
            d.append("   Gratuitous ARP lower priority repeat = ").append(m.spec().garpLowerPrioRepeat()).append('\n');
            d.append("   Down timer adverts = ").append(m.spec().downTimerAdverts()).append('\n');
            d.append("   Send advert after receive lower priority advert = ").append(!m.spec().lowerPrioNoAdvert())
                    .append('\n');
            d.append("   Send advert after receive higher priority advert = ").append(m.spec().higherPrioSendAdvert())
                    .append('\n');
            d.append("   Virtual Router ID = ").append(m.spec().virtualRouterId()).append('\n');
            d.append("   Priority = ").append(m.basePriority()).append('\n');
            d.append("   Effective priority = ").append(m.effectivePriority()).append('\n');
            d.append("   Total priority = ").append(m.effectivePriority()).append('\n');
            long advert = m.spec().advertInterval().toMillis();
            d.append("   Advert interval = ").append(advert % 1000 == 0 ? advert / 1000 + " sec" : advert + " milli-sec")
                    .append('\n');
            d.append("   Accept = ").append(m.acceptMode() ? "enabled" : "disabled").append('\n');
            d.append("   Preempt = ").append(m.spec().nopreempt() ? "disabled" : "enabled").append('\n');
            if (!m.spec().preemptDelay().isZero()) {
                d.append("   Preempt delay = ").append(m.spec().preemptDelay().toMillis() / 1000.0).append(" secs\n");
            }
            d.append("   Authentication type = ").append(switch (authType(config, m.name())) {
                case 1 -> "SIMPLE_PASSWORD";
                case 2 -> "IPSEC_AH";
                default -> "none";
            }).append('\n');
            var vips = vips(config, m, slot.interfaceName());
            d.append("   Virtual IP (").append(vips.size()).append("):\n");
            for (String vip : vips) d.append("     ").append(vip).append('\n');
        }
        return d.toString();
    }

    /** keepalived's VRRP_STATE_* numbers (vrrp.h): INIT 0, BACKUP 1, MASTER 2, FAULT 3, STOP 98. */
    static int stateNumber(VrrpState state) {
        return switch (state) {
            case INIT -> 0;
            case BACKUP -> 1;
            case MASTER -> 2;
            case FAULT -> 3;
            case STOP -> 98;
        };
    }

    /** keepalived's VIP text: {@code 192.0.2.100/24 dev d0 scope global set} ("set" while the instance holds it). */
    private static java.util.List<String> vips(KeepalivedConfig config, InstanceMachine m, String interfaceName) {
        java.util.List<String> out = new java.util.ArrayList<>();
        VrrpInstance instance = instance(config, m.name());
        if (instance == null) return out;
        for (VirtualAddress v : instance.virtualAddresses()) {
            out.add(AddressText.format(v.address().address()) + "/" + v.address().prefixLength() + " dev "
                    + (v.device() != null ? v.device() : interfaceName) + " scope "
                    + (v.scope() != null ? v.scope() : "global") + (m.virtualAddressesSet() ? " set" : ""));
        }
        return out;
    }

    private static int authType(KeepalivedConfig config, String name) {
        VrrpInstance instance = instance(config, name);
        if (instance == null || instance.authentication() == null) return 0;
        return switch (instance.authentication().type()) {
            case PASS -> 1;
            case AH -> 2;
        };
    }

    private static VrrpInstance instance(KeepalivedConfig config, String name) {
        for (VrrpInstance i : config.vrrpInstances()) {
            if (i.name().equals(name)) return i;
        }
        return null;
    }

    private static long host(Map<RxCounter, Long> rx, RxCounter counter) {
        Long v = rx.get(counter);
        return v == null ? 0 : v;
    }

    /** Epoch milliseconds as keepalived's {@code %ld.%6.6ld} seconds. */
    private static String seconds(Long epochMillis) {
        if (epochMillis == null) return "0.000000";
        return epochMillis / 1000 + "." + String.format("%03d000", epochMillis % 1000);
    }

    /** keepalived's ctime_us: {@code Mon Dec  7 23:12:15.731310 2026}. */
    private static String ctime(long epochMillis) {
        ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(ZoneId.systemDefault());
        String stamp = DaemonLog.stamp(t); // "Mon Dec  7 23:12:15 2026"
        int year = stamp.lastIndexOf(' ');
        return stamp.substring(0, year) + "." + String.format("%03d000", epochMillis % 1000) + stamp.substring(year);
    }

    private static StringBuilder str(StringBuilder j, String name, String value) {
        j.append('"').append(name).append("\":");
        return StatusView.quote(j, value);
    }

    private static StringBuilder num(StringBuilder j, String name, long value) {
        return j.append('"').append(name).append("\":").append(value);
    }

    /** keepalived's default router_id: the host name, up to its first dot. */
    private static final class DumpHostName {
        static final String NAME = read();

        private static String read() {
            try {
                String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
                int dot = name.indexOf('.');
                return dot > 0 ? name.substring(0, dot) : name;
            } catch (IOException e) {
                return "localhost";
            }
        }
    }
}
