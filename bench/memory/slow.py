#!/usr/bin/env python3
"""Slow uploads for bench/memory: N TLS connections (spread over the source
addresses 127.0.0.2-127.0.0.9, so that the per-address limit is not what
holds them back) each POST a body of BYTES to /validate in 16 pieces over
SECONDS, then read the answer.  Prints the count of each status.

  slow.py PORT CAFILE N BYTES SECONDS
"""
import collections
import socket
import ssl
import sys
import threading
import time


def main():
    port, cafile, n, size, secs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    ctx = ssl.create_default_context(cafile=cafile)
    pad = size - 200
    body = (b'{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",'
            b'"x":"' + b"a" * pad + b'"}}')
    socks = []
    for i in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=30,
                                         source_address=("127.0.0.%d" % (2 + i % 8), 0))
            s = ctx.wrap_socket(s, server_hostname="localhost")
            s.sendall(b"POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(body))
            socks.append(s)
        except (OSError, ssl.SSLError):
            pass
    piece = len(body) // 16 + 1
    out = collections.Counter()
    for k in range(16):
        for s in socks:
            try:
                s.sendall(body[k * piece:(k + 1) * piece])
            except (OSError, ssl.SSLError):
                pass
        time.sleep(secs / 16)
    for s in socks:
        try:
            s.settimeout(30)
            d = s.recv(100)
            out[d.split(b" ")[1].decode() if d.startswith(b"HTTP/1.") else "none"] += 1
        except (OSError, ssl.SSLError) as e:
            out[type(e).__name__] += 1
    print("connections=%d" % len(socks), " ".join("%s=%d" % kv for kv in sorted(out.items())))


if __name__ == "__main__":
    main()
