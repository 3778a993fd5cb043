#!/usr/bin/env python3
"""TLS client helpers for tests/suites/serve.sh (loopback only, bounded times).

  slow PORT CAFILE MODE         MODE headers|body: trickle a request, print the
                                seconds until the server closes the connection
  load PORT CAFILE BODY SECONDS STOPFILE
                                POST BODY on a new connection each time until
                                STOPFILE exists (or SECONDS pass); print
                                "requests=N failures=M" (a failure: any error or
                                a status other than 200)
  fingerprint PORT CAFILE       print the SHA-256 of the certificate served now
  bigcl PORT CAFILE LENGTH      send only headers announcing LENGTH bytes; print
                                the status line
  inflight PORT CAFILE BODY DELAY
                                send the headers and half the body, wait DELAY
                                seconds, send the rest; print the status line
"""
import hashlib
import http.client
import os
import socket
import ssl
import sys
import time


def ctx_for(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = True
    return ctx


def connect(port, cafile, timeout=10):
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return ctx_for(cafile).wrap_socket(raw, server_hostname="localhost")


def slow(port, cafile, mode):
    s = connect(port, cafile)
    t0 = time.time()
    if mode == "headers":
        s.sendall(b"POST /validate HTTP/1.1\r\nHost: localhost\r\n")
    else:
        s.sendall(b"POST /validate HTTP/1.1\r\nHost: localhost\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
    s.settimeout(0.25)
    while time.time() - t0 < 20:
        try:
            if mode == "body":
                s.sendall(b" ")
            d = s.recv(100)
            if not d:
                break
        except socket.timeout:
            continue
        except (ssl.SSLError, OSError):
            break
    print("%.1f" % (time.time() - t0))


def load(port, cafile, body_file, seconds, stopfile):
    body = open(body_file, "rb").read()
    ctx = ctx_for(cafile)
    n = fails = 0
    t0 = time.time()
    errors = []
    while time.time() - t0 < seconds and not os.path.exists(stopfile):
        n += 1
        try:
            c = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=5)
            c.request("POST", "/validate", body, {"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            if r.status != 200:
                fails += 1
                errors.append("status %d" % r.status)
            c.close()
        except Exception as e:  # every failure counts, whatever it is
            fails += 1
            errors.append(repr(e))
    print("requests=%d failures=%d %s" % (n, fails, "; ".join(errors[:3])))


def fingerprint(port, cafile):
    s = connect(port, cafile)
    der = s.getpeercert(binary_form=True)
    s.close()
    print(hashlib.sha256(der).hexdigest())


def inflight(port, cafile, body_file, delay):
    body = open(body_file, "rb").read()
    s = connect(port, cafile)
    s.sendall(b"POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body[: len(body) // 2])
    time.sleep(delay)
    s.sendall(body[len(body) // 2:])
    s.settimeout(10)
    data = b""
    while b"\r\n" not in data:
        d = s.recv(4096)
        if not d:
            break
        data += d
    print(data.split(b"\r\n")[0].decode(errors="replace"))


def bigcl(port, cafile, length):
    s = connect(port, cafile)
    s.sendall(b"POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n" % length)
    s.settimeout(10)
    data = b""
    while b"\r\n" not in data:
        d = s.recv(4096)
        if not d:
            break
        data += d
    print(data.split(b"\r\n")[0].decode(errors="replace"))


def main():
    a = sys.argv[1:]
    if not a:
        print(__doc__)
        return 2
    if a[0] == "slow":
        slow(int(a[1]), a[2], a[3])
    elif a[0] == "load":
        load(int(a[1]), a[2], a[3], float(a[4]), a[5])
    elif a[0] == "fingerprint":
        fingerprint(int(a[1]), a[2])
    elif a[0] == "bigcl":
        bigcl(int(a[1]), a[2], int(a[3]))
    elif a[0] == "inflight":
        inflight(int(a[1]), a[2], a[3], float(a[4]))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
