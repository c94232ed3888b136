package halo.sim;

import halo.vrrp.HostPort;
import halo.vrrp.HostSetup;
import halo.vrrp.SyncGroup;
import halo.vrrp.TransitionReason;
import halo.vrrp.VrrpHost;
import halo.vrrp.InstanceMachine;
import halo.vrrp.VrrpState;
import halo.vrrp.wire.Ipv4Header;
import halo.vrrp.wire.VrrpMessage;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One boot of a simulated node: the daemon's own {@link VrrpHost} (state machines, sync groups, vrrp_script
 * scheduling, codec and receive validation) behind a {@link HostPort} that is the simulated LAN instead of sockets and
 * netlink. IPv4 adverts leave as the kernel would send them (an IPv4 header with TTL 255 in front of the message) and
 * arrive as a raw socket delivers them; IPv6 adverts travel as messages with their hop limit.
 *
 * <p>Timers: one timer on the node's clock at {@link VrrpHost#nextDeadline}, as the daemon's event loop waits; the
 * host keeps its instances and vrrp_scripts in its own deadline index, so 1,000 instances cost a heap operation per
 * advert, not a scan.
 */
final class VrrpNode implements NodeSoftware, HostPort {

    private final SimulatedLan lan;
    private final HostSetup setup;
    private final VrrpHost.Counters counters;
    private SimNode node;
    private VrrpHost host;
    private SimNode.Timer hostTimer;
    private final Set<String> addressesHeld = new HashSet<>();
    /** Where an instance's adverts leave and their IPv4 source: found once, kept as the slot's port handle. */
    private record Out(SimInterface iface, byte[] ipv4Source) {}

    private final byte[] datagram = new byte[2048];
    private final Ipv4Header ipHeader = new Ipv4Header();
    private final MemorySegment datagramSegment = MemorySegment.ofArray(datagram);
    private int ipIdentification;

    VrrpNode(SimulatedLan lan, HostSetup setup, VrrpHost.Counters counters) {
        this.lan = lan;
        this.setup = setup;
        this.counters = counters;
    }

    @Override
    public void start(SimNode node) {
        this.node = node;
        for (HostSetup.Instance i : setup.instances()) {
            if (node.iface(i.spec().interfaceName()) == null)
                throw new IllegalStateException(node.name() + " has no interface " + i.spec().interfaceName());
        }
        hostTimer = node.timer(this::runHostTimer);
        host = new VrrpHost(setup, this, counters);
        host.start(node.now());
        rearm();
    }

    /** Points the node's one timer at the host's next deadline. */
    private void rearm() {
        long d = host.nextDeadline();
        if (d == InstanceMachine.NEVER) {
            if (hostTimer.isArmed()) hostTimer.cancel();
        } else if (!hostTimer.isArmed() || hostTimer.deadline() != d) {
            hostTimer.setAt(d);
        }
    }

    private void runHostTimer() {
        host.onTimer(node.now());
        rearm();
    }

    @Override
    public void receive(SimInterface in, byte[] src, byte[] dst, int ttl, byte[] payload, int offset, int length) {
        long now = node.now();
        boolean v6 = dst.length == 16;
        if (v6) {
            host.receiveMessage(now, in.name(), true, src, dst, ttl, payload, offset, length);
        } else {
            host.receiveIpv4(now, in.name(), payload, offset, length);
        }
        rearm();
    }

    @Override
    public void stop() {
        host.shutdown(node.now());
        hostTimer.cancel();
    }

    @Override
    public void linkChanged(SimInterface iface, boolean up) {
        host.onLinkChange(node.now(), iface.name(), up);
        rearm();
    }

    // --- HostPort: the simulated LAN plays the kernel ---

    @Override
    public byte[] primaryAddress(String interfaceName, boolean ipv6) {
        SimInterface i = node.iface(interfaceName);
        return i == null ? null : (ipv6 ? i.ipv6() : i.ipv4()).clone();
    }

    @Override
    public boolean isUp(String interfaceName) {
        SimInterface i = node.iface(interfaceName);
        return i != null && i.isUp();
    }

