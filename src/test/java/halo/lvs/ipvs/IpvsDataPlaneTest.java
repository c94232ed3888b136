package halo.lvs.ipvs;

import halo.config.SyncDaemonConfig;
import static halo.lvs.ipvs.IpvsNetlink.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import halo.config.RawSetting;
import halo.lvs.Action;
import halo.lvs.Connections;
import halo.lvs.DataPlaneException;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.IpvsTimeouts;
import halo.lvs.PlaneCounters;
import halo.lvs.Protocol;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceKey;
import halo.lvs.Stats;
import halo.os.Errno;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IPVS data plane over a recording transport: what it sends, in which order, and what it makes of answers. */
class IpvsDataPlaneTest {
    private static final ServiceKey WEB = new ServiceKey.Inet(InetAddress.ofLiteral("192.0.2.10"), 80, Protocol.TCP);
    private static final ServiceKey DNS = new ServiceKey.Inet(InetAddress.ofLiteral("192.0.2.53"), 53, Protocol.UDP);
    private static final IpvsService WEB_WRR = IpvsService.of(WEB, SchedulingMethod.WRR, Set.of(), null);
    private static final DestinationKey RS1 = new DestinationKey(InetAddress.ofLiteral("198.51.100.1"), 80);
    private static final DestinationKey RS2 = new DestinationKey(InetAddress.ofLiteral("198.51.100.2"), 80);
    private static final DestinationKey RS3 = new DestinationKey(InetAddress.ofLiteral("198.51.100.3"), 80);

    @TempDir
    Path dir;

    private final FakeTransport kernel = new FakeTransport();
    private final IpvsRequests requests = new IpvsRequests(FakeTransport.FAMILY);

    private IpvsDataPlane plane() {
        return new IpvsDataPlane(kernel, dir.resolve("ip_vs_conn"));
    }

    /** A plane past its first batch (which reconciles with the kernel's table, empty here). */
    private IpvsDataPlane started() throws DataPlaneException {
        IpvsDataPlane plane = plane();
        plane.apply(0, List.of());
        assertThat(kernel.commands()).containsExactly("IPVS_CMD_GET_SERVICE");
        kernel.sent.clear();
        return plane;
    }

    private static IpvsDestination nat(DestinationKey key, int weight) {
        return IpvsDestination.of(key, ForwardingMethod.NAT, weight);
    }

    @Test
    void aBatchGoesOutInOrderOneRequestPerChange() throws Exception {
        IpvsDataPlane plane = started();
        plane.apply(1, List.of(new Action.AddService(WEB_WRR), new Action.AddDestination(WEB, nat(RS1, 1)),
                new Action.EditDestination(WEB, nat(RS1, 0)), new Action.RemoveDestination(WEB, RS1),
                new Action.RemoveService(WEB)));
        assertThat(kernel.sent).containsExactly(requests.newService(WEB_WRR),
                requests.newDestination(WEB_WRR, nat(RS1, 1)), requests.setDestination(WEB_WRR, nat(RS1, 0)),
                requests.deleteDestination(WEB, RS1), requests.deleteService(WEB));
        assertThat(plane.generation()).isEqualTo(1);
    }

    /** keepalived's ipvs_talk: EEXIST on adding and ENOENT on removing are what was asked; a missing edit adds. */
    @Test
    void whatIsAlreadyAsAskedIsNotAFailure() throws Exception {
        kernel.refuse(CMD_NEW_SERVICE, Errno.EEXIST.number()).refuse(CMD_SET_DEST, Errno.ENOENT.number())
                .refuse(CMD_DEL_DEST, Errno.ENOENT.number());
        IpvsDataPlane plane = started();
        plane.apply(1, List.of(new Action.AddService(WEB_WRR), new Action.EditDestination(WEB, nat(RS1, 2)),
                new Action.RemoveDestination(WEB, RS2)));
        assertThat(kernel.commands()).containsExactly("IPVS_CMD_NEW_SERVICE", "IPVS_CMD_SET_SERVICE",
                "IPVS_CMD_SET_DEST", "IPVS_CMD_NEW_DEST", "IPVS_CMD_DEL_DEST");
        assertThat(kernel.sent.get(1)).isEqualTo(requests.setService(WEB_WRR));
        assertThat(plane.generation()).isEqualTo(1);
    }

