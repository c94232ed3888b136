package halo.config;

import java.time.Duration;

/**
 * Gratuitous ARP / unsolicited NA behaviour of one instance (instance keyword, else global_defs vrrp_garp_*, else default).
 *
 * @param masterDelay         delay before the second batch after becoming master (5 s; zero: no second batch)
 * @param masterRepeat        messages per batch on becoming master (5)
 * @param masterRefresh       interval of periodic refresh while master (zero: off)
 * @param masterRefreshRepeat messages per refresh (1)
 * @param lowerPrioDelay      delay before the second batch after a lower-priority advert (= masterDelay)
 * @param lowerPrioRepeat     messages per batch after a lower-priority advert (= masterRepeat)
 */
public record GarpSettings(Duration masterDelay, int masterRepeat, Duration masterRefresh, int masterRefreshRepeat,
                           Duration lowerPrioDelay, int lowerPrioRepeat) {}
