#!/usr/bin/python3
"""Offline schema and consistency check of deploy/kubernetes.

Usage: check_kubernetes.py REPO_ROOT    (exit 0 = valid, 1 = problems listed)

What it checks, without a cluster:
  1. kustomization.yaml: every resource file exists and parses as YAML.
  2. Schema of every built-in object (Namespace, ServiceAccount, DaemonSet,
     Service, ConfigMap) against the Kubernetes API models of Debian's
     python3-kubernetes (generated from the Kubernetes OpenAPI spec): unknown
     fields, wrong types, missing required fields, plus the API's enum values
     and name/quantity formats for the fields berth's manifests use.
  3. The ServiceMonitor against tests/deploy/schemas/servicemonitor-v1.json, a
     focused subset of the Prometheus Operator CRD schema (python3-jsonschema).
  4. References inside the objects: DaemonSet selector vs pod labels, probes
     and Service targetPort vs named container ports, volumeMounts vs volumes,
     Service selector vs pods, ServiceMonitor selector/port vs the Service.
  5. The DaemonSet matches the documented run line (deploy/README.md, the
     block after "<!-- berth:run-line -->") and the Dockerfile: host PID,
     / read-only at /host with rslave/HostToContainer propagation,
     --path.rootfs, uid, read-only root, dropped capabilities, port, /healthz.
  6. grafana-dashboards.yaml holds exactly the dashboards in dashboards/grafana.
"""
import json
import os
import re
import shlex
import sys

import jsonschema
import kubernetes.client as k8s
import yaml

PROBLEMS = []


def problem(where, msg):
    PROBLEMS.append(f"{where}: {msg}")


MODELS = {
    ("v1", "Namespace"): "V1Namespace",
    ("v1", "ServiceAccount"): "V1ServiceAccount",
    ("v1", "Service"): "V1Service",
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("apps/v1", "DaemonSet"): "V1DaemonSet",
}

