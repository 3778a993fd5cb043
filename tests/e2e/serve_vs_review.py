#!/usr/bin/env python3
"""For every case of a validation corpus, POST the AdmissionReview the scorer
builds to a running `serve` over HTTPS (one keep-alive connection) and compare
the body with what `review` prints for the same request, byte for byte.

usage: serve_vs_review.py CORPUS.jsonl BINARY PORT CAFILE
Prints each mismatch and 'N passed, N failed'; exit 1 on any mismatch."""
import http.client, importlib.machinery, importlib.util, json, os, ssl, subprocess, sys

corpus, binary, port, cafile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
here = os.path.dirname(os.path.abspath(__file__))
loader = importlib.machinery.SourceFileLoader("scorer", os.path.join(here, "..", "tools", "score-validation"))
spec = importlib.util.spec_from_loader("scorer", loader)
scorer = importlib.util.module_from_spec(spec)
loader.exec_module(scorer)

ctx = ssl.create_default_context(cafile=cafile)
conn = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=10)
passed = failed = 0
for line in open(corpus):
    if not line.strip():
        continue
    case = json.loads(line)
    body = json.dumps(scorer.review_for(case)).encode()
    conn.request("POST", "/validate", body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    got = resp.read()
    run = subprocess.run([binary, "review", "-"], input=body, capture_output=True, timeout=20)
    want = run.stdout.rstrip(b"\n")
    if resp.status != 200 or got.rstrip(b"\n") != want:
        failed += 1
        print("FAIL %s: serve %d %r\n     review %r" % (case["id"], resp.status, got[:200], want[:200]))
    else:
        passed += 1
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