    @Override
    public void sendAdvert(HostSetup.Instance instance, boolean ipv6, byte[] destination, int ttl, byte[] message,
                           int offset, int length) {
        send(outOf(instance), ipv6, destination, ttl, message, offset, length);
    }

    @Override
    public void sendAdvert(VrrpHost.Slot slot, byte[] destination, int ttl, byte[] message, int offset, int length) {
        Out o = (Out) slot.portHandle();
        if (o == null) {
            o = outOf(slot.setup);
            slot.portHandle(o);
        }
        send(o, slot.ipv6(), destination, ttl, message, offset, length);
    }

    private Out outOf(HostSetup.Instance i) {
        SimInterface out = node.iface(i.spec().interfaceName());
        byte[] source = i.sourceAddress() != null && i.sourceAddress().getAddress().length == 4
                ? i.sourceAddress().getAddress() : out.ipv4();
        return new Out(out, source);
    }

    private void send(Out o, boolean ipv6, byte[] destination, int ttl, byte[] message, int offset, int length) {
        SimInterface out = o.iface();
        if (ipv6) {
            node.send(out, destination, ttl, message, offset, length);
            return;
        }
        // The IPv4 layer: a 20-byte header as the kernel builds it for a raw socket without IP_HDRINCL.
        byte[] source = o.ipv4Source();
        int total = Ipv4Header.MIN_LENGTH + length;
        ipIdentification = (ipIdentification + 1) & 0xffff;
        ipHeader.wrap(datagramSegment, 0, total)
                .write(total, ipIdentification, ttl, VrrpMessage.IP_PROTOCOL, source, 0, destination, 0);
        System.arraycopy(message, offset, datagram, Ipv4Header.MIN_LENGTH, length);
        node.send(out, destination, ttl, datagram, 0, total);
    }

    @Override
    public void virtualAddresses(InstanceMachine instance, HostSetup.Instance setup, boolean set) {
        if (set) addressesHeld.add(instance.name());
        else addressesHeld.remove(instance.name());
    }

    @Override
    public void gratuitousArps(InstanceMachine instance, HostSetup.Instance setup, int repeat) {
    }

    /** A vrrp_script run: it "exits" 1 while a fail-script event holds, else 0, right away. */
    @Override
    public void runTrackScript(HostSetup.Script script) {
        int exit = lan.isScriptFailing(node.name(), script.name()) ? 1 : 0;
        SimNode.Timer done = node.timer(() -> {
            host.onScriptExit(node.now(), script.name(), exit, false);
            rearm();
        });
        done.setAt(node.now());
    }

    @Override
    public void runNotifyScript(String command, List<String> extraArgs, boolean stop) {
        // Not run in a simulation: the timeline says what they would have been told.
    }

    @Override
    public void writeFifo(String line) {
    }

    @Override
    public void log(String line) {
        if (lan.logging()) lan.log(node.name(), line);
    }

    @Override
    public void stateChanged(InstanceMachine instance, VrrpState from, VrrpState to, TransitionReason reason) {
        // The machine's detail names the cause (the advert's sender and priority, the tracker, the group member).
        String detail = instance.lastReasonDetail();
        String why = detail == null ? reason.text()
                : detail.startsWith(reason.text()) ? detail : reason.text() + " (" + detail + ")";
        lan.record(node.name(), instance.name(), from.name(), to.name(), why);
    }

    @Override
    public void groupStateChanged(SyncGroup group, VrrpState from, VrrpState to) {
        lan.record(node.name(), group.name(), from.name(), to.name(), "sync group");
    }

    // --- for tests and the CLI ---

    List<String> instancesWithAddresses() {
        List<String> out = new ArrayList<>();
        for (VrrpHost.Slot s : host.slots()) if (addressesHeld.contains(s.machine.name())) out.add(s.machine.name());
        return out;
    }

    InstanceMachine machine(String instance) {
        VrrpHost.Slot s = host.slot(instance);
        return s == null ? null : s.machine;
    }
}
