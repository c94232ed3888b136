package halo.lvs;

/** A destination's current connection counts as IPVS reports them (active = established TCP; persistent = templates). */
public record Connections(long active, long inactive, long persistent) {
    public static final Connections NONE = new Connections(0, 0, 0);
}
