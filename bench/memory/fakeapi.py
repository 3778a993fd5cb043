#!/usr/bin/env python3
"""A fake Kubernetes API server for bench/memory: lists the Ingresses of a
JSON List file (IngressClasses and Services empty) in pages of ?limit=, and
holds every watch open without events.

  fakeapi.py PORT LIST.json
"""
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITEMS = []


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query)
        if q.get("watch") == ["1"]:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            time.sleep(3600)
            return
        kind = "IngressList" if "ingresses" in u.path else "List"
        items = ITEMS if "ingresses" in u.path else []
        start = int(q.get("continue", ["0"])[0] or 0)
        limit = int(q.get("limit", ["500"])[0])
        page = items[start:start + limit]
        md = {"resourceVersion": "100000"}
        if start + limit < len(items):
            md["continue"] = str(start + limit)
        body = json.dumps({"apiVersion": "v1", "kind": kind, "metadata": md, "items": page}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    ITEMS.extend(json.load(open(sys.argv[2]))["items"])
    s = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H)
    s.daemon_threads = True
    threading.Thread(target=s.serve_forever, daemon=True).start()
    print("fakeapi: %d Ingresses on %s" % (len(ITEMS), sys.argv[1]), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
