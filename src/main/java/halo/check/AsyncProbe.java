package halo.check;

import java.util.concurrent.CompletableFuture;

/** A probe that completes on an event loop instead of blocking a thread (TCP_CHECK). */
public interface AsyncProbe extends Probe {

    /** Starts one probe; the future completes (never exceptionally) within the probe's timeout. */
    CompletableFuture<ProbeResult> start();

    @Override
    default ProbeResult run() throws InterruptedException {
        try {
            return start().get();
        } catch (java.util.concurrent.ExecutionException e) {
            return ProbeResult.failure(String.valueOf(e.getCause()));
        }
    }
}
