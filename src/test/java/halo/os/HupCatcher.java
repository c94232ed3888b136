package halo.os;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Run by ProcessSignalsInheritedIgnoreTest in a child JVM: catches SIGHUP as the daemon does and says so. */
public final class HupCatcher {
    private HupCatcher() {}

    public static void main(String[] args) throws Exception {
        CountDownLatch caught = new CountDownLatch(1);
        ProcessSignals.catchNamed("HUP", (number, name) -> caught.countDown());
        System.out.println("ready");
        System.out.flush();
        System.out.println(caught.await(20, TimeUnit.SECONDS) ? "caught" : "not caught");
    }
}
