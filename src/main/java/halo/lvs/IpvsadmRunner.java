package halo.lvs;

import halo.lvs.IpvsadmCommand.Kind;
import halo.lvs.IpvsadmCommand.Option;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs a parsed ipvsadm command against the table as the kernel answers ipvsadm (net/netfilter/ipvs/ip_vs_ctl.c:
 * ip_vs_genl_set_cmd, ip_vs_add_service, ip_vs_add_dest...), with ipvsadm's words for each errno (libipvs.c:
 * ipvs_strerror) and its exit codes: a refused change prints the message and exits 255 (process_options returns -1),
 * a listing of an absent service exits 1. Pure: the changes that really happened come back for the data plane.
 * <p>
 * Counters ({@code -Z}), timeouts ({@code --set}, {@code -L --timeout}) and connections ({@code -L -c}) live in the
 * data plane: for those the outcome carries a {@link DataPlaneRequest} for the daemon to carry out.
 */
public final class IpvsadmRunner {

    /** ipvs_strerror's messages. */
    public static final String SERVICE_EXISTS = "Service already exists";
    public static final String SCHEDULER_NOT_FOUND = "Scheduler or persistence engine not found";
    public static final String NO_SUCH_SERVICE = "No such service";
    public static final String SERVICE_NOT_DEFINED = "Service not defined";
    public static final String DESTINATION_EXISTS = "Destination already exists";
    public static final String NO_SUCH_DESTINATION = "No such destination";
    /** EINVAL. */
    public static final String INVALID = "Invalid operation.  Possibly wrong module version, address not unicast, ...";
    /** ERANGE: strerror. */
    public static final String OUT_OF_RANGE = "Numerical result out of range";

    /** What the data plane must do for a command the table cannot answer alone. */
    public sealed interface DataPlaneRequest {
        /** {@code -Z [service]}: zero the counters of one service (checked to exist) or of all ({@code null}). */
        record Zero(ServiceKey service) implements DataPlaneRequest {}

        /** {@code --set tcp tcpfin udp}: 0 leaves that timeout unchanged. */
        record SetTimeouts(IpvsTimeouts timeouts) implements DataPlaneRequest {}

        /** {@code -L --timeout}: answer with {@link #timeoutsText}. */
        record ListTimeouts() implements DataPlaneRequest {}

        /** {@code -L -c [-n]}: the connection list. */
        record ListConnections(boolean numeric, Set<IpvsadmView.Option> format) implements DataPlaneRequest {}
    }

    /**
     * What ipvsadm would print and exit with, the changes made, and what is left for the data plane (then out, err
     * and exit are what to print when the data plane succeeds, usually nothing and 0).
     */
    public record Outcome(String out, String err, int exitCode, List<Action.TableChange> changes,
                          DataPlaneRequest dataPlane) {
        public Outcome {
            changes = List.copyOf(changes);
        }

        static Outcome ok(String out) {
            return new Outcome(out, "", 0, List.of(), null);
        }

        static Outcome changed(Action.TableChange... changes) {
            return new Outcome("", "", 0, List.of(changes), null);
        }

        /** A refused change: the message, exit status 255. */
        static Outcome refused(String message) {
            return new Outcome("", message + "\n", 255, List.of(), null);
        }

        static Outcome forDataPlane(DataPlaneRequest request) {
            return new Outcome("", "", 0, List.of(), request);
        }
    }

    private IpvsadmRunner() {}

    /** list_timeout's line. */
    public static String timeoutsText(IpvsTimeouts t) {
        return "Timeout (tcp tcpfin udp): " + t.tcp() + " " + t.tcpFin() + " " + t.udp() + "\n";
    }

    public static Outcome run(IpvsadmCommand command, IpvsTable table) {
        return run(command, table, table::snapshot);
    }

    /**
     * As {@link #run(IpvsadmCommand, IpvsTable)}, with -L and -S printing LISTED: the table's snapshot with the data
     * plane's counters merged in (the table's own snapshot has only what was recorded into it).
     */
    public static Outcome run(IpvsadmCommand command, IpvsTable table, Supplier<IpvsSnapshot> listed) {
        return switch (command.kind()) {
            case ADD_SERVICE -> addService(command, table);
            case EDIT_SERVICE -> editService(command, table);
            case DELETE_SERVICE -> table.contains(command.service())
                    ? applied(table, new Action.RemoveService(command.service()))
                    : Outcome.refused(NO_SUCH_SERVICE);
            case FLUSH -> {
                List<Action.TableChange> changes = new ArrayList<>();
                for (IpvsService s : table.snapshot().services()) {
                    table.apply(new Action.RemoveService(s.key())).ifPresent(changes::add);
                }
                yield new Outcome("", "", 0, changes, null);
            }
            case ADD_SERVER, EDIT_SERVER -> setDestination(command, table);
            case DELETE_SERVER -> {
                if (!table.contains(command.service())) yield Outcome.refused(SERVICE_NOT_DEFINED);
                if (table.destination(command.service(), command.destination()).isEmpty()) {
                    yield Outcome.refused(NO_SUCH_DESTINATION);
                }
                yield applied(table, new Action.RemoveDestination(command.service(), command.destination()));
            }
            case ZERO -> command.service() != null && !table.contains(command.service())
                    ? Outcome.refused(NO_SUCH_SERVICE)
                    : Outcome.forDataPlane(new DataPlaneRequest.Zero(command.service()));
            case SET -> Outcome.forDataPlane(new DataPlaneRequest.SetTimeouts(command.timeouts()));
            case LIST -> list(command, listed);
            case SAVE -> Outcome.ok(IpvsadmView.save(listed.get(), command.format()));
            case START_DAEMON, STOP_DAEMON, RESTORE -> throw new IllegalArgumentException(
                    "not a table command: " + command.kind().ipvsadmName());
        };
    }

