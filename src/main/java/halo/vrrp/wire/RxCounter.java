package halo.vrrp.wire;

/**
 * Receive counters, named after the MIB objects they implement: RFC 6527 (VRRPV3-MIB) where one exists, RFC 2787
 * (VRRP-MIB) for the v2 authentication counters.
 */
public enum RxCounter {
    /** Adverts that passed every check (keepalived counts them after the checksum, before the address list). */
    RCVD_ADVERTISEMENTS("vrrpv3StatisticsRcvdAdvertisements"),
    IP_TTL_ERRORS("vrrpv3StatisticsIpTtlErrors"),
    PACKET_LENGTH_ERRORS("vrrpv3StatisticsPacketLengthErrors"),
    VERSION_ERRORS("vrrpv3RouterVersionErrors"),
    RCVD_INVALID_TYPE("vrrpv3StatisticsRcvdInvalidTypePackets"),
    CHECKSUM_ERRORS("vrrpv3RouterChecksumErrors"),
    VRID_ERRORS("vrrpv3RouterVrIdErrors"),
    INVALID_AUTH_TYPE("vrrpStatsInvalidAuthType"),
    AUTH_TYPE_MISMATCH("vrrpStatsAuthTypeMismatch"),
    AUTH_FAILURES("vrrpStatsAuthFailures"),
    ADV_INTERVAL_ERRORS("vrrpv3StatisticsAdvIntervalErrors"),
    ADDRESS_LIST_ERRORS("vrrpv3StatisticsAddressListErrors"),
    RCVD_PRI_ZERO("vrrpv3StatisticsRcvdPriZeroPackets"),
    /** Packets dropped for a reason no MIB names (an AH header protecting another protocol). */
    OTHER_DISCARDS("haloRcvdOtherDiscards");

    /** The MIB object name (or Halo's own for {@link #OTHER_DISCARDS}). */
    public final String mibName;

    RxCounter(String mibName) {
        this.mibName = mibName;
    }
}
