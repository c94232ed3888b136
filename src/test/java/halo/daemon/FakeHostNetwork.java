package halo.daemon;

import halo.os.HostAddress;
import halo.os.NativeException;
import halo.os.Route;
import halo.os.Rule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A host network in memory for unit tests: interfaces by name, the addresses, routes and rules it holds, and every
 * change in order ("+addr 192.0.2.100/24 eth0", "-route ..."). Adding what is there fails with EEXIST, removing what
 * is not there with EADDRNOTAVAIL (ESRCH for routes, ENOENT for rules), as the kernel does.
 */
final class FakeHostNetwork implements HostNetwork {

    private final Map<String, Integer> interfaces;
    final List<String> changes = new ArrayList<>();
    final Set<String> addresses = new HashSet<>();
    final Set<Route> routes = new HashSet<>();
    final Set<Rule> rules = new HashSet<>();

    FakeHostNetwork(Map<String, Integer> interfaces) {
        this.interfaces = interfaces;
    }

    @Override
    public int interfaceIndex(String name) {
        return interfaces.getOrDefault(name, 0);
    }

    private String nameOf(int index) {
        return interfaces.entrySet().stream().filter(e -> e.getValue() == index).map(Map.Entry::getKey).findFirst()
                .orElseThrow();
    }

    private String text(HostAddress a) {
        return a.address().getHostAddress() + "/" + a.prefixLength() + " " + nameOf(a.interfaceIndex());
    }

    @Override
    public void addAddress(HostAddress a) throws NativeException {
        if (!addresses.add(text(a))) {
            throw NativeException.of("rtnetlink", 17, text(a));
        }
        changes.add("+addr " + text(a));
    }

    @Override
    public void removeAddress(HostAddress a) throws NativeException {
        if (!addresses.remove(text(a))) {
            throw NativeException.of("rtnetlink", 99, text(a));
        }
        changes.add("-addr " + text(a));
    }

    @Override
    public void addRoute(Route r) throws NativeException {
        if (!routes.add(r)) {
            throw NativeException.of("rtnetlink", 17, r.toString());
        }
        changes.add("+route " + r);
    }

    @Override
    public void removeRoute(Route r) throws NativeException {
        if (!routes.remove(r)) {
            throw NativeException.of("rtnetlink", 3, r.toString());
        }
        changes.add("-route " + r);
    }

    @Override
    public void addRule(Rule r) throws NativeException {
        if (!rules.add(r)) {
            throw NativeException.of("rtnetlink", 17, r.toString());
        }
        changes.add("+rule " + r);
    }

    @Override
    public void removeRule(Rule r) throws NativeException {
        if (!rules.remove(r)) {
            throw NativeException.of("rtnetlink", 2, r.toString());
        }
        changes.add("-rule " + r);
    }
}
