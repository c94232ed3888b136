package halo.lvs.ipvs;

import halo.config.SyncDaemonConfig;
import static halo.lvs.ipvs.IpvsNetlink.*;

import halo.config.Tunnel;
import halo.lvs.Action;
import halo.lvs.DataPlane;
import halo.lvs.DataPlaneException;
import halo.lvs.DataPlaneKind;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.IpvsTable;
import halo.lvs.IpvsTimeouts;
import halo.lvs.PlaneCounters;
import halo.lvs.SchedulingMethod;
import halo.lvs.ServiceKey;
import halo.net.AddressText;
import halo.os.NativeException;
import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel's IPVS as Halo's data plane, programmed over generic netlink as keepalived programs it (libipvs over
 * libnl): each table change is one request, acknowledged before the next. Counters, timeouts and the sync daemon are
 * the kernel's; connections are read from /proc/net/ip_vs_conn.
 * <p>
 * Like keepalived's ipvs_talk, a service or destination that is already there when added is edited instead, a
 * destination missing when edited is added, and one already gone when removed is not an error. A resync reads the
 * kernel's services and destinations (GET_SERVICE and GET_DEST dumps) and sends only the differences, so services
 * and destinations that stay keep their connections. The first batch is applied that way too: what a previous run
 * (or an administrator) left in the kernel is removed at start, where keepalived flushes everything when lvs_flush
 * is set and otherwise leaves it.
 * Closing leaves the services in the kernel (the daemon removes them first unless --dont-release-ipvs), stops the
 * sync daemon Halo started and puts back the timeouts it changed, as keepalived's ipvs_stop does.
 */
public final class IpvsDataPlane implements DataPlane {
    private static final Path PROC_CONNECTIONS = Path.of("/proc/net/ip_vs_conn");

    private final IpvsTransport transport;
    private final IpvsRequests requests;
    private final Path procConnections;
    /** What the kernel holds as far as Halo's requests went: the services' settings for destination requests. */
    private IpvsTable installed = new IpvsTable();
    private long generation;
    /** Whether the kernel's table has been read and made the table's once (the first batch or resync). */
    private boolean reconciled;
    private IpvsTimeouts originalTimeouts;
    private SyncDaemonConfig syncDaemon;
    /** The sync daemon states Halo started (IP_VS_STATE_MASTER, _BACKUP), stopped at close. */
    private final java.util.TreeSet<Integer> syncStates = new java.util.TreeSet<>();

    public IpvsDataPlane(IpvsTransport transport, Path procConnections) {
        this.transport = transport;
        this.requests = new IpvsRequests(transport.familyId());
        this.procConnections = procConnections;
    }

    /** The plane over this kernel's IPVS; IllegalStateException when it has none. */
    public static IpvsDataPlane open() {
        try {
            NetlinkIpvsTransport t = NetlinkIpvsTransport.open()
                    .orElseThrow(() -> new IllegalStateException(IpvsKernel.NO_IPVS));
            IpvsDataPlane plane = new IpvsDataPlane(t, PROC_CONNECTIONS);
            plane.info(); // keepalived's ipvs_init asks GET_INFO: a kernel that cannot answer it is not usable
            return plane;
        } catch (NativeException e) {
            throw new IllegalStateException("IPVS: " + e.getMessage(), e);
        }
    }

    @Override
    public DataPlaneKind kind() {
        return DataPlaneKind.IPVS;
    }

    /** GET_INFO: the kernel's IPVS version and connection table size. */
    public IpvsReplies.Info info() throws NativeException {
        for (byte[] m : transport.exchange(requests.getInfo(), commandName(CMD_GET_INFO))) {
            if (IpvsReplies.command(m) == CMD_SET_INFO) return IpvsReplies.info(m);
        }
        throw new IllegalStateException("IPVS_CMD_GET_INFO: no answer");
    }

