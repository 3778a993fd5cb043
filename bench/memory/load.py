#!/usr/bin/env python3
"""Concurrent large reviews for bench/memory.

  load.py PORT CAFILE BODY N ROUNDS
    N threads, each POSTing BODY to https://localhost:PORT/validate ROUNDS
    times (a new connection each time, all N sent at once); prints the count
    of each status and the slowest answer.
"""
import collections
import socket
import ssl
import sys
import threading
import time


def one(port, ctx, body, out):
    t0 = time.time()
    try:
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=60),
                            server_hostname="localhost")
        s.sendall(b"POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        data = b""
        while b"\r\n" not in data:
            d = s.recv(65536)
            if not d:
                break
            data += d
        while s.recv(65536):
            pass
        s.close()
        st = data.split(b" ")[1].decode() if data.startswith(b"HTTP/1.") else "none"
    except (OSError, ssl.SSLError) as e:
        st = type(e).__name__
    out.append((st, time.time() - t0))


def main():
    port, cafile, body_file, n, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    body = open(body_file, "rb").read()
    ctx = ssl.create_default_context(cafile=cafile)
    out = []
    for _ in range(rounds):
        th = [threading.Thread(target=one, args=(int(port), ctx, body, out)) for _ in range(n)]
        for t in th:
            t.start()
        for t in th:
            t.join()
    c = collections.Counter(s for s, _ in out)
    print(" ".join("%s=%d" % kv for kv in sorted(c.items())), "slowest=%.2fs" % max(t for _, t in out))


if __name__ == "__main__":
    main()
