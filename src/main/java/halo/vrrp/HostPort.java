package halo.vrrp;

import java.util.List;

/**
 * What a {@link VrrpHost} asks of the world it runs in: a real Linux host (the daemon, over raw sockets and netlink)
 * or a simulated LAN. Every call comes from the host's one thread; none may block for long.
 */
public interface HostPort {

    /** The interface's address that adverts come from: primary IPv4, or IPv6 link-local; null when it has none. */
    byte[] primaryAddress(String interfaceName, boolean ipv6);

    /** Whether the interface exists and is up (running). */
    boolean isUp(String interfaceName);

    /**
     * Sends one VRRP message (IPv4: the VRRP message only, the IP layer adds its header with {@code ttl}; the
     * AH-authenticated form is not sent this way). {@code destination} is the same array for every advert to the same
     * place (group or unicast peer), so ports may cache what they derive from it.
     */
    void sendAdvert(HostSetup.Instance instance, boolean ipv6, byte[] destination, int ttl, byte[] message, int offset, int length);

    /**
     * What the host calls to send an advert: as {@link #sendAdvert(HostSetup.Instance, boolean, byte[], int, byte[], int,
     * int)}, for {@code slot}'s instance. A port that keeps per-instance state (a socket, an outgoing interface) can
     * store it with {@link VrrpHost.Slot#portHandle(Object)} and override this, so an advert costs no lookup.
     */
    default void sendAdvert(VrrpHost.Slot slot, byte[] destination, int ttl, byte[] message, int offset, int length) {
        sendAdvert(slot.setup, slot.ipv6(), destination, ttl, message, offset, length);
    }

    /**
     * Whether the port sends whole IPv4 datagrams ({@link #sendDatagram}): then auth_type AH adverts go out with their
     * IPsec AH header, as keepalived sends them. Ports that cannot (a simulated LAN) get the plain message instead.
     */
    default boolean sendsDatagrams() {
        return false;
    }

    /** Sends a whole IPv4 datagram (header, AH header, VRRP message) of an auth_type AH instance; see {@link #sendsDatagrams}. */
    default void sendDatagram(HostSetup.Instance instance, byte[] destination, byte[] datagram, int offset, int length) {
        throw new UnsupportedOperationException("this port sends VRRP messages only");
    }

    /** Adds ({@code set}) or removes the instance's virtual addresses (and its virtual routes and rules). */
    void virtualAddresses(InstanceMachine instance, HostSetup.Instance setup, boolean set);

    /** Sends a batch of gratuitous ARPs / unsolicited NAs for the instance's addresses. */
    void gratuitousArps(InstanceMachine instance, HostSetup.Instance setup, int repeat);

    /** Starts one run of a vrrp_script; the port reports its end through {@link VrrpHost#onScriptExit}. */
    void runTrackScript(HostSetup.Script script);

    /** Runs a notify script with extra arguments; {@code stop}: at shutdown (keepalived gives it a short timeout). */
    void runNotifyScript(String command, List<String> extraArgs, boolean stop);

    /** One notify FIFO line, without the newline. */
    void writeFifo(String line);

    /** One log line, in keepalived's wording. */
    void log(String line);

    /** An instance changed state (for timelines and status). */
    default void stateChanged(InstanceMachine instance, VrrpState from, VrrpState to, TransitionReason reason) {
    }

    /** A sync group changed state. */
    default void groupStateChanged(SyncGroup group, VrrpState from, VrrpState to) {
    }
}
