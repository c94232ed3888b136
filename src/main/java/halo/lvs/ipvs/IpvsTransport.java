package halo.lvs.ipvs;

import halo.os.NativeException;
import java.util.List;

/**
 * Where IPVS requests go: the kernel's generic netlink family (NetlinkIpvsTransport) or, in tests, a fake that
 * records them. One thread calls it.
 */
public interface IpvsTransport extends AutoCloseable {

    /** The IPVS family's id, the nlmsg_type of its messages. */
    int familyId();

    /**
     * Sends REQUEST (built by {@link IpvsRequests}) and returns the kernel's answers, each a whole message, up to its
     * acknowledgement or the end of the dump.
     *
     * @throws NativeException the kernel's refusal, typed by errno (AlreadyExistsException for EEXIST,
     *                         NotFoundException for ENOENT and ESRCH, PermissionDeniedException...)
     */
    List<byte[]> exchange(byte[] request, String what) throws NativeException;

    @Override
    void close();
}
