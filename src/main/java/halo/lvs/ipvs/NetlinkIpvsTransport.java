package halo.lvs.ipvs;

import halo.os.GenericNetlink;
import halo.os.NativeException;
import java.util.List;
import java.util.Optional;

/** IPVS requests over a generic netlink socket, to the family the controller resolved for "IPVS". */
public final class NetlinkIpvsTransport implements IpvsTransport {
    private final GenericNetlink socket;
    private final GenericNetlink.Family family;

    private NetlinkIpvsTransport(GenericNetlink socket, GenericNetlink.Family family) {
        this.socket = socket;
        this.family = family;
    }

    /** A transport to this kernel's IPVS, or empty when it has none (the family does not resolve). */
    public static Optional<NetlinkIpvsTransport> open() throws NativeException {
        GenericNetlink socket = GenericNetlink.open();
        try {
            Optional<GenericNetlink.Family> f = socket.family(IpvsNetlink.FAMILY);
            if (f.isEmpty()) {
                socket.close();
                return Optional.empty();
            }
            return Optional.of(new NetlinkIpvsTransport(socket, f.get()));
        } catch (NativeException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public int familyId() {
        return family.id();
    }

    @Override
    public List<byte[]> exchange(byte[] request, String what) throws NativeException {
        return socket.exchange(request, what);
    }

    @Override
    public void close() {
        socket.close();
    }
}
