package halo.lvs.proxy;

/**
 * The host setup transparent connections need: replies from real servers, addressed to the client's address, must
 * be delivered to the proxy's socket instead of routed on. Installed before the first transparent service and
 * removed when the engine stops; called on an engine thread (so in the engine's network namespace).
 */
public interface TransparentHost {
    /** Installs the setup (idempotent: replaces Halo's own leftovers). */
    void install() throws Exception;

    /** Removes what {@link #install} made; never throws for what is already gone. */
    void remove();
}
