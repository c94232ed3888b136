package halo.os;

/** What the {@link NetlinkMonitor} saw change on the host. */
public sealed interface HostEvent {
    /** A link appeared or changed (flags, carrier, name): check {@link Link#isRunning()} for track_interface. */
    record LinkChanged(Link link) implements HostEvent {}

    /** A link was deleted. */
    record LinkRemoved(Link link) implements HostEvent {}

    record AddressAdded(HostAddress address) implements HostEvent {}

    /** An address went away: if it is a VIP of a MASTER instance, it was removed behind Halo's back. */
    record AddressRemoved(HostAddress address) implements HostEvent {}

    /** The kernel dropped events (ENOBUFS): re-read links and addresses. */
    record EventsLost() implements HostEvent {}
}
