package halo.lvs.conn;

import static halo.lvs.conn.Net.A;
import static halo.lvs.conn.Net.SECOND;
import static halo.lvs.conn.Net.flow;
import static halo.lvs.conn.Net.tcpService;
import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.Protocol;
import halo.lvs.Stats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Totals and rates as ip_vs_est.c and ip_vs_ctl.c give them, for steady traffic: every 10 ms (at 5 ms, 15 ms, ...)
 * one new connection with 10 packets / 12,500 bytes in and 5 packets / 2,500 bytes out. Per 2-second sample that is
 * 200 connections, 2000 and 1000 packets, 2,500,000 and 500,000 bytes.
 *
 * <p>By hand, with avg += ((delta << s) - avg) >> 2 from 0, read back as (avg + 0x1FF) >> 10 (s = 9) or
 * (avg + 0xF) >> 5 (s = 4):
 * <pre>
 * CPS:    delta << 9 = 102,400: avg 25,600 / 44,800 / 59,200 / 70,000 -> 25 / 44 / 58 / 68
 * InPPS:  1,024,000: avg 256,000 / 448,000 / 592,000 / 700,000 -> 250 / 437 / 578 / 684
 * OutPPS: 512,000: avg 128,000 / 224,000 / 296,000 / 350,000 -> 125 / 219 / 289 / 342
 * InBPS:  40,000,000: avg 10,000,000 / 17,500,000 / 23,125,000 / 27,343,750 -> 312,500 / 546,875 / 722,656 / 854,492
 * OutBPS: 8,000,000: avg 2,000,000 / 3,500,000 / 4,625,000 / 5,468,750 -> 62,500 / 109,375 / 144,531 / 170,898
 * </pre>
 * (448,511 >> 10 = 437: the kernel's rounding constant is 0x1FF, just under a half.)
 */
class CountersTest {

    @Test
    void steadyTrafficGivesTheKernelsRatesAndTotalsAsOfTheLastSample() {
        ServiceConnections s = tcpService("rr", 0, 0xffffffff, new Settings());
        s.addDestination(A, 80, 1, 0, 0, 0);
        List<Stats> rates = new ArrayList<>();
        List<Stats> totals = new ArrayList<>();
        int port = 1;
        for (int sample = 1; sample <= 4; sample++) {
            for (int i = 0; i < 200; i++) {
                long t = (sample - 1) * 2 * SECOND + i * SECOND / 100 + SECOND / 200;
                Connection c = s.open(flow("203.0.113.1", port++), Protocol.TCP, t);
                s.received(c, Segment.ACK, 10, 12_500, t);
                s.sent(c, Segment.ACK, 5, 2_500, t);
                s.expire(t);
                if (sample == 1 && i == 100) {
                    assertThat(s.counters().totals()).as("nothing shown before the first sample").isEqualTo(Stats.ZERO);
                }
            }
            s.expire(sample * 2 * SECOND);
            rates.add(s.counters().rates());
            totals.add(s.counters().totals());
        }
        assertThat(rates).containsExactly(
                new Stats(25, 250, 125, 312_500, 62_500),
                new Stats(44, 437, 219, 546_875, 109_375),
                new Stats(58, 578, 289, 722_656, 144_531),
                new Stats(68, 684, 342, 854_492, 170_898));
        assertThat(totals.getLast()).isEqualTo(new Stats(800, 8_000, 4_000, 10_000_000, 2_000_000));
        assertThat(s.realServer(A, 80).counters().rates()).as("the only server carries it all")
                .isEqualTo(rates.getLast());

        // -Z: the last sample's totals become zero, the rates restart.
        s.zero();
        assertThat(s.counters().totals()).isEqualTo(Stats.ZERO);
        assertThat(s.counters().rates()).isEqualTo(Stats.ZERO);
        Connection c = s.open(flow("203.0.113.1", port), Protocol.TCP, 9 * SECOND);
        s.received(c, Segment.ACK, 3, 300, 9 * SECOND);
        s.expire(10 * SECOND);
        assertThat(s.counters().totals()).isEqualTo(new Stats(1, 3, 0, 300, 0));
        // one connection in 2 s: (1 << 9) >> 2 = 128, (128 + 511) >> 10 = 0
        assertThat(s.counters().rates()).isEqualTo(new Stats(0, 0, 0, (((300L << 4) >> 2) + 15) >> 5, 0));
    }
}
