#!/usr/bin/env python3
"""Checks one `kubectl kustomize` output: check_manifests.py NAME OUT.yaml BUNDLE_FILE.
Prints one "ok - ..." or "FAIL - ..." line per check."""
import sys

import yaml

name, path, bundle_file = sys.argv[1:4]
docs = [d for d in yaml.safe_load_all(open(path)) if d]
by = {}
for d in docs:
    by.setdefault(d["kind"], []).append(d)


def check(what, cond):
    print(("ok - %s: %s" if cond else "FAIL - %s: %s") % (name, what))


def one(kind):
    return (by.get(kind) or [None])[0]


check("Namespace", one("Namespace") is not None)
check("ServiceAccount", one("ServiceAccount") is not None)
role = one("ClusterRole")
rules = role["rules"] if role else []
granted = {(g, r, v) for x in rules for g in x["apiGroups"] for r in x["resources"] for v in x["verbs"]}
want = {(g, r, v) for g, r in [("networking.k8s.io", "ingresses"), ("networking.k8s.io", "ingressclasses"), ("", "services")]
        for v in ("get", "list", "watch")}
check("RBAC: exactly get/list/watch of ingresses, ingressclasses, services", granted == want)
check("RBAC: no secrets", not any(r == "secrets" for _, r, _ in granted))
check("RBAC: bound to the ServiceAccount", bool(one("ClusterRoleBinding")) and
      one("ClusterRoleBinding")["subjects"][0]["name"] == one("ServiceAccount")["metadata"]["name"])

dep = one("Deployment")
spec = dep["spec"]
pod = spec["template"]["spec"]
c = pod["containers"][0]
check("Deployment: 2 replicas", spec["replicas"] == 2)
tsc = pod.get("topologySpreadConstraints", [])
check("Deployment: spread across nodes", any(t["topologyKey"] == "kubernetes.io/hostname" and
                                             t["whenUnsatisfiable"] == "DoNotSchedule" for t in tsc))
check("Deployment: liveness /healthz, readiness /readyz over HTTPS",
      c["livenessProbe"]["httpGet"]["path"] == "/healthz" and c["readinessProbe"]["httpGet"]["path"] == "/readyz"
      and c["readinessProbe"]["httpGet"]["scheme"] == "HTTPS")
res = c.get("resources", {})
check("Deployment: requests and limits", all(k in res.get(w, {}) for w in ("requests", "limits") for k in ("cpu", "memory")))
sc, psc = c.get("securityContext", {}), pod.get("securityContext", {})
check("Deployment: non-root", psc.get("runAsNonRoot") is True and psc.get("runAsUser", 0) != 0)
check("Deployment: read-only root filesystem", sc.get("readOnlyRootFilesystem") is True)
check("Deployment: no capabilities, no privilege escalation",
      sc.get("capabilities", {}).get("drop") == ["ALL"] and not sc.get("capabilities", {}).get("add")
      and sc.get("allowPrivilegeEscalation") is False)
check("Deployment: seccomp RuntimeDefault", psc.get("seccompProfile", {}).get("type") == "RuntimeDefault")
port = c["ports"][0]["containerPort"]
svc = one("Service")
check("Service 443 -> 8443", svc["spec"]["ports"][0]["port"] == 443 and svc["spec"]["ports"][0]["targetPort"] == 8443 == port)
pdb = one("PodDisruptionBudget")
check("PodDisruptionBudget", pdb is not None and pdb["spec"].get("minAvailable") == 1)
np = one("NetworkPolicy")
check("NetworkPolicy: ingress only to the webhook port", np is not None and np["spec"]["policyTypes"] == ["Ingress"]
      and [p["port"] for r in np["spec"]["ingress"] for p in r["ports"]] == [8443])

vwc = one("ValidatingWebhookConfiguration")
wh = vwc["webhooks"][0]
ops = {o for r in wh["rules"] for o in r["operations"]}
resources = {x for r in wh["rules"] for x in r["resources"]}
check("webhook: CREATE and UPDATE of ingresses and ingressclasses",
      ops == {"CREATE", "UPDATE"} and resources == {"ingresses", "ingressclasses"}
      and all(r["apiGroups"] == ["networking.k8s.io"] for r in wh["rules"]))
check("webhook: admissionReviewVersions [v1, v1beta1]", wh["admissionReviewVersions"] == ["v1", "v1beta1"])
check("webhook: sideEffects None, timeoutSeconds, failurePolicy",
      wh["sideEffects"] == "None" and 1 <= wh["timeoutSeconds"] <= 30 and wh["failurePolicy"] in ("Fail", "Ignore"))
check("webhook: points at the Service", wh["clientConfig"]["service"]["name"] == svc["metadata"]["name"]
      and wh["clientConfig"]["service"]["namespace"] == svc["metadata"]["namespace"]
      and wh["clientConfig"]["service"]["port"] == 443)

if name == "overlays/cert-manager":
    ann = vwc["metadata"].get("annotations", {})
    certs = by.get("Certificate", [])
    serving = [x for x in certs if x["spec"].get("secretName") == "ingress-warden-tls"]
    check("cert-manager: inject-ca-from names the serving Certificate",
          bool(serving) and ann.get("cert-manager.io/inject-ca-from") ==
          "%s/%s" % (serving[0]["metadata"]["namespace"], serving[0]["metadata"]["name"]))
    check("cert-manager: Issuer present", bool(by.get("Issuer")))
    dns = serving[0]["spec"]["dnsNames"] if serving else []
    check("cert-manager: the Service's DNS names", "ingress-warden.ingress-warden.svc" in dns)
if name == "overlays/self-signed":
    sec = one("Secret")
    check("self-signed: kubernetes.io/tls Secret named as the volume expects",
          sec is not None and sec["type"] == "kubernetes.io/tls" and
          sec["metadata"]["name"] == [v for v in pod["volumes"] if v["name"] == "tls"][0]["secret"]["secretName"])
    check("self-signed: caBundle filled in", wh["clientConfig"].get("caBundle") == open(bundle_file).read().strip())
if name == "base":
    check("base: caBundle left to the overlays", "caBundle" not in wh["clientConfig"])