    @Override
    public void apply(long generation, List<Action.TableChange> changes) throws DataPlaneException {
        if (!reconciled) {
            // the first batch (the table's start) is applied as a resync: what a previous run or an administrator
            // left in the kernel goes, as keepalived's lvs_flush would flush it, and what stays keeps its connections
            IpvsTable target = new IpvsTable();
            for (Action.TableChange change : changes) target.apply(change);
            resync(generation, target.snapshot());
            return;
        }
        for (Action.TableChange change : changes) {
            try {
                send(change);
            } catch (NativeException e) {
                throw new DataPlaneException(describe(change) + ": " + reason(e), e);
            }
            installed.apply(change);
        }
        this.generation = generation;
    }

    /** One change, with keepalived's tolerance of what is already as asked. */
    private void send(Action.TableChange change) throws NativeException {
        switch (change) {
            case Action.AddService a -> {
                try {
                    exchange(CMD_NEW_SERVICE, requests.newService(a.definition()));
                } catch (NativeException.AlreadyExistsException e) {
                    exchange(CMD_SET_SERVICE, requests.setService(a.definition()));
                }
            }
            case Action.EditService e -> exchange(CMD_SET_SERVICE, requests.setService(e.definition()));
            case Action.RemoveService r -> {
                try {
                    exchange(CMD_DEL_SERVICE, requests.deleteService(r.service()));
                } catch (NativeException.NotFoundException gone) {
                    // already gone: what was asked
                }
            }
            case Action.AddDestination a -> {
                IpvsService s = service(a.service());
                try {
                    exchange(CMD_NEW_DEST, requests.newDestination(s, a.destination()));
                } catch (NativeException.AlreadyExistsException e) {
                    exchange(CMD_SET_DEST, requests.setDestination(s, a.destination()));
                }
            }
            case Action.EditDestination e -> {
                IpvsService s = service(e.service());
                try {
                    exchange(CMD_SET_DEST, requests.setDestination(s, e.destination()));
                } catch (NativeException.NotFoundException missing) {
                    exchange(CMD_NEW_DEST, requests.newDestination(s, e.destination()));
                }
            }
            case Action.RemoveDestination r -> {
                try {
                    exchange(CMD_DEL_DEST, requests.deleteDestination(r.service(), r.destination()));
                } catch (NativeException.NotFoundException gone) {
                    // already gone
                }
            }
        }
    }

    /** The service's settings as applied (the kernel reads only its identity in destination requests). */
    private IpvsService service(ServiceKey key) {
        for (IpvsService s : installed.snapshot().services()) {
            if (s.key().equals(key)) return s;
        }
        return IpvsService.of(key, SchedulingMethod.DEFAULT, Set.of(), null);
    }

    @Override
    public void resync(long generation, IpvsSnapshot snapshot) throws DataPlaneException {
        IpvsTable kernel = new IpvsTable();
        List<String> failures = new ArrayList<>();
        try {
            for (KernelEntry k : read()) {
                if (k.service == null) {
                    // a service Halo cannot describe (a scheduler it does not know): removed, then added if wanted
                    exchangeQuietly(CMD_DEL_SERVICE, requests.deleteService(k.key), failures);
                    continue;
                }
                kernel.apply(new Action.AddService(k.service));
                for (IpvsDestination d : k.service.destinations()) kernel.apply(new Action.AddDestination(k.key, d));
            }
        } catch (NativeException | IllegalArgumentException e) {
            throw new DataPlaneException("reading IPVS's services: " + e.getMessage(), e);
        }
        reconciled = true;
        List<Action.TableChange> changes = kernel.restore(normalised(snapshot));
        // destination requests carry their service's settings from the snapshot
        installed = new IpvsTable();
        for (IpvsService s : snapshot.services()) {
            installed.apply(new Action.AddService(s));
            for (IpvsDestination d : s.destinations()) installed.apply(new Action.AddDestination(s.key(), d));
        }
        for (Action.TableChange change : changes) {
            try {
                send(change);
            } catch (NativeException e) {
                failures.add(describe(change) + ": " + reason(e));
            }
        }
        if (!failures.isEmpty()) throw new DataPlaneException(failures);
        this.generation = generation;
    }

