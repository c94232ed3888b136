package halo.lvs.proxy;

import halo.config.ProxySettings;
import halo.lvs.Action;
import halo.lvs.DataPlane;
import halo.lvs.DataPlaneException;
import halo.lvs.DataPlaneKind;
import halo.lvs.DestinationKey;
import halo.lvs.ForwardingMethod;
import halo.lvs.IpvsDestination;
import halo.lvs.IpvsService;
import halo.lvs.IpvsSnapshot;
import halo.lvs.IpvsTimeouts;
import halo.lvs.PlaneCounters;
import halo.lvs.ServiceKey;
import halo.lvs.conn.Connection;
import halo.lvs.conn.ConnectionListing;
import halo.lvs.conn.RealServer;
import halo.lvs.conn.ServiceConnections;
import halo.lvs.conn.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The userspace data plane: the virtual-server table carried by a {@link ProxyEngine}, each service's connections
 * scheduled and accounted by a {@link ServiceConnections} (kernel-exact persistence, counts and counters) through a
 * {@link ServiceBalancer}.
 * <p>
 * Threads: the daemon's checker side calls this class; each service's connection table lives on the service's event
 * loop (the engine runs one loop, so every table and the shared {@link Settings} stay on one thread), and every
 * change or read of it is run there.
 */
public final class ProxyDataPlane implements DataPlane {

    /** How often the connection tables expire entries and sample their rates (the estimator wants 2 s or less). */
    private static final Duration TICK = Duration.ofSeconds(1);

    private final ProxyEngine engine;
    private final Function<ServiceKey, ProxySettings> proxySettings;
    private final LongSupplier nanoClock;
    private final Settings connectionSettings = new Settings();
    private final SplittableRandom random = new SplittableRandom();
    /** The services applied, in the order they came; checker-side thread only. */
    private final Map<ServiceKey, Running> services = new LinkedHashMap<>();
    private volatile long generation;

    private static final class Running {
        IpvsService definition;
        ProxyService spec;
        final ServiceBalancer balancer;
        ScheduledFuture<?> ticker;

        Running(IpvsService definition, ProxyService spec, ServiceBalancer balancer) {
            this.definition = definition;
            this.spec = spec;
            this.balancer = balancer;
        }
    }

    /**
     * @param proxySettings Halo's proxy_* settings of a service (from the configuration; defaults for services
     *                      added at run time)
     */
    public ProxyDataPlane(ProxyEngine engine, Function<ServiceKey, ProxySettings> proxySettings, LongSupplier nanoClock) {
        this.engine = Objects.requireNonNull(engine);
        this.proxySettings = Objects.requireNonNull(proxySettings);
        this.nanoClock = Objects.requireNonNull(nanoClock);
    }

    @Override
    public DataPlaneKind kind() {
        return DataPlaneKind.PROXY;
    }

    @Override
    public void apply(long generation, List<Action.TableChange> changes) throws DataPlaneException {
        List<String> failures = new ArrayList<>();
        for (Action.TableChange change : changes) {
            try {
                applyOne(change);
            } catch (IOException | RuntimeException e) {
                failures.add(describe(change) + ": " + message(e));
            }
        }
        if (!failures.isEmpty()) throw new DataPlaneException(failures);
        this.generation = generation;
    }

    private void applyOne(Action.TableChange change) throws IOException {
        switch (change) {
            case Action.AddService a -> addService(a.definition());
            case Action.EditService e -> editService(e.definition());
            case Action.RemoveService r -> removeService(r.service());
            case Action.AddDestination a -> addDestination(running(a.service()), a.destination());
            case Action.EditDestination e -> editDestination(running(e.service()), e.destination());
            case Action.RemoveDestination r -> removeDestination(running(r.service()), r.destination());
        }
    }

    @Override
    public void resync(long generation, IpvsSnapshot snapshot) throws DataPlaneException {
        List<String> failures = new ArrayList<>();
        Map<ServiceKey, IpvsService> wanted = new LinkedHashMap<>();
        for (IpvsService s : snapshot.services()) wanted.put(s.key(), s);
        for (ServiceKey key : List.copyOf(services.keySet())) {
            if (!wanted.containsKey(key)) removeService(key);
        }
        for (IpvsService s : wanted.values()) {
            try {
                Running r = services.get(s.key());
                if (r == null) {
                    addService(s);
                    r = running(s.key());
                } else if (!r.definition.sameSettings(s) || !specFor(s).equals(r.spec)) {
                    editService(s);
                }
                syncDestinations(r, s, failures);
            } catch (IOException | RuntimeException e) {
                failures.add("service " + ServiceBalancer.name(s.key()) + ": " + message(e));
            }
        }
        if (!failures.isEmpty()) throw new DataPlaneException(failures);
        this.generation = generation;
    }

