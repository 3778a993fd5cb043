#!/usr/bin/env python3
"""Checks one `kubectl kustomize` output: check_manifests.py NAME OUT.yaml.
Prints one "ok - ..." or "FAIL - ..." line per check."""
import os
import re
import sys

import yaml

name, path = sys.argv[1:3]
docs = [d for d in yaml.safe_load_all(open(path)) if d]
by = {}
for d in docs:
    by.setdefault(d["kind"], []).append(d)


def check(what, cond):
    print(("ok - %s: %s" if cond else "FAIL - %s: %s") % (name, what))


def one(kind, name=None):
    for d in by.get(kind) or []:
        if name is None or d["metadata"]["name"] == name:
            return d
    return None


def grants(role):
    return {(g, r, v, tuple(x.get("resourceNames", ()))) for x in (role or {}).get("rules", [])
            for g in x["apiGroups"] for r in x["resources"] for v in x["verbs"]}


check("Namespace", one("Namespace") is not None)
check("ServiceAccount", one("ServiceAccount") is not None)
granted = grants(one("ClusterRole", "ingress-warden"))
want = {(g, r, v, ()) for g, r in [("networking.k8s.io", "ingresses"), ("networking.k8s.io", "ingressclasses"), ("", "services")]
        for v in ("get", "list", "watch")}
check("RBAC: the watch reads exactly ingresses, ingressclasses, services", granted == want)
sa = one("ServiceAccount")["metadata"]["name"]
check("RBAC: bound to the ServiceAccount", bool(one("ClusterRoleBinding", "ingress-warden")) and
      one("ClusterRoleBinding", "ingress-warden")["subjects"][0]["name"] == sa)
all_grants = set()
for kind in ("ClusterRole", "Role"):
    for r in by.get(kind, []):
        all_grants |= grants(r)
secret_grants = {x for x in all_grants if x[1] == "secrets"}

dep = one("Deployment")
spec = dep["spec"]
pod = spec["template"]["spec"]
c = pod["containers"][0]
check("Deployment: 2 replicas", spec["replicas"] == 2)
tsc = pod.get("topologySpreadConstraints", [])
check("Deployment: spread across nodes", any(t["topologyKey"] == "kubernetes.io/hostname" and
                                             t["whenUnsatisfiable"] == "DoNotSchedule" for t in tsc))
env = {e["name"]: e.get("value") for e in c.get("env", [])}
ports = {p.get("name"): p["containerPort"] for p in c["ports"]}
probe_port = int(env.get("IW_PROBE_LISTEN", ":0").rsplit(":", 1)[1])
check("Deployment: liveness /healthz, readiness /readyz on the plain-HTTP probe listener (no client certificate)",
      c["livenessProbe"]["httpGet"]["path"] == "/healthz" and c["readinessProbe"]["httpGet"]["path"] == "/readyz"
      and all(c[p]["httpGet"]["port"] == "probes" and c[p]["httpGet"].get("scheme", "HTTP") == "HTTP"
              for p in ("livenessProbe", "readinessProbe"))
      and ports.get("probes") == probe_port == 8081)
res = c.get("resources", {})
check("Deployment: requests and limits", all(k in res.get(w, {}) for w in ("requests", "limits") for k in ("cpu", "memory")))
bench = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../bench/memory/README.md")).read()
measured = re.search(r"^Deployment limit: (\S+)$", bench, re.M)
check("Deployment: the memory limit measured in bench/memory (%s)" % (measured.group(1) if measured else "none"),
      measured is not None and res.get("limits", {}).get("memory") == measured.group(1))
sc, psc = c.get("securityContext", {}), pod.get("securityContext", {})
check("Deployment: non-root", psc.get("runAsNonRoot") is True and psc.get("runAsUser", 0) != 0)
check("Deployment: read-only root filesystem", sc.get("readOnlyRootFilesystem") is True)
check("Deployment: no capabilities, no privilege escalation",
      sc.get("capabilities", {}).get("drop") == ["ALL"] and not sc.get("capabilities", {}).get("add")
      and sc.get("allowPrivilegeEscalation") is False)