    @Override
    public long generation() {
        return generation;
    }

    /** A service the kernel holds, its destinations inside, or only its key when Halo cannot describe it. */
    private record KernelEntry(ServiceKey key, IpvsService service, IpvsReplies.KernelService counters,
                               List<IpvsReplies.KernelDestination> destinations) {}

    /** Every service and its destinations, from the GET_SERVICE and GET_DEST dumps. */
    private List<KernelEntry> read() throws NativeException {
        List<KernelEntry> out = new ArrayList<>();
        for (byte[] m : transport.exchange(requests.getServices(), commandName(CMD_GET_SERVICE))) {
            if (IpvsReplies.command(m) != CMD_NEW_SERVICE) continue;
            IpvsReplies.KernelService ks = IpvsReplies.service(m);
            List<IpvsReplies.KernelDestination> dests = new ArrayList<>();
            for (byte[] d : transport.exchange(requests.getDestinations(ks.key()),
                    commandName(CMD_GET_DEST) + " " + name(ks.key()))) {
                if (IpvsReplies.command(d) == CMD_NEW_DEST) dests.add(IpvsReplies.destination(d, ks.key().ipv6()));
            }
            Optional<SchedulingMethod> scheduler = SchedulingMethod.byKernelName(ks.scheduler());
            IpvsService service = null;
            if (scheduler.isPresent() && dests.stream().allMatch(d -> d.forwardingMethod() != null)) {
                List<IpvsDestination> ds = new ArrayList<>();
                for (IpvsReplies.KernelDestination d : dests) {
                    ds.add(new IpvsDestination(d.key(), d.forwardingMethod(), tunnel(d), d.weight(),
                            d.upperThreshold(), d.lowerThreshold(), null, null, null));
                }
                service = new IpvsService(ks.key(), scheduler.get(), ks.serviceFlags(), ks.persistence(),
                        ks.peName(), "", null, null, ds);
            }
            out.add(new KernelEntry(ks.key(), service, ks, dests));
        }
        return out;
    }

    /** The tunnel as Halo writes it, so that one read back compares equal: null unless TUN; ipip as Tunnel.IPIP. */
    private static Tunnel tunnel(IpvsReplies.KernelDestination d) {
        if (d.forwarding() != CONN_F_TUNNEL) return null;
        return switch (d.tunnelType()) {
            case TUNNEL_TYPE_GUE -> new Tunnel(Tunnel.Type.GUE, d.tunnelPort(), checksum(d.tunnelFlags()));
            case TUNNEL_TYPE_GRE -> new Tunnel(Tunnel.Type.GRE, 0, checksum(d.tunnelFlags()));
            default -> Tunnel.IPIP;
        };
    }

    private static String checksum(int flags) {
        return switch (flags) {
            case TUNNEL_FLAG_CSUM -> "csum";
            case TUNNEL_FLAG_REMCSUM -> "remcsum";
            default -> null;
        };
    }

    /** SNAPSHOT with its tunnels as {@link #tunnel} reads them back from the kernel. */
    private static IpvsSnapshot normalised(IpvsSnapshot snapshot) {
        List<IpvsService> out = new ArrayList<>();
        for (IpvsService s : snapshot.services()) {
            List<IpvsDestination> ds = new ArrayList<>();
            for (IpvsDestination d : s.destinations()) {
                Tunnel t = null;
                if (d.forwarding() == ForwardingMethod.TUN) {
                    Tunnel given = d.tunnel() == null ? Tunnel.IPIP : d.tunnel();
                    t = switch (given.type()) {
                        case IPIP -> Tunnel.IPIP;
                        case GUE -> new Tunnel(Tunnel.Type.GUE, given.port(), checksum(IpvsRequests.tunnelFlags(given.checksum())));
                        case GRE -> new Tunnel(Tunnel.Type.GRE, 0, checksum(IpvsRequests.tunnelFlags(given.checksum())));
                    };
                }
                ds.add(new IpvsDestination(d.key(), d.forwarding(), t, d.weight(), d.upperThreshold(),
                        d.lowerThreshold(), null, null, null));
            }
            out.add(s.withDestinations(ds));
        }
        return new IpvsSnapshot(out, snapshot.connectionTableSize());
    }

