package halo.config;

/**
 * A track_interface line: {@code IFNAME [weight [-]N [reverse]]}. Weight 0: the interface going down puts the instance
 * in FAULT; otherwise the weight is added (positive, while up) or subtracted (negative, while down).
 */
public record TrackedInterface(String name, int weight, boolean reverse) {}
