#!/usr/bin/env python3
"""Hostile HTTP clients for tests/suites/hostile.sh (loopback only, bounded times).

Every command takes the target as [tls:]PORT (tls: wraps in TLS, trusting
$CAFILE, and sends a client certificate when $CLIENT_CERT/$CLIENT_KEY are set).

  idle TARGET N SRC [PROBE_PORT]
        open N TCP connections from address SRC that never send a byte, then
        time GET /healthz (on PROBE_PORT when given, plain HTTP; else on
        TARGET) and a valid review (POST /validate, the body in $REVIEW) on
        TARGET from 127.0.0.1; print "opened=N healthz=STATUS T review=STATUS T"
        (STATUS "none" when there was no answer within 5 s)
  raw TARGET ESCAPED [WAIT]
        send the bytes (Python escapes: \\r\\n, \\x00), read until the server
        closes or WAIT seconds (default 3) pass; print on one line every status
        line it answered, then "closed" or "open", joined by '|'
  stall TARGET MODE
        open a connection and stop: MODE none (no byte), hello (5 bytes of a
        TLS ClientHello), handshake (a whole TLS handshake, no request),
        served (one GET /healthz answered, then nothing); print the seconds
        until the server closes it (at most 15)
  chunked TARGET PATH CTYPE TOTAL
        POST a chunked body of TOTAL bytes in 16 KiB chunks without waiting;
        stop when an answer arrives; print its status line, "closed"/"open"
        and whether the server answered before the whole body was sent,
        joined by '|'
"""
import os
import re
import select
import socket
import ssl
import sys
import time


def parse_target(t):
    if t.startswith("tls:"):
        return True, int(t[4:])
    return False, int(t)


def wrap(sock, tls):
    if not tls:
        return sock
    ctx = ssl.create_default_context(cafile=os.environ["CAFILE"])
    if os.environ.get("CLIENT_CERT"):
        ctx.load_cert_chain(os.environ["CLIENT_CERT"], os.environ["CLIENT_KEY"])
    return ctx.wrap_socket(sock, server_hostname="localhost")


def connect(target, timeout=5, src=None):
    tls, port = parse_target(target)
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                 source_address=(src, 0) if src else None)
    return wrap(s, tls)


def read_answer(s, wait):
    """Reads until close or wait seconds; returns (bytes, closed)."""
    s.settimeout(0.2)
    data = b""
    t0 = time.time()
    closed = False
    while time.time() - t0 < wait:
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        except ssl.SSLWantReadError:
            continue
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError):
            closed = True
            break
        if not d:
            closed = True
            break
        data += d
    return data, closed


def status_lines(data):
    return [m.decode("latin-1") for m in re.findall(rb"HTTP/1\.[01] [0-9]{3} [^\r\n]*", data)]


def timed_request(target, raw, timeout=5):
    t0 = time.time()
    try:
        s = connect(target, timeout)
        s.sendall(raw)
        s.settimeout(timeout)
        data = b""
        while b"\r\n" not in data and time.time() - t0 < timeout:
            d = s.recv(4096)
            if not d:
                break
            data += d
        s.close()
        st = data.split(b"\r\n")[0].split(b" ")
        status = st[1].decode() if len(st) > 1 else "none"
    except (OSError, ssl.SSLError):
        status = "none"
    return status, time.time() - t0


def idle(target, n, src, probe_port=None):
    tls, port = parse_target(target)
    held = []
    for _ in range(n):
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5,
                                                 source_address=(src, 0)))
        except OSError:
            break
    time.sleep(1.0)   # let the server accept them all
    body = open(os.environ["REVIEW"], "rb").read()
    hz = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    if probe_port:
        hs, ht = timed_request(str(probe_port), hz)
    else:
        hs, ht = timed_request(target, hz)
    rv = (b"POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)) + body
    rs, rt = timed_request(target, rv)
    print("opened=%d healthz=%s %.2f review=%s %.2f" % (len(held), hs, ht, rs, rt))
    for s in held:
        s.close()


def raw(target, escaped, wait=3.0):
    data = escaped.encode("latin-1").decode("unicode_escape").encode("latin-1")
    s = connect(target)
    s.sendall(data)
    ans, closed = read_answer(s, wait)
    print("|".join(status_lines(ans) + ["closed" if closed else "open"]))


def stall(target, mode):
    tls, port = parse_target(target)
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    t0 = time.time()
    if mode == "hello":
        s.sendall(b"\x16\x03\x01\x02\x00")
    elif mode in ("handshake", "served"):
        s = wrap(s, True)
        t0 = time.time()
        if mode == "served":
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            data = b""
            while b"ok\n" not in data:
                data += s.recv(4096)
            t0 = time.time()
    read_answer(s, 15)
    print("%.1f" % (time.time() - t0))


def chunked(target, path, ctype, total):
    s = connect(target)
    s.sendall(("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: %s\r\n"
               "Transfer-Encoding: chunked\r\n\r\n" % (path, ctype)).encode())
    chunk = b"4000\r\n" + b" " * 0x4000 + b"\r\n"
    sent = 0
    ans = b""
    s.setblocking(False)
    t0 = time.time()
    closed = False
    buf = b""
    while time.time() - t0 < 10:
        if not buf and sent < total:
            buf = chunk
            sent += 0x4000
        elif not buf and sent >= total:
            buf = b"0\r\n\r\n"
            sent += 1
        r, w, _ = select.select([s], [s] if buf else [], [], 0.2)
        if r:
            try:
                d = s.recv(65536)
            except (ssl.SSLWantReadError, BlockingIOError):
                d = None
            except (ConnectionResetError, ssl.SSLError, OSError):
                closed = True
                break
            if d == b"":
                closed = True
                break
            if d:
                ans += d
                if b"\r\n\r\n" in ans:
                    break
        if w and buf:
            try:
                k = s.send(buf)
                buf = buf[k:]
            except (ssl.SSLWantWriteError, BlockingIOError):
                pass
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                buf = b""
    early = sent <= total
    s.setblocking(True)
    if not closed:
        more, closed = read_answer(s, 3)
        ans += more
    lines = status_lines(ans)
    print("|".join([lines[0] if lines else "no answer", "closed" if closed else "open",
                    "before the end of the body" if early else "after the whole body"]))


def main():
    a = sys.argv[1:]
    if not a:
        print(__doc__)
        return 2
    if a[0] == "idle":
        idle(a[1], int(a[2]), a[3], int(a[4]) if len(a) > 4 else None)
    elif a[0] == "raw":
        raw(a[1], a[2], float(a[3]) if len(a) > 3 else 3.0)
    elif a[0] == "stall":
        stall(a[1], a[2])
    elif a[0] == "chunked":
        chunked(a[1], a[2], a[3], int(a[4]))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
