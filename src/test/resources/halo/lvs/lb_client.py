#!/usr/bin/env python3
"""The client of Halo's load-balancing tests, run inside the client's namespace.

  lb_client.py requests HOST PORT COUNT           COUNT requests, a new connection each: prints each answer
  lb_client.py until-served HOST PORT SECONDS     tries a new connection every 20 ms until one is answered:
                                                  prints the answer and the seconds it took
  lb_client.py hold HOST PORT COUNT INTERVAL      one connection, COUNT requests INTERVAL seconds apart: prints
                                                  each answer (a failure prints ERROR and stops)
Every connection has a 2 s timeout; failures print ERROR <reason> on their line."""
import socket
import sys
import time


def ask(sock, host):
    sock.sendall(("GET / HTTP/1.1\r\nHost: %s\r\n\r\n" % host).encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the answer")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed in the body")
        body += chunk
    return body.decode().strip()


def once(host, port):
    with socket.create_connection((host, port), timeout=2) as s:
        return ask(s, host)


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "requests":
        for _ in range(int(sys.argv[4])):
            try:
                print(once(host, port), flush=True)
            except Exception as e:
                print("ERROR", type(e).__name__, e, flush=True)
    elif mode == "until-served":
        start = time.monotonic()
        deadline = start + float(sys.argv[4])
        while time.monotonic() < deadline:
            try:
                answer = once(host, port)
                print(answer, "%.3f" % (time.monotonic() - start), flush=True)
                return
            except Exception:
                time.sleep(0.02)
        print("ERROR not served", flush=True)
    elif mode == "hold":
        count, interval = int(sys.argv[4]), float(sys.argv[5])
        with socket.create_connection((host, port), timeout=2) as s:
            for _ in range(count):
                try:
                    print(ask(s, host), flush=True)
                except Exception as e:
                    print("ERROR", type(e).__name__, e, flush=True)
                    return
                time.sleep(interval)


main()