    @Override
    public PlaneCounters counters() {
        List<KernelEntry> entries;
        try {
            entries = read();
        } catch (NativeException e) {
            throw new IllegalStateException("IPVS counters: " + e.getMessage(), e);
        }
        Map<ServiceKey, PlaneCounters.ServiceCounters> services = new HashMap<>();
        for (KernelEntry e : entries) {
            Map<DestinationKey, PlaneCounters.DestinationCounters> dests = new HashMap<>();
            for (IpvsReplies.KernelDestination d : e.destinations) {
                dests.put(d.key(), new PlaneCounters.DestinationCounters(d.connections(), d.stats(), d.rates()));
            }
            services.put(e.key, new PlaneCounters.ServiceCounters(e.counters.stats(), e.counters.rates(), dests));
        }
        return new PlaneCounters(services);
    }

    @Override
    public void zeroCounters(ServiceKey service) {
        try {
            exchange(CMD_ZERO, requests.zero(service));
        } catch (NativeException e) {
            throw new IllegalStateException(commandName(CMD_ZERO) + (service == null ? "" : " " + name(service))
                    + ": " + reason(e), e);
        }
    }

    @Override
    public IpvsTimeouts timeouts() {
        try {
            for (byte[] m : transport.exchange(requests.getTimeouts(), commandName(CMD_GET_CONFIG))) {
                if (IpvsReplies.command(m) == CMD_SET_CONFIG) return IpvsReplies.timeouts(m);
            }
        } catch (NativeException e) {
            throw new IllegalStateException(commandName(CMD_GET_CONFIG) + ": " + reason(e), e);
        }
        throw new IllegalStateException(commandName(CMD_GET_CONFIG) + ": no answer");
    }

    /** {@code ipvsadm --set}; the first change keeps the kernel's timeouts, put back at close (keepalived's ipvs_stop). */
    @Override
    public void timeouts(IpvsTimeouts timeouts) {
        if (timeouts.tcp() == 0 && timeouts.tcpFin() == 0 && timeouts.udp() == 0) return;
        if (originalTimeouts == null) originalTimeouts = timeouts();
        try {
            exchange(CMD_SET_CONFIG, requests.setTimeouts(timeouts));
        } catch (NativeException e) {
            throw new IllegalStateException(commandName(CMD_SET_CONFIG) + ": " + reason(e), e);
        }
    }

    /** {@code ipvsadm -L -c -n} from /proc/net/ip_vs_conn (addresses and ports as numbers, with or without -n). */
    @Override
    public String connectionListing(boolean numeric, boolean persistentConn) {
        String text;
        try {
            text = Files.readString(procConnections);
        } catch (NoSuchFileException e) {
            text = "";
        } catch (IOException e) {
            throw new IllegalStateException("reading " + procConnections + ": " + e.getMessage(), e);
        }
        return ProcConnections.render(text, persistentConn);
    }

    /**
     * lvs_sync_daemon: the VRRP instance became master (MASTER true) or backup, and the sync daemon follows, as
     * keepalived's ipvs_syncd_master and ipvs_syncd_backup do: the other state's daemon stopped (not running is
     * fine), this state's started (already running is fine).
     */
    public void syncDaemon(SyncDaemonConfig config, boolean master) throws DataPlaneException {
        int state = master ? STATE_MASTER : STATE_BACKUP;
        stopSyncDaemon(config, master ? STATE_BACKUP : STATE_MASTER);
        startSyncDaemon(config, state);
    }

