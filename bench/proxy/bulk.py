#!/usr/bin/env python3
"""One stream for bench/proxy/run's bulk row: fetches PATH over one keep-alive connection again and again for SECONDS
and counts the bytes received. Reads 1 MiB at a time into one buffer (wrk reads 8 KiB at a time, which made the
client, not the proxy, the limit). Prints one line: RESULT requests=N bytes=B duration_us=D.

Usage: bulk.py HOST PORT PATH SECONDS
"""
import socket
import sys
import time


def main():
    host, port, path, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    request = ("GET %s HTTP/1.1\r\nHost: bench\r\n\r\n" % path).encode()
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    s = socket.create_connection((host, port), timeout=30)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    total, requests = 0, 0
    begin = time.monotonic()
    end = begin + seconds
    pending = b""
    while time.monotonic() < end:
        s.sendall(request)
        # headers (a small read: they are a few hundred bytes, and what follows them is body)
        head = pending
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                raise SystemExit("bulk.py: connection closed in the headers")
            head += chunk
        head_end = head.index(b"\r\n\r\n") + 4
        length = None
        for line in head[:head_end].split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length is None:
            raise SystemExit("bulk.py: no Content-Length in " + repr(head[:head_end]))
        body = len(head) - head_end
        total += len(head)
        pending = b""
        while body < length:
            n = s.recv_into(view, min(len(buffer), length - body))
            if n == 0:
                raise SystemExit("bulk.py: connection closed in the body")
            body += n
            total += n
            if time.monotonic() >= end:
                break
        if body >= length:
            requests += 1
    elapsed = time.monotonic() - begin
    s.close()
    print("RESULT requests=%d bytes=%d duration_us=%d" % (requests, total, elapsed * 1e6))


if __name__ == "__main__":
    main()
