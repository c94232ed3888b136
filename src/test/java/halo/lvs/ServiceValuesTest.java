package halo.lvs;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.Addresses;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceValuesTest {

    @Test
    void persistenceMasksAClientAsTheKernelDoes() {
        byte[] out = new byte[4];
        new Persistence(300, 0xffffff00).mask(new byte[] {(byte) 192, 0, 2, 77}, out);
        assertThat(out).containsExactly((byte) 192, 0, 2, 0);
        new Persistence(300, Persistence.HOST_MASK_V4).mask(new byte[] {(byte) 192, 0, 2, 77}, out);
        assertThat(out).containsExactly((byte) 192, 0, 2, 77);
        byte[] v6 = Addresses.parse("2001:db8:1234:5678:9abc::1").getAddress();
        byte[] out6 = new byte[16];
        new Persistence(300, 52).mask(v6, out6);
        assertThat(halo.net.AddressText.format(out6)).isEqualTo("2001:db8:1234:5000::");
        assertThat(Persistence.none(false).persistent()).isFalse();
    }

    @Test
    void setChangesOnlyTheTimeoutsGiven() {
        assertThat(IpvsTimeouts.DEFAULT.with(new IpvsTimeouts(0, 60, 0))).isEqualTo(new IpvsTimeouts(900, 60, 300));
    }

    @Test
    void schedulingMethodsAreTheKernelsNames() {
        assertThat(SchedulingMethod.byKernelName("twos")).contains(SchedulingMethod.TWOS);
        assertThat(SchedulingMethod.byKernelName("WRR")).isEmpty();
        assertThat(SchedulingMethod.SH.flagName(ServiceFlag.SCHED2)).isEqualTo("sh-port");
        assertThat(SchedulingMethod.WRR.flagName(ServiceFlag.SCHED2)).isEqualTo("flag-2");
        assertThat(ServiceFlag.fromBits(0x1 | 0x4 | 0x20)).containsExactlyInAnyOrder(ServiceFlag.ONE_PACKET,
                ServiceFlag.SCHED3);
    }

    @Test
    void planeCountersReplaceTheTablesZerosWhereThePlaneKnowsTheService() {
        ServiceKey web = new ServiceKey.Inet(Addresses.parse("192.0.2.10"), 80, Protocol.TCP);
        ServiceKey dns = new ServiceKey.Inet(Addresses.parse("192.0.2.10"), 53, Protocol.UDP);
        DestinationKey a = new DestinationKey(Addresses.parse("198.51.100.1"), 80);
        DestinationKey b = new DestinationKey(Addresses.parse("198.51.100.2"), 80);
        IpvsSnapshot table = new IpvsSnapshot(List.of(
                IpvsService.of(web, SchedulingMethod.RR, Set.of(), null).withDestinations(List.of(
                        IpvsDestination.of(a, ForwardingMethod.NAT, 1), IpvsDestination.of(b, ForwardingMethod.NAT, 1))),
                IpvsService.of(dns, SchedulingMethod.RR, Set.of(), null)));
        Stats total = new Stats(3, 30, 20, 3000, 2000);
        PlaneCounters counters = new PlaneCounters(Map.of(web, new PlaneCounters.ServiceCounters(total, Stats.ZERO,
                Map.of(a, new PlaneCounters.DestinationCounters(new Connections(2, 1, 0), total, Stats.ZERO)))));
        IpvsSnapshot merged = counters.mergeInto(table);
        assertThat(merged.services().get(0).stats()).isEqualTo(total);
        assertThat(merged.services().get(0).destinations().get(0).connections()).isEqualTo(new Connections(2, 1, 0));
        assertThat(merged.services().get(0).destinations().get(1).connections()).isEqualTo(Connections.NONE);
        assertThat(merged.services().get(1)).isEqualTo(table.services().get(1));
        assertThat(IpvsadmView.list(merged)).contains("  -> 198.51.100.1:80              Masq    1      2          1");
    }
}
