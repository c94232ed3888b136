package halo;

/** Halo's version, shown by {@code halo version} and in the daemon's start and stop lines. */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {}
}
