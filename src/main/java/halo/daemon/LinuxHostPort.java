package halo.daemon;

import halo.config.VirtualAddress;
import halo.os.Link;
import halo.os.NativeException;
import halo.os.PacketSocket;
import halo.vrrp.HostPort;
import halo.vrrp.HostSetup;
import halo.vrrp.SyncGroup;
import halo.vrrp.TransitionReason;
import halo.vrrp.InstanceMachine;
import halo.vrrp.VrrpState;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * What the VRRP host asks of a real Linux host, on the protocol thread: adverts through the {@link VrrpSockets},
 * addresses through the {@link VipInstaller}, gratuitous ARPs and neighbour adverts through AF_PACKET, scripts through
 * {@link VrrpScripts}, FIFO lines to the notify FIFOs.
 */
final class LinuxHostPort implements HostPort {

    private final LinuxHostNetwork network;
    private final VrrpSockets sockets;
    private final PacketSocket packets;
    private final VipInstaller vips;
    private final VrrpScripts scripts;
    private final RunningState state;
    private final EventLoop loop;
    private final DaemonLog log;
    /** Set once the loop has ended: what the machines release now goes through {@link VipInstaller#releaseLeftAtStop}. */
    private boolean stopping;

    LinuxHostPort(LinuxHostNetwork network, VrrpSockets sockets, PacketSocket packets, VipInstaller vips,
                  VrrpScripts scripts, RunningState state, EventLoop loop, DaemonLog log) {
        this.network = network;
        this.sockets = sockets;
        this.packets = packets;
        this.vips = vips;
        this.scripts = scripts;
        this.state = state;
        this.loop = loop;
        this.log = log;
    }

    /** From now on a master's released addresses stay until {@link VipInstaller#releaseLeftAtStop}. */
    void stopping() {
        stopping = true;
    }

    @Override
    public byte[] primaryAddress(String interfaceName, boolean ipv6) {
        // an IPv4 VMAC has no address of its own but the VIPs: its adverts leave from its base's, as keepalived's
        String base = !ipv6 && state.vmacs != null ? state.vmacs.baseOf(interfaceName) : null;
        if (base != null) {
            interfaceName = base;
        }
        try {
            return network.primaryAddress(interfaceName, ipv6);
        } catch (NativeException e) {
            log.info("Cannot read the addresses of " + interfaceName + ": " + e.getMessage());
            return null;
        }
    }

    @Override
    public boolean isUp(String interfaceName) {
        Link link = network.link(interfaceName);
        return link != null && link.isRunning();
    }

    @Override
    public boolean sendsDatagrams() {
        return true;
    }

    @Override
    public void sendDatagram(HostSetup.Instance instance, byte[] destination, byte[] datagram, int offset, int length) {
        sockets.send(instance, destination, datagram, offset, length);
    }

    @Override
    public void sendAdvert(HostSetup.Instance instance, boolean ipv6, byte[] destination, int ttl, byte[] message,
                           int offset, int length) {
        sockets.send(instance, destination, message, offset, length);
    }

    @Override
    public void virtualAddresses(InstanceMachine instance, HostSetup.Instance setup, boolean set) {
        if (!set && stopping) {
            vips.leaveUntilStop(setup);
        } else {
            vips.change(setup, set);
        }
        CheckerSide checkerSide = state.checkerSide;
        if (checkerSide != null && setup.config() != null) {
            checkerSide.vrrpAddresses(setup.config().name(), set);
            // ha_suspend: the checker side follows the VIPs
            for (VirtualAddress v : setup.config().virtualAddresses()) {
                if (set) {
                    checkerSide.addressAdded(v.address().address());
                } else {
                    checkerSide.addressRemoved(v.address().address());
                }
            }
        }
    }

    @Override
    public void gratuitousArps(InstanceMachine instance, HostSetup.Instance setup, int repeat) {
        if (setup.config() == null) {
            return;
        }
        gratuitousArps(setup, setup.config().virtualAddresses(), repeat);
        // keepalived announces the excluded addresses too (vrrp_send_link_update walks vip then evip)
        gratuitousArps(setup, setup.config().excludedAddresses(), repeat);
    }

    private void gratuitousArps(HostSetup.Instance setup, List<VirtualAddress> addresses, int repeat) {
        for (VirtualAddress v : addresses) {
            String dev = VipInstaller.device(setup, v);
            Link link = network.link(dev);
            if (link == null) {
                continue;
            }
            InetAddress a = v.address().address();
            for (int n = 0; n < repeat; n++) {
                try {
                    if (a instanceof Inet4Address v4) {
                        packets.sendGratuitousArp(link, v4);
                        log.detail("Sending gratuitous ARP on " + dev + " for " + a.getHostAddress());
                    } else if (a instanceof Inet6Address v6) {
                        packets.sendUnsolicitedNeighbourAdvert(link, v6);
                        log.detail("Sending unsolicited Neighbour Advert on " + dev + " for " + a.getHostAddress());
                    }
                } catch (NativeException e) {
                    log.info("Cannot send gratuitous ARP on " + dev + " for " + a.getHostAddress() + ": " + e.getMessage());
                    break;
                }
            }
        }
    }

    @Override
    public void runTrackScript(HostSetup.Script script) {
        scripts.runTrackScript(script, r -> loop.execute(
                () -> state.host.onScriptExit(System.nanoTime(), script.name(), r.exitCode(), r.timedOut())));
    }

    @Override
    public void runNotifyScript(String command, List<String> extraArgs, boolean stop) {
        scripts.runNotifyScript(command, extraArgs, stop);
    }

    @Override
    public void writeFifo(String line) {
        state.fifos.vrrpLine(line);
    }

    @Override
    public void log(String line) {
        log.info(line);
    }

    @Override
    public void stateChanged(InstanceMachine instance, VrrpState from, VrrpState to, TransitionReason reason) {
        if (state.connectionSync != null) {
            state.connectionSync.instanceState(instance.name(), to);
        }
        if (reason == TransitionReason.RELOAD) {
            // the reloaded instance takes on the state its predecessor had: for the daemon no state changed (a
            // reload counted here would look like a flap in halo_vrrp_transitions_total)
            return;
        }
        state.lastTransitions.put(instance.name(), System.currentTimeMillis());
        state.transitionCounts.merge(new RunningState.TransitionKey(instance.name(), reason, to), 1L, Long::sum);
    }

    @Override
    public void groupStateChanged(SyncGroup group, VrrpState from, VrrpState to) {
    }
}