    private void syncDestinations(Running r, IpvsService wanted, List<String> failures) {
        Map<DestinationKey, IpvsDestination> want = new HashMap<>();
        for (IpvsDestination d : wanted.destinations()) want.put(d.key(), d);
        Map<DestinationKey, IpvsDestination> have = new HashMap<>();
        for (IpvsDestination d : r.definition.destinations()) have.put(d.key(), d);
        for (DestinationKey k : have.keySet()) {
            if (!want.containsKey(k)) removeDestination(r, k);
        }
        for (IpvsDestination d : wanted.destinations()) {
            try {
                IpvsDestination old = have.get(d.key());
                if (old == null) {
                    addDestination(r, d);
                } else if (old.weight() != d.weight() || old.upperThreshold() != d.upperThreshold()
                        || old.lowerThreshold() != d.lowerThreshold() || old.forwarding() != d.forwarding()) {
                    editDestination(r, d);
                }
            } catch (RuntimeException e) {
                failures.add("destination " + ServiceBalancer.name(d.key()) + " of " + ServiceBalancer.name(wanted.key())
                        + ": " + message(e));
            }
        }
    }

    private void addService(IpvsService definition) throws IOException {
        if (services.containsKey(definition.key())) {
            throw new IllegalStateException("service exists");
        }
        ProxyService spec = specFor(definition);
        ServiceConnections table = ServiceConnections.of(definition.withDestinations(List.of()), connectionSettings,
                random.split(), nanoClock.getAsLong());
        ServiceBalancer balancer = new ServiceBalancer(table, nanoClock);
        engine.add(spec, balancer);
        Running r = new Running(definition.withDestinations(List.of()), spec, balancer);
        services.put(definition.key(), r);
        r.ticker = engine.every(spec.key(), TICK, balancer::tick);
        for (IpvsDestination d : definition.destinations()) addDestination(r, d);
    }

    private void editService(IpvsService definition) throws IOException {
        Running r = running(definition.key());
        ProxyService spec = specFor(definition);
        if (!spec.equals(r.spec)) {
            engine.update(spec);
            r.spec = spec;
        }
        engine.call(spec.key(), () -> {
            r.balancer.table().edit(definition);
            return null;
        });
        r.definition = r.definition.withSettingsOf(definition);
    }

    private void removeService(ServiceKey key) {
        Running r = services.remove(key);
        if (r == null) return;
        if (r.ticker != null) r.ticker.cancel(false);
        // the listener closes; connections finish on their own, as IPVS keeps a deleted service's connections
        engine.remove(r.spec.key());
    }

    private void addDestination(Running r, IpvsDestination d) {
        requireNat(d);
        engine.call(r.spec.key(), () -> r.balancer.table().addDestination(d.key().address(), d.key().port(),
                d.weight(), d.upperThreshold(), d.lowerThreshold(), nanoClock.getAsLong()));
        List<IpvsDestination> ds = new ArrayList<>(r.definition.destinations());
        ds.add(d);
        r.definition = r.definition.withDestinations(ds);
    }

    private void editDestination(Running r, IpvsDestination d) {
        boolean known = r.definition.destinations().stream().anyMatch(x -> x.key().equals(d.key()));
        if (!known) {
            addDestination(r, d);
            return;
        }
        requireNat(d);
        engine.call(r.spec.key(), () -> {
            r.balancer.table().editDestination(d.key().address(), d.key().port(), d.weight(), d.upperThreshold(),
                    d.lowerThreshold());
            return null;
        });
        List<IpvsDestination> ds = new ArrayList<>(r.definition.destinations());
        ds.replaceAll(x -> x.key().equals(d.key()) ? d : x);
        r.definition = r.definition.withDestinations(ds);
    }

    private static void requireNat(IpvsDestination d) {
        if (d.forwarding() != ForwardingMethod.NAT) {
            throw new IllegalArgumentException(d.forwarding() + " forwarding is not supported by the proxy data plane"
                    + " (it forwards as NAT does)");
        }
    }

    private void removeDestination(Running r, DestinationKey key) {
        engine.call(r.spec.key(), () -> {
            r.balancer.table().removeDestination(key.address(), key.port(), nanoClock.getAsLong());
            return null;
        });
        List<IpvsDestination> ds = new ArrayList<>(r.definition.destinations());
        ds.removeIf(x -> x.key().equals(key));
        r.definition = r.definition.withDestinations(ds);
    }

    private ProxyService specFor(IpvsService definition) {
        if (!(definition.key() instanceof ServiceKey.Inet inet)) {
            throw new IllegalArgumentException("fwmark services are not supported by the proxy data plane");
        }
        ProxySettings settings = proxySettings.apply(definition.key());
        if (settings == null) settings = ProxySettings.DEFAULT;
        ProxyProtocol header = switch (settings.header()) {
            case NONE -> ProxyProtocol.NONE;
            case V1 -> ProxyProtocol.V1;
            case V2 -> ProxyProtocol.V2;
        };
        return new ProxyService(new InetSocketAddress(inet.address(), inet.port()), inet.protocol(), header,
                settings.transparent(), ProxyService.DEFAULT_CONNECT_TIMEOUT, settings.maxConnections());
    }