check("Deployment: seccomp RuntimeDefault", psc.get("seccompProfile", {}).get("type") == "RuntimeDefault")
port = ports["https"]
svc = one("Service")
check("Service 443 -> 8443", svc["spec"]["ports"][0]["port"] == 443 and svc["spec"]["ports"][0]["targetPort"] == 8443 == port)
pdb = one("PodDisruptionBudget")
check("PodDisruptionBudget", pdb is not None and pdb["spec"].get("minAvailable") == 1)
np = one("NetworkPolicy")
check("NetworkPolicy: ingress only to the webhook port", np is not None and np["spec"]["policyTypes"] == ["Ingress"]
      and [p["port"] for r in np["spec"]["ingress"] for p in r["ports"]] == [8443])

vwc = one("ValidatingWebhookConfiguration")
wh = vwc["webhooks"][0]
sel = wh.get("namespaceSelector", {}).get("matchExpressions", [])
check("webhook: never in kube-system nor its own namespace",
      any(e["key"] == "kubernetes.io/metadata.name" and e["operator"] == "NotIn" and
          {"kube-system", svc["metadata"]["namespace"]} <= set(e["values"]) for e in sel))
env = {e["name"]: e.get("value") for e in c.get("env", [])}
check("Deployment: watches the cluster (IW_IN_CLUSTER)", bool(env.get("IW_IN_CLUSTER")))
check("Deployment: readiness tolerates a missed probe", c["readinessProbe"].get("failureThreshold", 3) >= 2)
ann = spec["template"]["metadata"].get("annotations", {})
check("Deployment: /metrics scrapable (annotations)", ann.get("prometheus.io/scrape") == "true"
      and ann.get("prometheus.io/path") == "/metrics" and ann.get("prometheus.io/port") == str(port))
tls_vol = [v for v in pod["volumes"] if v["name"] == "tls"][0]
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
    check("cert-manager: the Secret is mounted, no init container",
          tls_vol.get("secret", {}).get("secretName") == serving[0]["spec"]["secretName"] and not pod.get("initContainers"))
    check("cert-manager: no access to Secrets or to the webhook configuration",
          not secret_grants and not any(x[1] == "validatingwebhookconfigurations" for x in all_grants))
else:
    # the base provisions its own certificate: nothing else needed
    init = pod.get("initContainers", [])
    args = init[0]["args"] if init else []
    check("base: an init container provisions the certificate (certs --in-cluster)",
          bool(init) and args[:2] == ["certs", "--in-cluster"] and init[0]["image"] == c["image"])
    out = [a.split("=", 1)[1] for a in args if a.startswith("--out=")]
    mount = [m["mountPath"] for m in c["volumeMounts"] if m["name"] == "tls"]
    check("base: the server reads the pair the init container writes",
          out and mount and out[0] == mount[0] and "emptyDir" in tls_vol
          and env.get("IW_TLS_CERT", "").startswith(mount[0] + "/"))
    check("base: Secrets: create, and get/update of its own only",
          secret_grants == {("", "secrets", "create", ()), ("", "secrets", "get", ("ingress-warden-tls",)),
                            ("", "secrets", "update", ("ingress-warden-tls",))})
    vg = {x for x in all_grants if x[1] == "validatingwebhookconfigurations"}
    check("base: the caBundle of its own webhook configuration only",
          vg == {("admissionregistration.k8s.io", "validatingwebhookconfigurations", v, (vwc["metadata"]["name"],))
                 for v in ("get", "update")})
    check("base: the caBundle is written at run time, not in the manifests", "caBundle" not in wh["clientConfig"])
if name == "overlays/prometheus-operator":
    sm = one("ServiceMonitor")
    ep = sm["spec"]["endpoints"][0] if sm else {}
    check("prometheus-operator: a ServiceMonitor on the Service's https port",
          sm is not None and ep.get("port") == svc["spec"]["ports"][0]["name"] and ep.get("path") == "/metrics")