# Enum values from the Kubernetes API reference for fields the models type as
# plain strings: (model, attribute) -> allowed values.
ENUMS = {
    ("V1VolumeMount", "mount_propagation"): {"None", "HostToContainer", "Bidirectional"},
    ("V1ContainerPort", "protocol"): {"TCP", "UDP", "SCTP"},
    ("V1ServicePort", "protocol"): {"TCP", "UDP", "SCTP"},
    ("V1Container", "image_pull_policy"): {"Always", "Never", "IfNotPresent"},
    ("V1HostPathVolumeSource", "type"): {"", "DirectoryOrCreate", "Directory", "FileOrCreate",
                                         "File", "Socket", "CharDevice", "BlockDevice"},
    ("V1DaemonSetUpdateStrategy", "type"): {"RollingUpdate", "OnDelete"},
    ("V1Toleration", "operator"): {"Exists", "Equal"},
    ("V1Toleration", "effect"): {"NoSchedule", "PreferNoSchedule", "NoExecute"},
    ("V1SeccompProfile", "type"): {"RuntimeDefault", "Unconfined", "Localhost"},
    ("V1ServiceSpec", "type"): {"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"},
    ("V1HTTPGetAction", "scheme"): {"HTTP", "HTTPS"},
}
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$")
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
PORT_NAME = re.compile(r"^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
CAPABILITY = re.compile(r"^(ALL|[A-Z_]+)$")


def check_type(where, value, type_name):
    """Walks value against a python-kubernetes type string."""
    if type_name == "object":
        return
    if type_name.startswith("list["):
        if not isinstance(value, list):
            return problem(where, f"expected a list, got {type(value).__name__}")
        for i, item in enumerate(value):
            check_type(f"{where}[{i}]", item, type_name[5:-1])
        return
    if type_name.startswith("dict("):
        if not isinstance(value, dict):
            return problem(where, f"expected a map, got {type(value).__name__}")
        inner = type_name[5:-1].split(", ", 1)[1]
        for key, item in value.items():
            if not isinstance(key, str):
                problem(where, f"map key {key!r} is not a string")
            check_type(f"{where}.{key}", item, inner)
        return
    scalars = {"str": (str,), "int": (int,), "bool": (bool,), "float": (int, float),
               "datetime": (str,), "date": (str,)}
    if type_name in scalars:
        ok = isinstance(value, scalars[type_name])
        if type_name in ("int", "float") and isinstance(value, bool):
            ok = False
        if not ok:
            problem(where, f"expected {type_name}, got {type(value).__name__} {value!r}")
        return
    model = getattr(k8s, type_name, None)
    if model is None:
        return problem(where, f"unknown model {type_name}")
    if not isinstance(value, dict):
        return problem(where, f"expected an object ({type_name}), got {type(value).__name__}")
    by_json = {json_key: attr for attr, json_key in model.attribute_map.items()}
    for key, item in value.items():
        attr = by_json.get(key)
        if attr is None:
            problem(where, f"unknown field {key!r} for {type_name}")
            continue
        sub = f"{where}.{key}"
        check_type(sub, item, model.openapi_types[attr])
        allowed = ENUMS.get((type_name, attr))
        if allowed is not None and item not in allowed:
            problem(sub, f"{item!r} is not one of {sorted(allowed)}")
    if type_name == "V1ResourceRequirements":
        for kind in ("requests", "limits"):
            for res, qty in (value.get(kind) or {}).items():
                if not QUANTITY.match(str(qty)):
                    problem(f"{where}.{kind}.{res}", f"{qty!r} is not a quantity")
    if type_name in ("V1ContainerPort", "V1ServicePort") and "name" in value:
        name = value["name"]
        if len(name) > 15 or not PORT_NAME.match(name):
            problem(f"{where}.name", f"{name!r} is not a valid port name (IANA_SVC_NAME)")
    if type_name == "V1Capabilities":
        for cap in (value.get("drop") or []) + (value.get("add") or []):
            if not CAPABILITY.match(str(cap)):
                problem(f"{where}", f"{cap!r} is not a capability name")
    if type_name == "V1ObjectMeta" and "name" in value and not DNS_LABEL.match(value["name"]):
        problem(f"{where}.name", f"{value['name']!r} is not a DNS-1123 label")


def check_required(where, doc, model_name):
    """Required fields: the models' constructors reject them when missing."""
    client = k8s.ApiClient()
    try:
        client._ApiClient__deserialize(doc, model_name)
    except (ValueError, TypeError) as err:
        problem(where, f"required field: {err}")


def labels_match(selector, labels):
    return all(labels.get(k) == v for k, v in (selector or {}).items())


def load_run_line(root):
    readme = os.path.join(root, "deploy", "README.md")
    with open(readme) as f:
        text = f.read()
    m = re.search(r"<!-- berth:run-line -->\s*```\w*\n(.*?)```", text, re.S)
    if not m:
        problem("deploy/README.md", "no ``` block after <!-- berth:run-line -->")
        return []
    return shlex.split(m.group(1).replace("\\\n", " "), comments=True)


def check_run_line(root, ds):
    args = load_run_line(root)
    if not args:
        return
    where = "daemonset vs README run line"
    pod = ds["spec"]["template"]["spec"]
    container = pod["containers"][0]
    if "--pid=host" in args and not pod.get("hostPID"):
        problem(where, "run line uses --pid=host but hostPID is not true")
    mounts = {m["name"]: m for m in container.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for i, arg in enumerate(args):
        spec = None
        if arg in ("-v", "--volume") and i + 1 < len(args):
            spec = args[i + 1]
        elif arg.startswith("--volume="):
            spec = arg.split("=", 1)[1]
        if spec is None:
            continue
        parts = spec.split(":")
        src, dst = parts[0], parts[1]
        opts = set(parts[2].split(",")) if len(parts) > 2 else set()
        if src == "/var/run/docker.sock":
            continue  # optional on Docker hosts; Kubernetes nodes run containerd
        match = [m for m in mounts.values()
                 if m["mountPath"] == dst
                 and volumes.get(m["name"], {}).get("hostPath", {}).get("path") == src]
        if not match:
            problem(where, f"run line mounts {src}:{dst} but the DaemonSet does not")
            continue
        m = match[0]
        if "ro" in opts and not m.get("readOnly"):
            problem(where, f"{dst} is read-only in the run line, not in the DaemonSet")
        if "rslave" in opts and m.get("mountPropagation") != "HostToContainer":
            problem(where, f"{dst} is rslave in the run line; DaemonSet needs HostToContainer")
    image_index = next((i for i, a in enumerate(args) if re.match(r"^berth:", a)), None)
    if image_index is None:
        return problem(where, "run line names no berth image")
    run_args = args[image_index + 1:]
    for flag in run_args:
        if flag.startswith("--path.rootfs") and flag not in container.get("args", []):
            problem(where, f"run line passes {flag}, the DaemonSet does not")
    if "--read-only" in args and not container["securityContext"].get("readOnlyRootFilesystem"):
        problem(where, "run line uses --read-only, DaemonSet lacks readOnlyRootFilesystem")
    if "--cap-drop=ALL" in args and "ALL" not in container["securityContext"].get(
            "capabilities", {}).get("drop", []):
        problem(where, "run line drops all capabilities, the DaemonSet does not")


def check_dockerfile(root, ds):
    with open(os.path.join(root, "deploy", "Dockerfile")) as f:
        text = f.read()
    where = "daemonset vs Dockerfile"
    pod = ds["spec"]["template"]["spec"]
    container = pod["containers"][0]
    user = re.search(r"^USER\s+(\d+)(?::(\d+))?", text, re.M)
    if not user:
        problem("deploy/Dockerfile", "USER is not a numeric non-root uid")
    else:
        if int(user.group(1)) == 0:
            problem("deploy/Dockerfile", "USER is root")
        if pod.get("securityContext", {}).get("runAsUser") != int(user.group(1)):
            problem(where, f"runAsUser differs from the image's USER {user.group(1)}")
    expose = re.search(r"^EXPOSE\s+(\d+)", text, re.M)
    ports = [p["containerPort"] for p in container.get("ports", [])]
    if not expose or int(expose.group(1)) not in ports:
        problem(where, f"containerPort {ports} does not include the image's EXPOSE")
    if "/healthz" in text:
        for probe in ("livenessProbe", "readinessProbe"):
            path = container.get(probe, {}).get("httpGet", {}).get("path")
            if path != "/healthz":
                problem(where, f"{probe} does not probe /healthz")


def check_references(objs):
    ds = objs.get("DaemonSet")
    svc = objs.get("Service")
    smon = objs.get("ServiceMonitor")
    if not ds:
        return problem("kustomization", "no DaemonSet")
    pod_labels = ds["spec"]["template"]["metadata"].get("labels", {})
    pod = ds["spec"]["template"]["spec"]
    if not labels_match(ds["spec"]["selector"].get("matchLabels"), pod_labels):
        problem("daemonset", "selector does not match the pod template labels")
    volumes = {v["name"] for v in pod.get("volumes", [])}
    for c in pod["containers"]:
        port_names = {p.get("name") for p in c.get("ports", [])}
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            port = c.get(probe, {}).get("httpGet", {}).get("port")
            if isinstance(port, str) and port not in port_names:
                problem(f"daemonset.{c['name']}.{probe}", f"port {port!r} is not a container port")
        for m in c.get("volumeMounts", []):
            if m["name"] not in volumes:
                problem(f"daemonset.{c['name']}", f"volumeMount {m['name']!r} has no volume")
    if svc:
        if not labels_match(svc["spec"].get("selector"), pod_labels):
            problem("service", "selector does not select the DaemonSet's pods")
        names = {p.get("name") for c in pod["containers"] for p in c.get("ports", [])}
        for p in svc["spec"]["ports"]:
            t = p.get("targetPort")
            if isinstance(t, str) and t not in names:
                problem("service", f"targetPort {t!r} is not a container port name")
    if smon and svc:
        if not labels_match(smon["spec"]["selector"].get("matchLabels"), svc["metadata"].get("labels", {})):
            problem("servicemonitor", "selector does not select the Service")
        svc_ports = {p.get("name") for p in svc["spec"]["ports"]}
        for e in smon["spec"].get("endpoints", []):
            if "port" in e and e["port"] not in svc_ports:
                problem("servicemonitor", f"endpoint port {e['port']!r} is not a Service port")


def main(root):
    kdir = os.path.join(root, "deploy", "kubernetes")
    with open(os.path.join(kdir, "kustomization.yaml")) as f:
        kust = yaml.safe_load(f)
    for key in kust:
        if key not in ("apiVersion", "kind", "namespace", "resources", "labels", "commonLabels", "images"):
            problem("kustomization.yaml", f"unexpected key {key!r}")
    if kust.get("kind") != "Kustomization":
        problem("kustomization.yaml", "kind is not Kustomization")
    sm_schema_path = os.path.join(root, "tests", "deploy", "schemas", "servicemonitor-v1.json")
    with open(sm_schema_path) as f:
        sm_schema = json.load(f)
    objs = {}
    for res in kust.get("resources", []):
        path = os.path.join(kdir, res)
        if not os.path.isfile(path):
            problem("kustomization.yaml", f"resource {res} does not exist")
            continue
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
        for n, doc in enumerate(docs):
            where = f"{res}#{n}"
            key = (doc.get("apiVersion"), doc.get("kind"))
            ns = doc.get("metadata", {}).get("namespace")
            if ns not in (None, kust.get("namespace")):
                problem(where, f"namespace {ns!r} differs from the kustomization's")
            if key in MODELS:
                check_type(where, doc, MODELS[key])
                check_required(where, doc, MODELS[key])
            elif key == ("monitoring.coreos.com/v1", "ServiceMonitor"):
                for err in jsonschema.Draft7Validator(sm_schema).iter_errors(doc):
                    problem(where + "." + ".".join(map(str, err.path)), err.message)
            else:
                problem(where, f"no schema for {key}")
            if doc.get("kind") != "ConfigMap":
                objs[doc.get("kind")] = doc
    check_references(objs)
    if "DaemonSet" in objs:
        check_run_line(root, objs["DaemonSet"])
        check_dockerfile(root, objs["DaemonSet"])
    for p in PROBLEMS:
        print("FAIL", p)
    print(f"checked {len(kust.get('resources', []))} resource files, {len(PROBLEMS)} problems")
    return 1 if PROBLEMS else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
