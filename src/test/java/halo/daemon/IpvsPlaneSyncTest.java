package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.Action;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.Protocol;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceKey;
import halo.lvs.ipvs.IpvsDataPlane;
import halo.lvs.ipvs.IpvsNetlink;
import halo.lvs.ipvs.IpvsTransport;
import halo.os.Errno;
import halo.os.NativeException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The daemon's DataPlaneSync over the IPVS plane: a request the kernel refuses fails the batch, which is logged in
 * ipvsadm's words and followed by a resync that reads the kernel's table and sends what is missing.
 */
class IpvsPlaneSyncTest {

    /** A kernel with an empty table that refuses the first NEW_DEST with EINVAL. */
    static final class RefusingKernel implements IpvsTransport {
        final List<String> commands = new ArrayList<>();
        boolean refused;

        @Override
        public int familyId() {
            return 0x1b;
        }

        @Override
        public List<byte[]> exchange(byte[] request, String what) throws NativeException {
            int command = request[16] & 0xff;
            commands.add(IpvsNetlink.commandName(command));
            if (command == IpvsNetlink.CMD_NEW_DEST && !refused) {
                refused = true;
                throw NativeException.of(what, Errno.EINVAL.number(), "");
            }
            return List.of(); // acknowledged; dumps are empty
        }

        @Override
        public void close() {}
    }

    @Test
    void aRefusedRequestIsLoggedAndTheKernelResyncedFromTheTable() {
        ServiceKey web = new ServiceKey.Inet(InetAddress.ofLiteral("192.0.2.10"), 80, Protocol.TCP);
        IpvsDestination rs = IpvsDestination.of(new DestinationKey(InetAddress.ofLiteral("198.51.100.1"), 80),
                ForwardingMethod.DR, 1);
        IpvsService service = IpvsService.of(web, SchedulingMethod.WRR, Set.of(), null);
        IpvsSnapshot table = new IpvsSnapshot(List.of(service.withDestinations(List.of(rs))));
        RefusingKernel kernel = new RefusingKernel();
        List<String> lines = new ArrayList<>();
        DataPlaneSync sync = new DataPlaneSync(new IpvsDataPlane(kernel, Path.of("/nonexistent")), () -> table,
                new DaemonLog(Clock.systemUTC(), null, lines::add, false));
        sync.apply(List.of(new Action.AddService(service), new Action.AddDestination(web, rs)));
        // the first batch reconciles with the kernel's (empty) table; the refusal fails it, the resync completes it
        assertThat(kernel.commands).containsExactly("IPVS_CMD_GET_SERVICE", "IPVS_CMD_NEW_SERVICE",
                "IPVS_CMD_NEW_DEST", "IPVS_CMD_GET_SERVICE", "IPVS_CMD_NEW_SERVICE", "IPVS_CMD_NEW_DEST");
        assertThat(sync.inSync()).isTrue();
        assertThat(sync.plane().generation()).isEqualTo(1);
        assertThat(lines).singleElement().asString().endsWith("LVS data plane ipvs: applying generation 1 failed:"
                + " adding 198.51.100.1:80 to TCP 192.0.2.10:80: Invalid operation.  Possibly wrong module version,"
                + " address not unicast, ... (EINVAL) - resyncing from the table");
    }
}
