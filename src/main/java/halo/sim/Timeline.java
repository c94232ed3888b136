package halo.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Every state change of a run, in order, and what the LAN looks like at any moment: which node is MASTER of
 * which VRID. Instances are registered with their VRID and address family so that instances of one virtual router
 * on different nodes (which may carry different names) are compared with each other.
 */
public final class Timeline {
    /** A virtual router on the LAN: VRID plus family (an IPv4 and an IPv6 router may share a VRID). */
    public record RouterKey(int vrid, boolean ipv6) implements Comparable<RouterKey> {
        @Override
        public int compareTo(RouterKey o) {
            return vrid != o.vrid ? Integer.compare(vrid, o.vrid) : Boolean.compare(ipv6, o.ipv6);
        }

        @Override
        public String toString() {
            return "VRID " + vrid + (ipv6 ? " (IPv6)" : "");
        }
    }

    private final List<Transition> transitions = new ArrayList<>();
    private final Map<String, RouterKey> routerOf = new LinkedHashMap<>();
    private final Map<String, String> current = new LinkedHashMap<>();
    private final List<Consumer<Transition>> listeners = new ArrayList<>();

    private static String key(String node, String instance) {
        return node + "\u0000" + instance;
    }

    /** Declares that {@code instance} on {@code node} is a member of virtual router {@code router}. */
    public void register(String node, String instance, RouterKey router) {
        routerOf.put(key(node, instance), router);
        current.putIfAbsent(key(node, instance), "INIT");
    }

    public void addListener(Consumer<Transition> listener) {
        listeners.add(listener);
    }

    public void record(Transition t) {
        transitions.add(t);
        current.put(key(t.node(), t.instance()), t.to());
        for (Consumer<Transition> l : listeners) l.accept(t);
    }

    public List<Transition> transitions() {
        return Collections.unmodifiableList(transitions);
    }

    public String state(String node, String instance) {
        return current.getOrDefault(key(node, instance), "INIT");
    }

    public RouterKey routerOf(String node, String instance) {
        return routerOf.get(key(node, instance));
    }

    /** Every virtual router seen, in order. */
    public List<RouterKey> routers() {
        return routerOf.values().stream().distinct().sorted().toList();
    }

    /** Nodes whose instance of {@code router} is MASTER now. */
    public List<String> masters(RouterKey router) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, RouterKey> e : routerOf.entrySet()) {
            if (!e.getValue().equals(router)) continue;
            if ("MASTER".equals(current.get(e.getKey()))) out.add(e.getKey().substring(0, e.getKey().indexOf('\u0000')));
        }
        return out;
    }

    /** MASTER nodes per virtual router now. */
    public Map<RouterKey, List<String>> masters() {
        Map<RouterKey, List<String>> out = new TreeMap<>();
        for (RouterKey r : routers()) out.put(r, masters(r));
        return out;
    }

    /** Forgets a node's states (crash: its instances are gone, not in any state the LAN can see). */
    public void nodeDown(String node, long nanos, String reason) {
        for (Map.Entry<String, String> e : current.entrySet()) {
            if (!e.getKey().startsWith(node + "\u0000")) continue;
            String from = e.getValue();
            if (from.equals("DOWN")) continue;
            String instance = e.getKey().substring(node.length() + 1);
            if (!routerOf.containsKey(e.getKey())) continue;
            record(new Transition(nanos, node, instance, from, "DOWN", reason));
        }
    }
}
