#!/usr/bin/env python3
"""Kept-alive connections for bench/memory: N TLS connections (source
addresses 127.0.0.2-127.0.0.9) each get one GET /healthz answered and then
stay open, idle, for SECONDS.  Prints how many were held.

  hold.py PORT CAFILE N SECONDS
"""
import socket
import ssl
import sys
import time


def main():
    port, cafile, n, secs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    ctx = ssl.create_default_context(cafile=cafile)
    held = []
    for i in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=30,
                                         source_address=("127.0.0.%d" % (2 + i % 8), 0))
            s = ctx.wrap_socket(s, server_hostname="localhost")
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            data = b""
            while b"ok\n" not in data:
                d = s.recv(4096)
                if not d:
                    break
                data += d
            held.append(s)
        except (OSError, ssl.SSLError):
            pass
    print("held=%d" % len(held), flush=True)
    time.sleep(secs)


if __name__ == "__main__":
    main()
