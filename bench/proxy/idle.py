#!/usr/bin/env python3
"""Opens COUNT idle client connections through a proxy and holds them until SIGTERM (bench/proxy/run, memory row).

Each connection makes one keep-alive request (so the proxy has certainly connected it to a real server and relayed
both ways), reads the whole answer, and then stays idle. At most MAX_IN_FLIGHT connects are pending at a time, so a
proxy's listen backlog is never what limits the figure. Writes "opened=N failed=M seconds=S" to READY_FILE once
every connection is done or the deadline passed; at SIGTERM (or after HOLD_S seconds) it counts the connections
still open (no end-of-file from the proxy), writes "still_open=K" to READY_FILE.end and exits.

Usage: idle.py HOST PORT COUNT DEADLINE_S HOLD_S READY_FILE
"""
import errno
import resource
import selectors
import signal
import socket
import sys
import time

MAX_IN_FLIGHT = 256
REQUEST = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"


def answer_complete(data):
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return False
    length = 0
    for line in data[:head_end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return len(data) >= head_end + 4 + length


def main():
    host, port, count, deadline_s, hold_s, ready_file = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                                                         float(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 1024), hard))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    selector = selectors.DefaultSelector()
    opened, failed, started, in_flight = [], 0, 0, 0
    buffers = {}
    begin = time.monotonic()
    deadline = begin + deadline_s
    while (started < count or in_flight > 0) and time.monotonic() < deadline and not stop:
        while started < count and in_flight < MAX_IN_FLIGHT:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            code = s.connect_ex((host, port))
            started += 1
            if code not in (0, errno.EINPROGRESS):
                failed += 1
                s.close()
                continue
            selector.register(s, selectors.EVENT_WRITE)
            in_flight += 1
        for key, _ in selector.select(timeout=0.5):
            s = key.fileobj
            done, ok = False, False
            try:
                if key.events == selectors.EVENT_WRITE:
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                        done = True
                    else:
                        s.send(REQUEST)
                        buffers[s] = b""
                        selector.modify(s, selectors.EVENT_READ)
                else:
                    chunk = s.recv(65536)
                    if not chunk:
                        done = True
                    else:
                        buffers[s] += chunk
                        if answer_complete(buffers[s]):
                            done, ok = True, True
            except OSError:
                done = True
            if done:
                selector.unregister(s)
                buffers.pop(s, None)
                in_flight -= 1
                if ok:
                    opened.append(s)
                else:
                    failed += 1
                    s.close()
    failed += count - started + in_flight
    with open(ready_file, "w") as f:
        f.write("opened=%d failed=%d seconds=%.2f\n" % (len(opened), failed, time.monotonic() - begin))
    hold_until = time.monotonic() + hold_s
    while not stop and time.monotonic() < hold_until:
        time.sleep(0.1)
    still_open = 0
    for s in opened:
        try:
            if s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b"":
                still_open += 1   # unexpected bytes, but open
        except BlockingIOError:
            still_open += 1
        except OSError:
            pass
    with open(ready_file + ".end", "w") as f:
        f.write("still_open=%d\n" % still_open)
    for s in opened:
        s.close()


if __name__ == "__main__":
    main()
