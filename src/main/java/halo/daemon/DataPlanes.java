package halo.daemon;

import halo.lvs.DataPlane;
import halo.lvs.DataPlaneKind;
import halo.lvs.ServiceKey;
import halo.config.ProxySettings;
import halo.lvs.proxy.NftablesTransparentHost;
import halo.lvs.proxy.ProxyDataPlane;
import halo.lvs.proxy.ProxyEngine;
import java.util.function.Function;

/** Opens the data plane of a kind (the daemon chose it and checked the configuration against it). */
final class DataPlanes {
    /** The proxy's event loops: one, so every service's connection table lives on one thread. */
    static final int PROXY_THREADS = 1;

    private DataPlanes() {}

    /** PROXY_SETTINGS: Halo's proxy_* settings of a service, from the running configuration. */
    static DataPlane open(DataPlaneKind kind, Function<ServiceKey, ProxySettings> proxySettings) {
        return switch (kind) {
            case PROXY -> new ProxyDataPlane(ProxyEngine.start(PROXY_THREADS, NftablesTransparentHost.withDefaults()),
                    proxySettings, System::nanoTime);
            case NFTABLES -> {
                try {
                    yield halo.lvs.nft.NftablesDataPlane.open(System::nanoTime);
                } catch (halo.lvs.DataPlaneException e) {
                    throw new IllegalStateException("the nftables data plane cannot start: " + e.getMessage(), e);
                }
            }
            case IPVS -> throw new IllegalStateException("the " + kind
                    + " data plane is not available in this version of Halo");
        };
    }
}
