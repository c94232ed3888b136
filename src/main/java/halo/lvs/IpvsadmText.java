package halo.lvs;

import halo.lvs.IpvsadmCommand.Option;
import halo.net.AddressText;
import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The control-socket form of an ipvsadm command and of its answer.
 * <p>
 * Request, one line: {@code ipvsadm} and the command's canonical ipvsadm arguments, each percent-encoded (space,
 * {@code %} and control characters as {@code %XX} of their UTF-8 bytes), for example
 * {@code ipvsadm -A -t 192.0.2.10:80 -s wrr -p 360}. Canonical: numeric addresses with their ports, every value
 * explicit (the defaults ipvsadm filled in stay defaults), so {@link #decode} parses it back to the same command.
 * <p>
 * Answer: a header line {@code halo-ipvsadm 1 exit=N out=CHARS err=CHARS}, then the standard output text and the
 * standard error text, of that many characters each, without separators.
 */
public final class IpvsadmText {

    /** The control command's first word. */
    public static final String CONTROL_COMMAND = "ipvsadm";
    static final String ANSWER_MAGIC = "halo-ipvsadm 1";

    /** An answer: what ipvsadm would print and its exit status. */
    public record Answer(String out, String err, int exitCode) {}

    private IpvsadmText() {}

    /** The request line (newline included) for a command of the table, the listing or the data plane. */
    public static String encode(IpvsadmCommand c) {
        List<String> a = new ArrayList<>();
        a.add(switch (c.kind()) {
            case ADD_SERVICE -> "-A";
            case EDIT_SERVICE -> "-E";
            case DELETE_SERVICE -> "-D";
            case FLUSH -> "-C";
            case LIST -> "-L";
            case ADD_SERVER -> "-a";
            case DELETE_SERVER -> "-d";
            case EDIT_SERVER -> "-e";
            case SET -> "--set";
            case SAVE -> "-S";
            case ZERO -> "-Z";
            case START_DAEMON, STOP_DAEMON, RESTORE -> throw new IllegalArgumentException(
                    "not sent to the daemon: " + c.kind().ipvsadmName());
        });
        if (c.service() != null) {
            switch (c.service()) {
                case ServiceKey.Fwmark f -> {
                    a.add("-f");
                    a.add(Integer.toUnsignedString(f.mark()));
                    if (f.ipv6()) a.add("-6");
                }
                case ServiceKey.Inet i -> {
                    a.add(switch (i.protocol()) {
                        case TCP -> "-t";
                        case UDP -> "-u";
                        case SCTP -> "--sctp-service";
                    });
                    a.add(addressPort(i.address(), i.port()));
                }
            }
        }
        if (c.has(Option.SCHEDULER)) add(a, "-s", c.scheduler());
        if (c.has(Option.PERSISTENT)) add(a, "-p", Integer.toString(c.persistenceTimeout()));
        if (c.has(Option.NETMASK)) {
            int m = c.netmask();
            add(a, "-M", c.service() != null && c.service().ipv6() ? Integer.toString(m)
                    : (m >>> 24) + "." + ((m >>> 16) & 0xff) + "." + ((m >>> 8) & 0xff) + "." + (m & 0xff));
        }
        if (c.has(Option.PERSISTENCE_ENGINE)) add(a, "--pe", c.peName());
        if (c.has(Option.ONEPACKET)) a.add("-o");
        if (c.has(Option.SCHED_FLAGS)) {
            StringBuilder flags = new StringBuilder();
            for (ServiceFlag f : List.of(ServiceFlag.SCHED1, ServiceFlag.SCHED2, ServiceFlag.SCHED3)) {
                if (c.flags().contains(f)) flags.append(flags.isEmpty() ? "" : ",").append(flagName(f));
            }
            add(a, "-b", flags.isEmpty() ? "," : flags.toString());
        }
        if (c.destination() != null) add(a, "-r", addressPort(c.destination().address(), c.destination().port()));
        if (c.has(Option.FORWARD)) {
            a.add(switch (c.forwarding()) {
                case DR -> "-g";
                case TUN -> "-i";
                case NAT -> "-m";
            });
        }
        if (c.has(Option.WEIGHT)) add(a, "-w", Integer.toString(c.weight()));
        if (c.has(Option.UTHRESHOLD)) add(a, "-x", Integer.toString(c.upperThreshold()));
        if (c.has(Option.LTHRESHOLD)) add(a, "-y", Integer.toString(c.lowerThreshold()));
        if (c.has(Option.TUN_TYPE)) add(a, "--tun-type", c.tunnel().type().name().toLowerCase());
        if (c.has(Option.TUN_PORT)) add(a, "--tun-port", Integer.toString(c.tunnel().port()));
        if (c.has(Option.TUN_NOCSUM)) a.add("--tun-nocsum");
        if (c.has(Option.TUN_CSUM)) a.add("--tun-csum");
        if (c.has(Option.TUN_REMCSUM)) a.add("--tun-remcsum");
        if (c.has(Option.NUMERIC)) a.add("-n");
        if (c.has(Option.CONNECTION)) a.add("-c");
        if (c.has(Option.TIMEOUT)) a.add("--timeout");
        if (c.has(Option.DAEMON)) a.add("--daemon");
        if (c.has(Option.STATS)) a.add("--stats");
        if (c.has(Option.RATE)) a.add("--rate");
        if (c.has(Option.THRESHOLDS)) a.add("--thresholds");
        if (c.has(Option.PERSISTENTCONN)) a.add("--persistent-conn");
        if (c.has(Option.NOSORT)) a.add("--nosort");
        if (c.has(Option.EXACT)) a.add("--exact");
        if (c.has(Option.TUN_INFO)) a.add("--tun-info");
        if (c.timeouts() != null) {
            a.add(Integer.toString(c.timeouts().tcp()));
            a.add(Integer.toString(c.timeouts().tcpFin()));
            a.add(Integer.toString(c.timeouts().udp()));
        }
        StringBuilder line = new StringBuilder(CONTROL_COMMAND);
        for (String s : a) line.append(' ').append(escape(s));
        return line.append('\n').toString();
    }

    /** The command in a request line. @throws IllegalArgumentException when it is not one ipvsadm accepts */
    public static IpvsadmCommand decode(String request) {
        String line = request.strip();
        if (!line.equals(CONTROL_COMMAND) && !line.startsWith(CONTROL_COMMAND + " ")) {
            throw new IllegalArgumentException("not an ipvsadm request: " + line);
        }
        List<String> args = new ArrayList<>();
        for (String w : line.substring(CONTROL_COMMAND.length()).strip().split(" +")) {
            if (!w.isEmpty()) args.add(unescape(w));
        }
        return switch (IpvsadmParser.parse(CONTROL_COMMAND, args)) {
            case IpvsadmParser.Parsed p -> p.command();
            case IpvsadmParser.Exit e -> throw new IllegalArgumentException(
                    "bad ipvsadm request: " + (e.err() + e.out()).strip());
        };
    }

    public static String encodeAnswer(Answer answer) {
        return ANSWER_MAGIC + " exit=" + answer.exitCode() + " out=" + answer.out().length() + " err="
                + answer.err().length() + "\n" + answer.out() + answer.err();
    }

    /** @throws IllegalArgumentException when TEXT is not an answer */
    public static Answer decodeAnswer(String text) {
        int nl = text.indexOf('\n');
        String head = nl < 0 ? text : text.substring(0, nl);
        String[] w = head.split(" ");
        if (!head.startsWith(ANSWER_MAGIC + " ") || w.length != 5 || !w[2].startsWith("exit=")
                || !w[3].startsWith("out=") || !w[4].startsWith("err=")) {
            throw new IllegalArgumentException("not an ipvsadm answer: " + head.strip());
        }
        try {
            int exit = Integer.parseInt(w[2].substring(5));
            int outLength = Integer.parseInt(w[3].substring(4));
            int errLength = Integer.parseInt(w[4].substring(4));
            String body = text.substring(nl + 1);
            if (body.length() != outLength + errLength) {
                throw new IllegalArgumentException("an ipvsadm answer of " + body.length() + " characters, not "
                        + (outLength + errLength));
            }
            return new Answer(body.substring(0, outLength), body.substring(outLength), exit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an ipvsadm answer: " + head.strip(), e);
        }
    }

    private static void add(List<String> a, String option, String value) {
        a.add(option);
        a.add(value);
    }

    /** flag-N names are accepted with any scheduler; sh-/mh- names only with theirs (the same bits). */
    private static String flagName(ServiceFlag f) {
        return switch (f) {
            case SCHED1 -> "flag-1";
            case SCHED2 -> "flag-2";
            default -> "flag-3";
        };
    }

    private static String addressPort(InetAddress address, int port) {
        String a = AddressText.format(address);
        return (address instanceof Inet6Address ? "[" + a + "]" : a) + ":" + port;
    }

    static String escape(String s) {
        if (s.isEmpty()) return "%";
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int v = b & 0xff;
            if (v <= ' ' || v == '%' || v == 0x7f) {
                out.append('%').append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 15, 16));
            } else {
                out.append((char) v);
            }
        }
        return new String(out.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    static String unescape(String s) {
        if (s.equals("%")) return "";
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length) {
                out.write(Integer.parseInt(new String(in, i + 1, 2, StandardCharsets.US_ASCII), 16));
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
