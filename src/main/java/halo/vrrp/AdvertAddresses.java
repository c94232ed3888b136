package halo.vrrp;

/**
 * A read-only view of the addresses in a received advertisement, so the state machine can run keepalived's address
 * check (count, then each of our virtual addresses) without copying them. The codec's flyweight implements it over
 * its buffer; {@link IpAddress#matches} compares without allocating.
 */
public interface AdvertAddresses {

    /** The advert's "Count IPvX Addr". */
    int count();

    /** Whether {@code address} is among the advert's addresses. */
    boolean contains(IpAddress address);
}