    @Test
    void aRefusalStopsTheBatchInIpvsadmsWords() throws Exception {
        kernel.refuse(CMD_NEW_DEST, Errno.ESRCH.number());
        IpvsDataPlane plane = started();
        plane.apply(1, List.of(new Action.AddService(WEB_WRR)));
        assertThatThrownBy(() -> plane.apply(2, List.of(new Action.AddDestination(WEB, nat(RS1, 1)),
                new Action.AddDestination(WEB, nat(RS2, 1)))))
                .isInstanceOf(DataPlaneException.class)
                .hasMessage("adding 198.51.100.1:80 to TCP 192.0.2.10:80: No such service (ESRCH)");
        assertThat(kernel.commands()).containsExactly("IPVS_CMD_NEW_SERVICE", "IPVS_CMD_NEW_DEST");
        assertThat(plane.generation()).isEqualTo(1);

        kernel.refuse(CMD_NEW_SERVICE, Errno.ENOENT.number());
        assertThatThrownBy(() -> plane.apply(3, List.of(new Action.AddService(
                IpvsService.of(DNS, SchedulingMethod.TWOS, Set.of(), null)))))
                .hasMessage("adding service UDP 192.0.2.53:53: Scheduler or persistence engine not found (ENOENT)");
    }

    /**
     * A resync reads the kernel's table and sends only the differences: a foreign service goes, a destination
     * that stays is edited in place (its connections kept), the missing ones are added.
     */
    @Test
    void resyncSendsOnlyTheDifferences() throws Exception {
        kernel.answer(CMD_GET_SERVICE,
                        KernelAnswers.service(WEB, "wrr", 0, 0, 0xffffffff, Stats.ZERO, Stats.ZERO),
                        KernelAnswers.service(new ServiceKey.Fwmark(9, false), "rr", 0, 0, 0xffffffff, Stats.ZERO,
                                Stats.ZERO))
                .answer(CMD_GET_DEST,
                        KernelAnswers.destination(RS1, CONN_F_MASQ, 1, Connections.NONE, Stats.ZERO, Stats.ZERO),
                        KernelAnswers.destination(RS2, CONN_F_MASQ, 1, Connections.NONE, Stats.ZERO, Stats.ZERO))
                .answer(CMD_GET_DEST);
        IpvsService dns = IpvsService.of(DNS, SchedulingMethod.RR, Set.of(), null)
                .withDestinations(List.of(nat(new DestinationKey(InetAddress.ofLiteral("198.51.100.53"), 53), 1)));
        IpvsSnapshot wanted = new IpvsSnapshot(List.of(WEB_WRR.withDestinations(List.of(nat(RS1, 3), nat(RS3, 1))),
                dns));
        IpvsDataPlane plane = plane();
        plane.resync(4, wanted);
        assertThat(kernel.commands()).containsExactly("IPVS_CMD_GET_SERVICE", "IPVS_CMD_GET_DEST",
                "IPVS_CMD_GET_DEST", "IPVS_CMD_DEL_SERVICE", "IPVS_CMD_DEL_DEST", "IPVS_CMD_SET_DEST",
                "IPVS_CMD_NEW_DEST", "IPVS_CMD_NEW_SERVICE", "IPVS_CMD_NEW_DEST");
        assertThat(kernel.sent.get(3)).isEqualTo(requests.deleteService(new ServiceKey.Fwmark(9, false)));
        assertThat(kernel.sent.get(4)).isEqualTo(requests.deleteDestination(WEB, RS2));
        assertThat(kernel.sent.get(5)).isEqualTo(requests.setDestination(WEB_WRR, nat(RS1, 3)));
        assertThat(kernel.sent.get(6)).isEqualTo(requests.newDestination(WEB_WRR, nat(RS3, 1)));
        assertThat(plane.generation()).isEqualTo(4);
    }

    /** The first batch, the table's start, makes the kernel hold the table: what a crashed run left goes. */
    @Test
    void theFirstBatchReconcilesWithWhatThePreviousRunLeft() throws Exception {
        kernel.answer(CMD_GET_SERVICE, KernelAnswers.service(WEB, "wrr", 0, 0, 0xffffffff, Stats.ZERO, Stats.ZERO))
                .answer(CMD_GET_DEST, KernelAnswers.destination(RS1, CONN_F_MASQ, 1, Connections.NONE, Stats.ZERO,
                        Stats.ZERO), KernelAnswers.destination(RS2, CONN_F_MASQ, 1, Connections.NONE, Stats.ZERO,
                        Stats.ZERO));
        IpvsDataPlane plane = plane();
        plane.apply(1, List.of(new Action.AddService(WEB_WRR), new Action.AddDestination(WEB, nat(RS1, 1))));
        assertThat(kernel.commands()).containsExactly("IPVS_CMD_GET_SERVICE", "IPVS_CMD_GET_DEST",
                "IPVS_CMD_DEL_DEST");
        assertThat(kernel.sent.get(2)).isEqualTo(requests.deleteDestination(WEB, RS2));
        assertThat(plane.generation()).isEqualTo(1);
        // then each batch is its own requests
        plane.apply(2, List.of(new Action.EditDestination(WEB, nat(RS1, 5))));
        assertThat(kernel.sent.get(3)).isEqualTo(requests.setDestination(WEB_WRR, nat(RS1, 5)));
    }

