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
    void jsonLinesCarryTimeLevelInstanceEventAndFieldsWithKeepalivedsWords() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-03T16:27:21.123456Z"), ZoneId.of("Europe/Paris"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> syslog = new ArrayList<>();
        DaemonLog log = new DaemonLog(clock, new PrintStream(out, true, StandardCharsets.UTF_8), syslog::add, true, true);

        log.info("(VI_1) Entering MASTER STATE");
        log.detail("Opening \"file\" C:\\x");
        log.info("(VI_1) Received advert from 192.0.2.2 with lower priority 90, ours 100, forcing new election");

        String first = "{\"time\":\"2026-11-03T16:27:21.123Z\",\"level\":\"info\",\"instance\":\"VI_1\","
                + "\"event\":\"Entering MASTER STATE\",\"fields\":{\"state\":\"MASTER\"}}";
        String second = "{\"time\":\"2026-11-03T16:27:21.123Z\",\"level\":\"debug\",\"instance\":null,"
                + "\"event\":\"Opening \\\"file\\\" C:\\\\x\",\"fields\":{}}";
        String third = "{\"time\":\"2026-11-03T16:27:21.123Z\",\"level\":\"info\",\"instance\":\"VI_1\","
                + "\"event\":\"Received advert from 192.0.2.2 with lower priority 90, ours 100, forcing new election\","
                + "\"fields\":{}}";
        assertThat(out.toString(StandardCharsets.UTF_8).split(System.lineSeparator())).containsExactly(first, second, third);
        assertThat(syslog).containsExactly(first, second, third);
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