    private static Outcome list(IpvsadmCommand command, Supplier<IpvsSnapshot> listed) {
        if (command.has(Option.CONNECTION)) {
            return Outcome.forDataPlane(new DataPlaneRequest.ListConnections(command.has(Option.NUMERIC),
                    command.format()));
        }
        if (command.has(Option.TIMEOUT)) return Outcome.forDataPlane(new DataPlaneRequest.ListTimeouts());
        if (command.has(Option.DAEMON)) return Outcome.ok(""); // no connection sync daemon runs
        IpvsSnapshot snapshot = listed.get();
        if (command.has(Option.SERVICE)) {
            // list_service: the title and the one service, no version line; an absent service exits 1
            for (IpvsService s : snapshot.services()) {
                if (!s.key().equals(command.service())) continue;
                String all = IpvsadmView.list(new IpvsSnapshot(List.of(s), snapshot.connectionTableSize()),
                        command.format());
                return Outcome.ok(all.substring(all.indexOf('\n') + 1));
            }
            return new Outcome("", NO_SUCH_SERVICE + "\n", 1, List.of(), null);
        }
        return Outcome.ok(IpvsadmView.list(snapshot, command.format()));
    }

    private static Outcome addService(IpvsadmCommand c, IpvsTable table) {
        if (table.contains(c.service())) return Outcome.refused(SERVICE_EXISTS);
        Optional<IpvsService> service = definition(c);
        if (service.isEmpty()) return Outcome.refused(SCHEDULER_NOT_FOUND);
        if (!netmaskValid(c)) return Outcome.refused(INVALID);
        return applied(table, new Action.AddService(service.get()));
    }

    private static Outcome editService(IpvsadmCommand c, IpvsTable table) {
        if (!table.contains(c.service())) return Outcome.refused(NO_SUCH_SERVICE);
        Optional<IpvsService> service = definition(c);
        if (service.isEmpty()) return Outcome.refused(SCHEDULER_NOT_FOUND);
        if (!netmaskValid(c)) return Outcome.refused(INVALID);
        return applied(table, new Action.EditService(service.get()));
    }

    /** The service -A/-E describe, or empty when the kernel has no such scheduler or persistence engine. */
    private static Optional<IpvsService> definition(IpvsadmCommand c) {
        Optional<SchedulingMethod> scheduler = SchedulingMethod.byKernelName(c.scheduler());
        if (scheduler.isEmpty() || !(c.peName().isEmpty() || c.peName().equals("sip"))) return Optional.empty();
        IpvsService s = new IpvsService(c.service(), scheduler.get(), c.flags(),
                new Persistence(c.persistenceTimeout(), c.netmask()), c.peName(), "", null, null, List.of());
        return Optional.of(s);
    }

    /** ip_vs_add_service / ip_vs_edit_service: an IPv6 service's prefix length is 1..128. */
    private static boolean netmaskValid(IpvsadmCommand c) {
        return !c.service().ipv6() || (c.netmask() >= 1 && c.netmask() <= 128);
    }

    /** ip_vs_genl_set_cmd then ip_vs_add_dest / ip_vs_edit_dest, their checks in the kernel's order. */
    private static Outcome setDestination(IpvsadmCommand c, IpvsTable table) {
        boolean add = c.kind() == Kind.ADD_SERVER;
        if (!table.contains(c.service())) return Outcome.refused(SERVICE_NOT_DEFINED);
        if (c.destination().ipv6() != c.service().ipv6() && c.forwarding() != ForwardingMethod.TUN) {
            return Outcome.refused(INVALID);
        }
        // the kernel takes weights up to INT_MAX; Halo's destinations hold IPVS's documented 0..65535
        if (c.weight() < 0 || c.weight() > 65535) return Outcome.refused(OUT_OF_RANGE);
        if (c.lowerThreshold() > c.upperThreshold()) return Outcome.refused(OUT_OF_RANGE);
        if (c.tunnel() != null && c.tunnel().type() == halo.config.Tunnel.Type.GUE && c.tunnel().port() == 0) {
            return Outcome.refused(INVALID);
        }
        boolean exists = table.destination(c.service(), c.destination()).isPresent();
        if (add && exists) return Outcome.refused(DESTINATION_EXISTS);
        if (!add && !exists) return Outcome.refused(NO_SUCH_DESTINATION);
        if (add && !unicast(c.destination().address())) return Outcome.refused(INVALID);
        IpvsDestination d = new IpvsDestination(c.destination(), c.forwarding(), c.tunnel(), c.weight(),
                c.upperThreshold(), c.lowerThreshold(), null, null, null);
        return applied(table, add ? new Action.AddDestination(c.service(), d)
                : new Action.EditDestination(c.service(), d));
    }

    /** ip_vs_new_dest: the real server's address must be unicast (or local). */
    private static boolean unicast(InetAddress a) {
        byte[] b = a.getAddress();
        boolean broadcast = b.length == 4 && (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
        return !a.isAnyLocalAddress() && !a.isMulticastAddress() && !broadcast;
    }

    private static Outcome applied(IpvsTable table, Action.TableChange change) {
        Optional<Action.TableChange> done = table.apply(change);
        return done.map(Outcome::changed).orElseGet(() -> Outcome.refused(INVALID));
    }
}
