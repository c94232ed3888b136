package halo.lvs;

import static halo.lvs.TestConfigs.ip;
import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.ForwardingMethod;
import halo.lvs.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * ipvsadm 1.31's layouts, byte for byte. The golden files were written with printf-style formatting of ipvsadm.c's
 * own format strings (print_title, print_service_entry, print_largenum), not by this code.
 */
class IpvsadmViewTest {

    static String golden(String name) {
        try (InputStream in = IpvsadmViewTest.class.getResourceAsStream("golden/" + name)) {
            if (in == null) throw new IllegalStateException("missing golden file " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static final ServiceKey WEB = new ServiceKey.Inet(ip("10.0.0.100"), 80, Protocol.TCP);

    /** Services and destinations given out of order, to show the views sort as ipvsadm does. */
    static IpvsSnapshot mixed() {
        IpvsService fwm = new IpvsService(new ServiceKey.Fwmark(1, false), SchedulingMethod.RR, Set.of(ServiceFlag.ONE_PACKET), new Persistence(0, 0xffffffff), "", "", null, null,
                List.of(IpvsDestination.of(new DestinationKey(ip("10.0.0.12"), 0), ForwardingMethod.DR, 0)));
        IpvsService v6 = new IpvsService(new ServiceKey.Inet(ip("2001:db8::10"), 443, Protocol.TCP), SchedulingMethod.RR, Set.of(), new Persistence(300, 64), "", "", null, null,
                List.of(IpvsDestination.of(new DestinationKey(ip("2001:db8::21"), 443), ForwardingMethod.TUN, 2)));
        IpvsService dns = new IpvsService(new ServiceKey.Inet(ip("10.0.0.100"), 53, Protocol.UDP), SchedulingMethod.SH, Set.of(ServiceFlag.SCHED1, ServiceFlag.SCHED2), new Persistence(0, 0xffffffff), "", "", null, null, List.of());
        IpvsService web = new IpvsService(WEB, SchedulingMethod.WLC, Set.of(), new Persistence(360, 0xffffff00), "", "", null, null, List.of(
                new IpvsDestination(new DestinationKey(ip("10.0.0.11"), 80), ForwardingMethod.DR, null, 1, 100, 75,
                        new Connections(12, 40, 9), new Stats(5, 10, 20, 3000, 4000),
                        new Stats(7, 70, 65, 1_500_000_000L, 98_000)),
                IpvsDestination.of(new DestinationKey(ip("10.0.0.2"), 80), ForwardingMethod.NAT, 3)));
        web = web.withCounters(new Stats(123_456_789L, 99_999_999L, 100_000_000L, 123_456_789_012L,
                100_000_000_000_000L), new Stats(7, 70, 65, 1_500_000_000L, 98_000));
        return new IpvsSnapshot(List.of(fwm, v6, dns, web));
    }

    @Test
    void listNumericMatchesIpvsadm() {
        assertThat(IpvsadmView.list(mixed())).isEqualTo(golden("mixed-list.txt"));
    }

    @Test
    void saveMatchesIpvsadm() {
        assertThat(IpvsadmView.save(mixed())).isEqualTo(golden("mixed-save.txt"));
    }

    @Test
    void statsWithSuffixesAndExact() {
        IpvsSnapshot onlyWeb = new IpvsSnapshot(List.of(mixed().services().get(3)));
        assertThat(IpvsadmView.list(onlyWeb, IpvsadmView.Option.STATS)).isEqualTo(golden("stats.txt"));
        assertThat(IpvsadmView.list(onlyWeb, IpvsadmView.Option.STATS, IpvsadmView.Option.EXACT))
                .isEqualTo(golden("stats-exact.txt"));
    }

    @Test
    void rate() {
        IpvsSnapshot onlyWeb = new IpvsSnapshot(List.of(mixed().services().get(3)));
        assertThat(IpvsadmView.list(onlyWeb, IpvsadmView.Option.RATE)).isEqualTo(golden("rate.txt"));
    }

    @Test
    void thresholdsAndPersistentConnections() {
        IpvsSnapshot onlyWeb = new IpvsSnapshot(List.of(mixed().services().get(3)));
        assertThat(IpvsadmView.list(onlyWeb, IpvsadmView.Option.THRESHOLDS)).isEqualTo(golden("thresholds.txt"));
        assertThat(IpvsadmView.list(onlyWeb, IpvsadmView.Option.PERSISTENT_CONN))
                .isEqualTo(golden("persistent-conn.txt"));
    }

    @Test
    void tunnelInfo() {
        IpvsService svc = new IpvsService(WEB, SchedulingMethod.WLC, Set.of(), new Persistence(0, 0xffffffff), "", "", null, null, List.of(
                new IpvsDestination(new DestinationKey(ip("10.0.0.31"), 80), ForwardingMethod.TUN,
                        new halo.config.Tunnel(halo.config.Tunnel.Type.GUE, 6080, "csum"), 1, 0, 0, null, null, null),
                IpvsDestination.of(new DestinationKey(ip("10.0.0.30"), 80), ForwardingMethod.TUN, 1),
                IpvsDestination.of(new DestinationKey(ip("10.0.0.32"), 80), ForwardingMethod.DR, 1)));
        assertThat(IpvsadmView.list(new IpvsSnapshot(List.of(svc)), IpvsadmView.Option.TUN_INFO))
                .isEqualTo(golden("tun-info.txt"));
    }

    @Test
    void largeNumberBoundaries() {
        assertThat(large(99_999_999L)).isEqualTo(" 99999999");
        assertThat(large(100_000_000L)).isEqualTo("  100000K");
        assertThat(large(999_999_999L)).isEqualTo("  999999K");
        assertThat(large(1_000_000_000L)).isEqualTo("    1000M");
        assertThat(large(99_999_999_999L)).isEqualTo("   99999M");
        assertThat(large(100_000_000_000L)).isEqualTo("     100G");
        assertThat(large(99_999_999_999_999L)).isEqualTo("   99999G");
        assertThat(large(100_000_000_000_000L)).isEqualTo("     100T");
        assertThat(large(-1L)).isEqualTo("18446744T"); // u64 max: 18446744073709551615 / 10^12
    }

    private static String large(long v) {
        StringBuilder s = new StringBuilder();
        IpvsadmView.largeNumber(s, v, java.util.EnumSet.noneOf(IpvsadmView.Option.class));
        return s.toString();
    }

    @Test
    void addressesMoreThanHalfTheSpaceApartSortBackwardsAsInLibipvs() {
        // ipvs_cmp_services computes (int)(ntohl(a) - ntohl(b)): 10.0.0.1 - 192.168.1.1 wraps to a positive number
        IpvsService ten = new IpvsService(new ServiceKey.Inet(ip("10.0.0.1"), 80, Protocol.TCP), SchedulingMethod.RR, Set.of(), new Persistence(0, 0xffffffff), "", "", null, null, List.of());
        IpvsService lan = new IpvsService(new ServiceKey.Inet(ip("192.168.1.1"), 80, Protocol.TCP), SchedulingMethod.RR, Set.of(), new Persistence(0, 0xffffffff), "", "", null, null, List.of());
        String listing = IpvsadmView.list(new IpvsSnapshot(List.of(ten, lan)));
        assertThat(listing).endsWith("TCP  192.168.1.1:80 rr\nTCP  10.0.0.1:80 rr\n");
        assertThat(IpvsadmView.list(new IpvsSnapshot(List.of(ten, lan)), IpvsadmView.Option.NO_SORT))
                .endsWith("TCP  10.0.0.1:80 rr\nTCP  192.168.1.1:80 rr\n");
    }

    @Test
    void emptyTableIsHeaderAndTitleOnly() {
        assertThat(IpvsadmView.list(new IpvsSnapshot(List.of()))).isEqualTo("""
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                """);
        assertThat(IpvsadmView.save(new IpvsSnapshot(List.of()))).isEmpty();
    }

    @Test
    void schedulerFlagNamesDependOnTheScheduler() {
        assertThat(ServiceFlag.describe(SchedulingMethod.MH, Set.of(ServiceFlag.SCHED2, ServiceFlag.SCHED1)))
                .isEqualTo("mh-fallback,mh-port");
        assertThat(ServiceFlag.describe(SchedulingMethod.WRR, Set.of(ServiceFlag.SCHED3, ServiceFlag.SCHED1)))
                .isEqualTo("flag-1,flag-3");
        assertThat(ServiceFlag.describe(SchedulingMethod.SH, Set.of(ServiceFlag.SCHED3))).isEmpty();
        assertThat(ServiceFlag.fromKeepalivedNames(List.of("sh-port"))).containsExactly(ServiceFlag.SCHED2);
        assertThat(ServiceFlag.bits(ServiceFlag.fromKeepalivedNames(List.of("ops", "mh-fallback")))).isEqualTo(0x4 | 0x8);
        // the parentheses follow the bits, not the names: sh with only flag-3 lists as "sh ()"
        IpvsService odd = new IpvsService(WEB, SchedulingMethod.SH, Set.of(ServiceFlag.SCHED3), new Persistence(0, 0xffffffff), "mh", "", null, null,
                List.of());
        assertThat(IpvsadmView.list(new IpvsSnapshot(List.of(odd)))).endsWith("TCP  10.0.0.100:80 sh ()\n");
        assertThat(IpvsadmView.save(new IpvsSnapshot(List.of(odd))))
                .isEqualTo("-A -t 10.0.0.100:80 -s sh --pe mh -b \n");
    }
}
