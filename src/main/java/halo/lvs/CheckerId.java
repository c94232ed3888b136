package halo.lvs;

/**
 * A health checker, by position in the configuration: the virtual_server's index among all virtual servers, the
 * real_server's index in it, and the checker's index in that real server (all from 0, in file order). Checkers
 * built from the same configuration number themselves the same way.
 */
public record CheckerId(int virtualServer, int realServer, int checker) {
    public RealServerId realServerId() {
        return new RealServerId(virtualServer, realServer);
    }
}
