package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DaemonLogTest {
    @Test
    void consoleLinesCarryKeepalivedsStampAndSyslogLinesDoNot() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-03T16:27:21Z"), ZoneId.of("UTC"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> syslog = new ArrayList<>();
        DaemonLog log = new DaemonLog(clock, new PrintStream(out, true, StandardCharsets.UTF_8), syslog::add, false);

        log.info("(VI_1) Entering MASTER STATE");
        log.detail("only with -D");

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Tue Nov  3 16:27:21 2026: (VI_1) Entering MASTER STATE"
                + System.lineSeparator());
        assertThat(syslog).containsExactly("(VI_1) Entering MASTER STATE");
    }

    @Test
    void theStampIsAsctimesInTheClocksZoneForAnyInstant() {
        DateTimeFormatter asctime = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);
        SplittableRandom random = new SplittableRandom(42);
        List<ZoneId> zones = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Paris"), ZoneId.of("Asia/Kolkata"),
                ZoneId.of("America/Los_Angeles"));
        for (int i = 0; i < 20_000; i++) {
            // 1970 .. 2100, whole seconds and fractions
            Instant at = Instant.ofEpochSecond(random.nextLong(4_102_444_800L), random.nextInt(1_000_000_000));
            ZonedDateTime t = at.atZone(zones.get(i % zones.size()));
            assertThat(DaemonLog.stamp(t)).as("%s", t).isEqualTo(asctime.format(t));
        }
    }
}
