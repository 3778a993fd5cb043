#!/usr/bin/env python3
"""Large AdmissionReview bodies for bench/memory (each just under a size).

  gen.py SHAPE BYTES OUT
    paths    one Ingress rule with as many paths as fit (the checks' worst)
    numbers  metadata.managedFields full of small numbers (the parser's worst
             memory per byte: jansson keeps ~40 bytes per 2-byte element)
    keys     metadata.annotations with as many short keys as fit
    string   one annotation holding one long string
    state N  (OUT is a JSON List) N Ingresses, one host and 3 paths each,
             for the fake API server (--kubeconfig)
"""
import json
import sys


def review(obj):
    return {
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": "00000000-0000-0000-0000-00000000beef",
            "kind": {"group": "networking.k8s.io", "version": "v1", "kind": "Ingress"},
            "resource": {"group": "networking.k8s.io", "version": "v1", "resource": "ingresses"},
            "name": obj["metadata"]["name"], "namespace": "bench", "operation": "CREATE",
            "userInfo": {"username": "bench"}, "object": obj, "dryRun": False,
        },
    }


def ingress(name, paths=None):
    return {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": name, "namespace": "bench"},
        "spec": {"ingressClassName": "nginx", "rules": [{"host": name + ".bench.example.com", "http": {
            "paths": paths or [{"path": "/", "pathType": "Prefix",
                                "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]},
    }


def fill(make, size):
    """The largest n for which len(json(make(n))) <= size (binary search)."""
    lo, hi = 1, size
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(json.dumps(make(mid), separators=(",", ":"))) <= size:
            lo = mid
        else:
            hi = mid - 1
    return make(lo)


def shape(kind, size):
    if kind == "paths":
        def make(n):
            return review(ingress("big", [{"path": "/p%d" % i, "pathType": "Prefix",
                                           "backend": {"service": {"name": "web", "port": {"number": 80}}}}
                                          for i in range(n)]))
    elif kind == "numbers":
        def make(n):
            o = ingress("big")
            o["metadata"]["managedFields"] = [{"manager": "bench", "operation": "Apply",
                                               "fieldsType": "FieldsV1", "fieldsV1": {"f:x": [0] * n}}]
            return review(o)
    elif kind == "keys":
        def make(n):
            o = ingress("big")
            o["metadata"]["annotations"] = {"k%d" % i: "" for i in range(n)}
            return review(o)
    elif kind == "string":
        def make(n):
            o = ingress("big")
            o["metadata"]["annotations"] = {"a": "x" * n}
            return review(o)
    else:
        raise SystemExit("unknown shape " + kind)
    return fill(make, size)


def main():
    a = sys.argv[1:]
    if len(a) != 3:
        print(__doc__)
        return 2
    if a[0] == "state":
        items = []
        for i in range(int(a[1])):
            o = ingress("ing-%05d" % i, [{"path": "/%s" % p, "pathType": "Prefix",
                                          "backend": {"service": {"name": "svc-%d" % (i % 50), "port": {"number": 80}}}}
                                         for p in ("api", "static", "login")])
            o["metadata"]["namespace"] = "ns-%d" % (i % 100)
            o["metadata"]["uid"] = "uid-%d" % i
            o["metadata"]["resourceVersion"] = str(i + 1)
            items.append(o)
        doc = {"apiVersion": "v1", "kind": "List", "items": items}
    else:
        doc = shape(a[0], int(a[1]))
    with open(a[2], "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
