package halo.daemon;

import halo.os.HostAddress;
import halo.os.HostEvent;
import halo.os.Link;
import halo.vrrp.VrrpHost;
import halo.vrrp.VrrpState;
import java.util.function.Consumer;

/**
 * What the netlink monitor saw, on the protocol thread: interfaces going up, down or away reach the VRRP host; added
 * and removed addresses reach the checker side; a VIP deleted behind Halo's back makes its MASTER step down and come
 * back to set it again, as keepalived.
 */
final class NetlinkEvents implements Consumer<HostEvent> {

    private final LinuxHostNetwork network;
    private final VipInstaller vips;
    private final RunningState state;
    private final DaemonLog log;

    NetlinkEvents(LinuxHostNetwork network, VipInstaller vips, RunningState state, DaemonLog log) {
        this.network = network;
        this.vips = vips;
        this.state = state;
        this.log = log;
    }

    /**
     * An if-chain, not a pattern switch: a switch's bootstrap spins a class at its first event, and a backup's first
     * event is the address it adds at its first takeover.
     */
    @Override
    public void accept(HostEvent event) {
        long now = System.nanoTime();
        VrrpHost host = state.host;
        CheckerSide checkerSide = state.checkerSide;
        if (event instanceof HostEvent.LinkChanged(Link link)) {
            Link before = network.linkChanged(link);
            if (before == null || before.isRunning() != link.isRunning()) {
                log.info("Netlink reports " + link.name() + (link.isRunning() ? " up" : " down"));
                host.onLinkChange(now, link.name(), link.isRunning());
            }
        } else if (event instanceof HostEvent.LinkRemoved(Link link)) {
            network.linkRemoved(link);
            log.info("Netlink reports " + link.name() + " removed");
            host.onLinkChange(now, link.name(), false);
        } else if (event instanceof HostEvent.AddressAdded(HostAddress a)) {
            if (checkerSide != null) {
                checkerSide.addressAdded(a.address());
            }
        } else if (event instanceof HostEvent.AddressRemoved(HostAddress a)) {
            if (checkerSide != null) {
                checkerSide.addressRemoved(a.address());
            }
            String address = a.address().getHostAddress();
            if (vips.forgetOurs(address)) {
                // Deleted behind our back (our own removals leave ourAddresses first): keepalived's words, and
                // as keepalived, the MASTER holding it steps down with priority 0 and comes back to set it again.
                log.info("Netlink reflector reports IP " + address + " removed from "
                        + network.linkName(a.interfaceIndex(), "?"));
                for (VrrpHost.Slot s : host.slots()) {
                    if (s.machine.state() == VrrpState.MASTER && s.setup.config() != null
                            && s.setup.config().virtualAddresses().stream()
                            .anyMatch(v -> v.address().address().equals(a.address()))) {
                        s.machine.onVirtualAddressDeleted(now);
                        host.reschedule(s); // a call past the host: its timer index must hear of it
                    }
                }
            }
        }
    }
}
