package halo.daemon;

import halo.os.HostAddress;
import halo.os.NativeException;
import halo.os.Route;
import halo.os.Rule;

/**
 * The host's addresses, routes and rules as the VIP installer changes them: rtnetlink on Linux
 * ({@link LinuxHostNetwork}), a recording fake in unit tests. Failures are the kernel's, typed.
 */
interface HostNetwork {

    /** The interface's index, 0 when there is no such interface. */
    int interfaceIndex(String name);

    void addAddress(HostAddress address) throws NativeException;

    void removeAddress(HostAddress address) throws NativeException;

    void addRoute(Route route) throws NativeException;

    void removeRoute(Route route) throws NativeException;

    void addRule(Rule rule) throws NativeException;

    void removeRule(Rule rule) throws NativeException;
}
