package halo.lvs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotTextTest {

    @Test
    void roundTripKeepsEverythingTheViewsShow() {
        IpvsSnapshot snapshot = IpvsadmViewTest.mixed();
        String text = SnapshotText.encode(snapshot);
        IpvsSnapshot back = SnapshotText.decode(text);
        assertThat(back).isEqualTo(snapshot);
        for (IpvsadmView.Option o : IpvsadmView.Option.values()) {
            assertThat(IpvsadmView.list(back, o)).isEqualTo(IpvsadmView.list(snapshot, o));
        }
        assertThat(IpvsadmView.save(back)).isEqualTo(IpvsadmView.save(snapshot));
    }

    @Test
    void readableLines() {
        IpvsSnapshot one = new IpvsSnapshot(List.of(IpvsadmViewTest.mixed().services().get(0)));
        assertThat(SnapshotText.encode(one)).isEqualTo("""
                halo-ipvs 1 size=4096
                service fwmark 1 ipv4 sched=rr flags=4 timeout=0 netmask=4294967295 pe=- group=- stats=0,0,0,0,0 rates=0,0,0,0,0
                dest 10.0.0.12 0 fwd=DR tun=- weight=0 thresholds=0,0 conns=0,0,0 stats=0,0,0,0,0 rates=0,0,0,0,0
                """);
    }

    @Test
    void aGroupMemberKeepsItsGroup() {
        IpvsService member = IpvsService.of(new ServiceKey.Inet(halo.config.Addresses.parse("192.0.2.60"), 80,
                Protocol.TCP), SchedulingMethod.WRR, java.util.Set.of(ServiceFlag.ONE_PACKET), new Persistence(50,
                0xffffff00));
        member = new IpvsService(member.key(), member.scheduler(), member.flags(), member.persistence(), "", "web",
                null, null, List.of());
        IpvsSnapshot back = SnapshotText.decode(SnapshotText.encode(new IpvsSnapshot(List.of(member))));
        assertThat(back.services().getFirst().group()).isEqualTo("web");
        assertThat(back.services().getFirst()).isEqualTo(member);
    }

    @Test
    void somethingElseIsRejectedWithTheLine() {
        assertThatThrownBy(() -> SnapshotText.decode("unknown command\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown command");
        assertThatThrownBy(() -> SnapshotText.decode("halo-ipvs 1 size=4096\nservice tcp 192.0.2.300 80 sched=rr\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
    }
}
