package halo.lvs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel side of the table: services and destinations as IPVS would hold them after a sequence of changes, with
 * IPVS's answers to commands that do not fit (adding what exists is EEXIST, removing what is absent is ENOENT, both
 * ignored by keepalived; editing an absent destination adds it, as keepalived's ipvs_talk retries). Mutable; not
 * thread-safe (one owner, the daemon's loop).
 */
public final class IpvsTable {
    private final Map<ServiceKey, IpvsService> services = new LinkedHashMap<>();
    private final int connectionTableSize;

    public IpvsTable() {
        this(IpvsSnapshot.DEFAULT_TABLE_SIZE);
    }

    public IpvsTable(int connectionTableSize) {
        this.connectionTableSize = connectionTableSize;
    }

    /**
     * Applies a change as the kernel would and returns the change that really happened, or empty when the kernel
     * would refuse it (EEXIST, ENOENT, no such service) and nothing changes.
     */
    public Optional<Action.TableChange> apply(Action.TableChange change) {
        return switch (change) {
            case Action.AddService a -> {
                if (services.containsKey(a.service())) yield Optional.empty();
                services.put(a.service(), a.definition().withDestinations(List.of()));
                yield Optional.of(change);
            }
            case Action.EditService e -> {
                IpvsService old = services.get(e.service());
                if (old == null) yield Optional.empty();
                services.put(e.service(), old.withSettingsOf(e.definition()));
                yield Optional.of(change);
            }
            case Action.RemoveService r -> {
                yield services.remove(r.service()) == null ? Optional.empty() : Optional.of(change);
            }
            case Action.AddDestination a -> {
                IpvsService s = services.get(a.service());
                if (s == null || find(s, a.destination().key()) >= 0) yield Optional.empty();
                List<IpvsDestination> ds = new ArrayList<>(s.destinations());
                ds.add(a.destination());
                services.put(s.key(), s.withDestinations(ds));
                yield Optional.of(change);
            }
            case Action.EditDestination e -> {
                IpvsService s = services.get(e.service());
                if (s == null) yield Optional.empty();
                int i = find(s, e.destination().key());
                if (i < 0) {
                    yield apply(new Action.AddDestination(e.service(), e.destination()));
                }
                List<IpvsDestination> ds = new ArrayList<>(s.destinations());
                ds.set(i, ds.get(i).withSettingsOf(e.destination()));
                services.put(s.key(), s.withDestinations(ds));
                yield Optional.of(change);
            }
            case Action.RemoveDestination r -> {
                IpvsService s = services.get(r.service());
                if (s == null) yield Optional.empty();
                int i = find(s, r.destination());
                if (i < 0) yield Optional.empty();
                List<IpvsDestination> ds = new ArrayList<>(s.destinations());
                ds.remove(i);
                services.put(s.key(), s.withDestinations(ds));
                yield Optional.of(change);
            }
        };
    }

    /**
     * Makes this table hold what TARGET holds (services, their settings, destinations and their settings; counters
     * are kept) and returns the changes that did it, in the order a data plane applies them: services gone first,
     * then each target service added or edited with its destinations. A reload uses it to drop runtime changes.
     */
    public List<Action.TableChange> restore(IpvsSnapshot target) {
        List<Action.TableChange> changes = new ArrayList<>();
        Map<ServiceKey, IpvsService> wanted = new LinkedHashMap<>();
        for (IpvsService s : target.services()) wanted.put(s.key(), s);
        for (ServiceKey key : List.copyOf(services.keySet())) {
            if (!wanted.containsKey(key)) apply(new Action.RemoveService(key)).ifPresent(changes::add);
        }
        for (IpvsService w : wanted.values()) {
            IpvsService have = services.get(w.key());
            if (have == null) {
                apply(new Action.AddService(w)).ifPresent(changes::add);
                for (IpvsDestination d : w.destinations()) {
                    apply(new Action.AddDestination(w.key(), d)).ifPresent(changes::add);
                }
                continue;
            }
            if (!have.sameSettings(w)) apply(new Action.EditService(w)).ifPresent(changes::add);
            for (IpvsDestination d : have.destinations()) {
                if (find(w, d.key()) < 0) {
                    apply(new Action.RemoveDestination(w.key(), d.key())).ifPresent(changes::add);
                }
            }
            for (IpvsDestination d : w.destinations()) {
                int i = find(services.get(w.key()), d.key());
                if (i < 0) {
                    apply(new Action.AddDestination(w.key(), d)).ifPresent(changes::add);
                } else if (!sameSettings(services.get(w.key()).destinations().get(i), d)) {
                    apply(new Action.EditDestination(w.key(), d)).ifPresent(changes::add);
                }
            }
        }
        return changes;
    }

    private static boolean sameSettings(IpvsDestination a, IpvsDestination b) {
        return a.forwarding() == b.forwarding() && java.util.Objects.equals(a.tunnel(), b.tunnel())
                && a.weight() == b.weight() && a.upperThreshold() == b.upperThreshold()
                && a.lowerThreshold() == b.lowerThreshold();
    }

    public boolean contains(ServiceKey service) {
        return services.containsKey(service);
    }

    public Optional<IpvsDestination> destination(ServiceKey service, DestinationKey destination) {
        IpvsService s = services.get(service);
        if (s == null) return Optional.empty();
        int i = find(s, destination);
        return i < 0 ? Optional.empty() : Optional.of(s.destinations().get(i));
    }

    public IpvsSnapshot snapshot() {
        return new IpvsSnapshot(List.copyOf(services.values()), connectionTableSize);
    }

    private static int find(IpvsService s, DestinationKey key) {
        for (int i = 0; i < s.destinations().size(); i++) {
            if (s.destinations().get(i).key().equals(key)) return i;
        }
        return -1;
    }
}
