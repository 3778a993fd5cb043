#!/usr/bin/env python3
"""Validates SARIF logs against the SARIF 2.1.0 schema (tests/sarif/sarif-schema-2.1.0.json,
OASIS errata01: oasis-tcs/sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json).

The schema's "uri" and "uri-reference" formats are checked here, by the grammar of
RFC 3986 (jsonschema checks them only when an optional URI package is installed, and
would otherwise pass anything).  usage: validate.py FILE...   (exit 1 on the first
invalid one, naming the place); validate.py --self-test (the checker refuses what it must)
"""
import json, os, re, sys
import jsonschema

U = r"[A-Za-z0-9\-._~]"
PCT = r"%[0-9A-Fa-f]{2}"
SUB = r"[!$&'()*+,;=]"
PCHAR = rf"(?:{U}|{PCT}|{SUB}|[:@])"
SEG, SEG_NZ = rf"{PCHAR}*", rf"{PCHAR}+"
SEG_NZ_NC = rf"(?:{U}|{PCT}|{SUB}|@)+"
QUERY = rf"(?:{PCHAR}|[/?])*"
SCHEME = r"[A-Za-z][A-Za-z0-9+\-.]*"
AUTHORITY = rf"(?:(?:{U}|{PCT}|{SUB}|:)*@)?(?:\[[0-9A-Fa-f:.vV]+\]|(?:{U}|{PCT}|{SUB})*)(?::[0-9]*)?"
ABEMPTY = rf"(?:/{SEG})*"
ABSOLUTE = rf"/(?:{SEG_NZ}(?:/{SEG})*)?"
URI = rf"{SCHEME}:(?://{AUTHORITY}{ABEMPTY}|{ABSOLUTE}|{SEG_NZ}(?:/{SEG})*|)(?:\?{QUERY})?(?:#{QUERY})?"
RELATIVE = rf"(?://{AUTHORITY}{ABEMPTY}|{ABSOLUTE}|{SEG_NZ_NC}(?:/{SEG})*|)(?:\?{QUERY})?(?:#{QUERY})?"
URI_RE, URIREF_RE = re.compile(URI), re.compile(rf"(?:{URI}|{RELATIVE})")

checker = jsonschema.FormatChecker(formats=())
@checker.checks("uri")
def is_uri(v):
    return not isinstance(v, str) or URI_RE.fullmatch(v) is not None
@checker.checks("uri-reference")
def is_uri_reference(v):
    return not isinstance(v, str) or URIREF_RE.fullmatch(v) is not None

here = os.path.dirname(os.path.abspath(__file__))
schema = json.load(open(os.path.join(here, "sarif-schema-2.1.0.json")))
validator = jsonschema.Draft4Validator(schema, format_checker=checker)

def errors(doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))

if sys.argv[1:] == ["--self-test"]:
    good = ["a.yaml", "dir/a%20b.yaml", "%3Cstdin%3E", "/abs/x.yaml", "caf%C3%A9.yaml", "x.yaml#L1"]
    bad = ["<stdin>", "a b.yaml", "café.yaml", "100%.yaml", "a#b#c.yaml", "a\\b.yaml"]
    for v in good:
        assert is_uri_reference(v), v
    for v in bad:
        assert not is_uri_reference(v), v
    assert not is_uri("relative/x.yaml") and is_uri("https://example.com/README.md#check-x")
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a b.yaml"}}}]}]}]}
    assert errors(log), "an unescaped space in a uri must fail"
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a%20b.yaml"
    assert not errors(log), errors(log)
    print("self-test ok")
    sys.exit(0)

rc = 0
for f in sys.argv[1:]:
    errs = errors(json.load(open(f, encoding="utf-8")))
    for e in errs[:5]:
        print("%s: %s: %s" % (f, "/".join(str(p) for p in e.absolute_path), e.message))
    rc |= bool(errs)
sys.exit(rc)