    @Override
    public long generation() {
        return generation;
    }

    @Override
    public PlaneCounters counters() {
        Map<ServiceKey, PlaneCounters.ServiceCounters> out = new LinkedHashMap<>();
        for (Map.Entry<ServiceKey, Running> e : services.entrySet()) {
            Running r = e.getValue();
            out.put(e.getKey(), engine.call(r.spec.key(), r.balancer::counters));
        }
        return new PlaneCounters(out);
    }

    @Override
    public void zeroCounters(ServiceKey service) {
        for (Map.Entry<ServiceKey, Running> e : services.entrySet()) {
            if (service != null && !service.equals(e.getKey())) continue;
            Running r = e.getValue();
            engine.call(r.spec.key(), () -> {
                r.balancer.table().zero();
                return null;
            });
        }
    }

    @Override
    public IpvsTimeouts timeouts() {
        return onTables(() -> new IpvsTimeouts(connectionSettings.tcpSeconds(), connectionSettings.tcpFinSeconds(),
                connectionSettings.udpSeconds()));
    }

    @Override
    public void timeouts(IpvsTimeouts changes) {
        IpvsTimeouts now = onTables(() -> {
            connectionSettings.set(changes.tcp(), changes.tcpFin(), changes.udp());
            return new IpvsTimeouts(connectionSettings.tcpSeconds(), connectionSettings.tcpFinSeconds(),
                    connectionSettings.udpSeconds());
        });
        engine.timeouts(new ProxyTimeouts(Duration.ofSeconds(now.tcp()), Duration.ofSeconds(now.tcpFin()),
                Duration.ofSeconds(now.udp())));
    }

    /**
     * {@code ipvsadm -L -c}: every service's connections and templates in ipvsadm 1.31's layout (NUMERIC: -n).
     */
    @Override
    public String connectionListing(boolean numeric, boolean persistentConn) {
        List<Connection> all = new ArrayList<>();
        for (Running r : services.values()) {
            all.addAll(engine.call(r.spec.key(), () -> r.balancer.table().entries()));
        }
        return ConnectionListing.render(all, nanoClock.getAsLong(), numeric ? null : new SystemNames(), persistentConn);
    }

    /**
     * Names as ipvsadm without -n finds them: the resolver's host name, /etc/services' port name (the file read once
     * per listing, not per row).
     */
    private static final class SystemNames implements ConnectionListing.Names {
        private Map<String, String> services;

        @Override
        public String host(byte[] ipv4) {
            try {
                java.net.InetAddress a = java.net.InetAddress.getByAddress(ipv4);
                String name = a.getCanonicalHostName();
                return name.equals(a.getHostAddress()) ? null : name;
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public String service(int port, String protocol) {
            if (services == null) services = readServices();
            return services.get(port + "/" + protocol);
        }

        /** "80/tcp" -> "http", the first name a port has. */
        private static Map<String, String> readServices() {
            Map<String, String> names = new HashMap<>();
            try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/etc/services"))) {
                lines.map(l -> l.split("\\s+")).filter(w -> w.length >= 2 && !w[0].startsWith("#"))
                        .forEach(w -> names.putIfAbsent(w[1], w[0]));
            } catch (IOException | java.io.UncheckedIOException e) {
                // no names: the numbers stay
            }
            return names;
        }
    }

    /** Work on the tables' thread (the engine's one loop), or here when no service runs yet. */
    private <T> T onTables(java.util.concurrent.Callable<T> work) {
        if (services.isEmpty()) {
            try {
                return work.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return engine.call(services.values().iterator().next().spec.key(), work);
    }

    @Override
    public void close() {
        for (Running r : services.values()) {
            if (r.ticker != null) r.ticker.cancel(false);
        }
        services.clear();
        engine.close();
    }

    private static String describe(Action.TableChange change) {
        String service = ServiceBalancer.name(change.service());
        return switch (change) {
            case Action.AddService a -> "adding service " + service;
            case Action.EditService e -> "editing service " + service;
            case Action.RemoveService r -> "removing service " + service;
            case Action.AddDestination a -> "adding " + ServiceBalancer.name(a.destination().key()) + " to " + service;
            case Action.EditDestination e -> "editing " + ServiceBalancer.name(e.destination().key()) + " of " + service;
            case Action.RemoveDestination r -> "removing " + ServiceBalancer.name(r.destination()) + " from " + service;
        };
    }

    private Running running(ServiceKey key) {
        Running r = services.get(key);
        if (r == null) throw new IllegalStateException("no such service");
        return r;
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
