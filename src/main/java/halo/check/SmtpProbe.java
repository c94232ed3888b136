package halo.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * SMTP_CHECK (keepalived check_smtp.c): connect, read the greeting (must be 220), send "HELO helo_name" (reply
 * must be 250), send "QUIT" and read one reply line. Like keepalived, the QUIT reply only has to arrive (it is not
 * required to be 221), and a reply code must be three digits followed by a space or the end of the line (so a
 * multi-line "220-" banner fails). Each read and the connect are bounded by connect_timeout.
 */
public final class SmtpProbe implements Probe {

    /** keepalived's SMTP_DEFAULT_HELO. */
    public static final String DEFAULT_HELO = "smtpchecker.keepalived.org";
    static final int BUFF_MAX = 512;

    private final ConnectOptions options;
    private final String heloName;

    public SmtpProbe(ConnectOptions options, String heloName) {
        this.options = options;
        this.heloName = heloName == null ? DEFAULT_HELO : heloName;
    }

    @Override
    public ProbeResult run() {
        String server = options.format("tcp");
        Socket socket;
        try {
            socket = Sockets.connect(options);
        } catch (SocketTimeoutException e) {
            return ProbeResult.failure("SMTP_CHECK Connection timeout to server " + server);
        } catch (IOException e) {
            return ProbeResult.failure("SMTP_CHECK Could not connect to server " + server);
        }
        try (Socket s = socket) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String line = readLine(in, server);
            if (status(line) != 220) return ProbeResult.failure("SMTP_CHECK Bad greeting banner from server " + server);
            write(out, "HELO " + heloName + "\r\n", server);
            line = readLine(in, server);
            if (status(line) != 250) return ProbeResult.failure("SMTP_CHECK Bad HELO response from server " + server);
            write(out, "QUIT\r\n", server);
            readLine(in, server);
            return ProbeResult.success("Remote SMTP server " + server + " succeed on service.");
        } catch (Failure f) {
            return ProbeResult.failure(f.getMessage());
        } catch (IOException e) {
            return ProbeResult.failure("SMTP_CHECK Read failure from server " + server);
        }
    }

    private static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    private static void write(OutputStream out, String line, String server) throws Failure {
        try {
            out.write(line.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            throw new Failure("SMTP_CHECK Write failure to server " + server);
        }
    }

    /** Reads up to the first newline; what follows it in the same read is dropped, as keepalived does. */
    private static String readLine(InputStream in, String server) throws Failure {
        byte[] buf = new byte[BUFF_MAX];
        int len = 0;
        while (true) {
            int n;
            try {
                n = in.read(buf, len, buf.length - 1 - len);
            } catch (SocketTimeoutException e) {
                throw new Failure("SMTP_CHECK Read timeout from server " + server);
            } catch (IOException e) {
                throw new Failure("SMTP_CHECK Read failure from server " + server);
            }
            if (n <= 0) throw new Failure("SMTP_CHECK Read failure from server " + server);
            for (int i = len; i < len + n; i++) {
                if (buf[i] == '\n') return new String(buf, 0, i, StandardCharsets.ISO_8859_1);
            }
            len += n;
            if (len >= buf.length - 1) len = 0; // keepalived wraps a full buffer by clearing it
        }
    }

    /** keepalived's smtp_get_status: three digits, then end of line or a space; otherwise -1. */
    static int status(String line) {
        if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
        if (line.length() < 3) return -1;
        for (int i = 0; i < 3; i++) {
            if (!Character.isDigit(line.charAt(i))) return -1;
        }
        if (line.length() > 3 && line.charAt(3) != ' ') return -1;
        return Integer.parseInt(line.substring(0, 3));
    }
}