    /** lvs_sync_daemon without a VRRP instance: both daemons at once, as keepalived's checker process starts them. */
    public void syncDaemons(SyncDaemonConfig config) throws DataPlaneException {
        startSyncDaemon(config, STATE_MASTER);
        startSyncDaemon(config, STATE_BACKUP);
    }

    private void startSyncDaemon(SyncDaemonConfig config, int state) throws DataPlaneException {
        try {
            exchange(CMD_NEW_DAEMON, requests.startDaemon(state, config));
        } catch (NativeException.AlreadyExistsException running) {
            // EEXIST "Daemon has already run"
        } catch (NativeException e) {
            throw syncFailure(config, state, e);
        }
        syncDaemon = config;
        syncStates.add(state);
    }

    private void stopSyncDaemon(SyncDaemonConfig config, int state) throws DataPlaneException {
        try {
            exchange(CMD_DEL_DAEMON, requests.stopDaemon(state, config.syncId()));
        } catch (NativeException.NotFoundException notRunning) {
            // ESRCH "No daemon is running"
        } catch (NativeException e) {
            throw syncFailure(config, state, e);
        }
        syncStates.remove(state);
    }

    private static DataPlaneException syncFailure(SyncDaemonConfig config, int state, NativeException e) {
        return new DataPlaneException("lvs_sync_daemon " + (state == STATE_MASTER ? "master" : "backup") + " on "
                + config.interfaceName() + ": " + reason(e), e);
    }

    @Override
    public void close() {
        try {
            for (int state : syncStates) {
                exchangeQuietly(CMD_DEL_DAEMON, requests.stopDaemon(state, syncDaemon.syncId()), new ArrayList<>());
            }
            if (originalTimeouts != null) {
                exchangeQuietly(CMD_SET_CONFIG, requests.setTimeouts(originalTimeouts), new ArrayList<>());
            }
        } finally {
            transport.close();
        }
    }

    // ---- plumbing

    private void exchange(int command, byte[] request) throws NativeException {
        transport.exchange(request, commandName(command));
    }

    private void exchangeQuietly(int command, byte[] request, List<String> failures) {
        try {
            exchange(command, request);
        } catch (NativeException e) {
            failures.add(commandName(command) + ": " + reason(e));
        }
    }

    /** ipvsadm's words for the kernel's refusal, with the errno's name. */
    private static String reason(NativeException e) {
        return IpvsErrors.message(commandOf(e.syscall()), e.errno()) + " (" + e.errno().name() + ")";
    }

    private static int commandOf(String what) {
        for (int c = CMD_NEW_SERVICE; c <= CMD_FLUSH; c++) {
            if (what.startsWith(commandName(c))) return c;
        }
        return 0;
    }

    static String describe(Action.TableChange change) {
        String service = name(change.service());
        return switch (change) {
            case Action.AddService a -> "adding service " + service;
            case Action.EditService e -> "editing service " + service;
            case Action.RemoveService r -> "removing service " + service;
            case Action.AddDestination a -> "adding " + name(a.destination().key()) + " to " + service;
            case Action.EditDestination e -> "editing " + name(e.destination().key()) + " of " + service;
            case Action.RemoveDestination r -> "removing " + name(r.destination()) + " from " + service;
        };
    }

    /** ipvsadm's names: {@code TCP 192.0.2.1:80}, {@code FWM 1}. */
    static String name(ServiceKey key) {
        return switch (key) {
            case ServiceKey.Fwmark f -> "FWM " + Integer.toUnsignedString(f.mark()) + (f.ipv6() ? " IPv6" : "");
            case ServiceKey.Inet i -> i.protocol() + " " + name(new DestinationKey(i.address(), i.port()));
        };
    }

    static String name(DestinationKey d) {
        String a = AddressText.format(d.address());
        return (d.address() instanceof Inet6Address ? "[" + a + "]" : a) + ":" + d.port();
    }
}