    @Test
    void aResyncThatMatchesSendsNothingButTheDumps() throws Exception {
        kernel.answer(CMD_GET_SERVICE, KernelAnswers.service(WEB, "wrr", 0, 0, 0xffffffff, Stats.ZERO, Stats.ZERO))
                .answer(CMD_GET_DEST, KernelAnswers.destination(RS1, CONN_F_MASQ, 3, Connections.NONE, Stats.ZERO,
                        Stats.ZERO));
        plane().resync(1, new IpvsSnapshot(List.of(WEB_WRR.withDestinations(List.of(nat(RS1, 3))))));
        assertThat(kernel.commands()).containsExactly("IPVS_CMD_GET_SERVICE", "IPVS_CMD_GET_DEST");
    }

    @Test
    void countersComeFromTheKernelsDumps() {
        kernel.answer(CMD_GET_SERVICE, KernelAnswers.service(WEB, "wrr", 0, 0, 0xffffffff,
                        new Stats(10, 100, 90, 6000, 120_000), new Stats(1, 10, 9, 600, 12_000)))
                .answer(CMD_GET_DEST, KernelAnswers.destination(RS1, CONN_F_MASQ, 1, new Connections(2, 5, 0),
                        new Stats(10, 100, 90, 6000, 120_000), new Stats(1, 10, 9, 600, 12_000)));
        PlaneCounters c = plane().counters();
        PlaneCounters.ServiceCounters web = c.services().get(WEB);
        assertThat(web.stats()).isEqualTo(new Stats(10, 100, 90, 6000, 120_000));
        assertThat(web.rates()).isEqualTo(new Stats(1, 10, 9, 600, 12_000));
        assertThat(web.destinations().get(RS1).connections()).isEqualTo(new Connections(2, 5, 0));
        assertThat(kernel.sent.get(1)).isEqualTo(requests.getDestinations(WEB));
    }

    @Test
    void timeoutsAreTheKernelsAndPutBackAtClose() {
        IpvsTimeouts kernelDefault = IpvsTimeouts.DEFAULT;
        kernel.answer(CMD_GET_CONFIG, KernelAnswers.timeouts(kernelDefault))
                .answer(CMD_GET_CONFIG, KernelAnswers.timeouts(new IpvsTimeouts(7200, 120, 60)));
        IpvsDataPlane plane = plane();
        plane.timeouts(new IpvsTimeouts(7200, 0, 60));
        assertThat(plane.timeouts()).isEqualTo(new IpvsTimeouts(7200, 120, 60));
        plane.zeroCounters(WEB);
        plane.close();
        assertThat(kernel.sent).containsExactly(requests.getTimeouts(),
                requests.setTimeouts(new IpvsTimeouts(7200, 0, 60)), requests.getTimeouts(), requests.zero(WEB),
                requests.setTimeouts(kernelDefault));
        assertThat(kernel.closed).isTrue();
    }

    /** keepalived's ipvs_syncd_master / _backup: the other state's daemon stopped, then this state's started. */
    @Test
    void theSyncDaemonFollowsTheVrrpInstance() throws Exception {
        SyncDaemonConfig c = SyncDaemonConfig.parse(new RawSetting("lvs_sync_daemon", List.of("eth1", "VI_1")),
                name -> 51).config().orElseThrow();
        kernel.refuse(CMD_DEL_DAEMON, Errno.ESRCH.number()); // nothing running yet: "No daemon is running"
        IpvsDataPlane plane = plane();
        plane.syncDaemon(c, true);
        plane.syncDaemon(c, false);
        plane.close();
        assertThat(kernel.sent).containsExactly(requests.stopDaemon(STATE_BACKUP, 51),
                requests.startDaemon(STATE_MASTER, c), requests.stopDaemon(STATE_MASTER, 51),
                requests.startDaemon(STATE_BACKUP, c), requests.stopDaemon(STATE_BACKUP, 51));
    }

    @Test
    void aSyncDaemonTheKernelRefusesIsAFailure() {
        SyncDaemonConfig c = SyncDaemonConfig.parse(new RawSetting("lvs_sync_daemon", List.of("eth1")), name -> 1)
                .config().orElseThrow();
        kernel.refuse(CMD_NEW_DAEMON, Errno.EINVAL.number());
        assertThatThrownBy(() -> plane().syncDaemon(c, true)).isInstanceOf(DataPlaneException.class)
                .hasMessage("lvs_sync_daemon master on eth1: Invalid operation.  Possibly wrong module version,"
                        + " address not unicast, ... (EINVAL)");
    }

    @Test
    void connectionsAreListedFromProc() throws Exception {
        Files.writeString(dir.resolve("ip_vs_conn"), """
                Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
                TCP C0000264 D431 C000020A 0050 C6336401 0050 ESTABLISHED     899
                """);
        assertThat(plane().connectionListing(true, false)).isEqualTo("""
                IPVS connection entries
                pro expire state       source             virtual            destination
                TCP 14:59  ESTABLISHED 192.0.2.100:54321  192.0.2.10:80      198.51.100.1:80
                """);
    }
}
