"""Kubernetes manifests: workloads are nodes; a workload depends on another when one of its
containers' environment values names a Service (by its DNS name) that selects the other.

- Workloads: Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod (also inside `kind: List`).
- Environment values: `env[].value`, `env[].valueFrom.configMapKeyRef`, and every value of a
  ConfigMap named in `envFrom`. A Service is named by `name`, `name.ns`, `name.ns.svc` or
  `name.ns.svc.<cluster domain>`, with or without a scheme, credentials and port
  (`redis://cache:6379`, `http://api.shop.svc.cluster.local:8080/v1`). A bare word with no
  port, scheme or dot only counts when the variable's name says it is an address (ADDR,
  HOST, URL, ...): `LOG_LEVEL=info` must not make a dependency on a Service called `info`.
- A Service selecting several workloads is redundancy: an `any_of` group. A Service that
  selects none (an ExternalName, or one whose pods are not in the files) is a node itself.
- `spec.replicas` is noted on the node.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tabletop.importers.common import (
    ImportedGraph,
    ImportedNode,
    fail,
    guess_kind,
    image_name,
)
from tabletop.importers.yaml_input import load_documents
from tabletop.scenario.yaml_safe import Loc, YamlDocument

WORKLOADS = ("deployment", "statefulset", "daemonset", "replicaset", "pod")

_HOST = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")
_ADDRESS_NAME = re.compile(
    r"ADDR|HOST|URL|URI|ENDPOINT|SERVICE|SERVER|DSN|BROKER|UPSTREAM|BACKEND|TARGET|PEER",
    re.IGNORECASE,
)


@dataclass
class _Workload:
    kind: str
    namespace: str
    name: str
    labels: dict[str, str]
    image: str | None
    replicas: int | None
    #: (variable name, value, where) of every environment value to look at.
    env: list[tuple[str, str, Loc]] = field(default_factory=list)
    #: ConfigMaps named by envFrom / configMapKeyRef: (name, key or None, where).
    config_refs: list[tuple[str, str | None, Loc]] = field(default_factory=list)
    doc: YamlDocument | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.namespace}/{self.name}"


@dataclass
class _Service:
    namespace: str
    name: str
    selector: dict[str, str]
    external: str | None
    #: A LoadBalancer or NodePort Service: people come in through it.
    public: bool = False


def _meta(doc: YamlDocument, loc: Loc, data: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    meta = data.get("metadata")
    if not isinstance(meta, dict):
        raise fail(doc, (*loc, "metadata") if "metadata" in data else loc, "expected metadata")
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        raise fail(doc, (*loc, "metadata", "name"), "metadata.name: expected text")
    namespace = meta.get("namespace", "default")
    if not isinstance(namespace, str) or not namespace:
        raise fail(doc, (*loc, "metadata", "namespace"), "metadata.namespace: expected text")
    labels = meta.get("labels") or {}
    return (
        name,
        namespace,
        {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {},
    )


def _containers(doc: YamlDocument, loc: Loc, pod_spec: Any, w: _Workload) -> None:
    if not isinstance(pod_spec, dict):
        raise fail(doc, loc, "expected a pod spec (a mapping with containers)")
    for part in ("initContainers", "containers"):
        items = pod_spec.get(part) or []
        if not isinstance(items, list):
            raise fail(doc, (*loc, part), f"{part}: expected a list")
        for i, c in enumerate(items):
            cloc: Loc = (*loc, part, i)
            if not isinstance(c, dict):
                raise fail(doc, cloc, "expected a container (a mapping)")
            if w.image is None and part == "containers" and isinstance(c.get("image"), str):
                w.image = c["image"]
            _env(doc, cloc, c, w)


def _env(doc: YamlDocument, loc: Loc, c: dict[str, Any], w: _Workload) -> None:
    env = c.get("env") or []
    if not isinstance(env, list):
        raise fail(doc, (*loc, "env"), "env: expected a list of {name, value}")
    for j, var in enumerate(env):
        vloc: Loc = (*loc, "env", j)
        if not isinstance(var, dict):
            raise fail(doc, vloc, "expected {name: ..., value: ...}")
        name = str(var.get("name", ""))
        value = var.get("value")
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            w.env.append((name, str(value), (*vloc, "value")))
        ref = (var.get("valueFrom") or {}) if isinstance(var.get("valueFrom"), dict) else {}
        cm = ref.get("configMapKeyRef")
        if isinstance(cm, dict) and isinstance(cm.get("name"), str):
            key = cm.get("key")
            w.config_refs.append(
                (cm["name"], key if isinstance(key, str) else None, (*vloc, "valueFrom"))
            )
    env_from = c.get("envFrom") or []
    if isinstance(env_from, list):
        for j, src in enumerate(env_from):
            cm = src.get("configMapRef") if isinstance(src, dict) else None
            if isinstance(cm, dict) and isinstance(cm.get("name"), str):
                w.config_refs.append((cm["name"], None, (*loc, "envFrom", j)))


def _replicas(doc: YamlDocument, loc: Loc, spec: dict[str, Any]) -> int | None:
    value = spec.get("replicas")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise fail(doc, (*loc, "spec", "replicas"), "replicas: expected a whole number")
    return value


@dataclass
class _Manifests:
    workloads: list[_Workload] = field(default_factory=list)
    services: list[_Service] = field(default_factory=list)
    config_maps: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def read(self, doc: YamlDocument, loc: Loc, data: Any) -> None:
        """Take in one object (a document or an item of a List)."""
        if not isinstance(data, dict):
            raise fail(doc, loc, "expected a Kubernetes object: a mapping with kind")
        kind = data.get("kind")
        if not isinstance(kind, str) or not kind:
            raise fail(doc, (*loc, "kind") if "kind" in data else loc, "kind: expected text")
        kind = kind.lower()
        if kind == "list":
            items = data.get("items")
            if not isinstance(items, list):
                raise fail(doc, (*loc, "items"), "a List: expected `items:`")
            for i, item in enumerate(items):
                self.read(doc, (*loc, "items", i), item)
            return
        if kind not in (*WORKLOADS, "service", "configmap"):
            return
        name, namespace, labels = _meta(doc, loc, data)
        if kind == "configmap":
            values = data.get("data") or {}
            if not isinstance(values, dict):
                raise fail(doc, (*loc, "data"), "data: expected a mapping")
            self.config_maps[(namespace, name)] = {str(k): str(v) for k, v in values.items()}
            return
        spec = data.get("spec") or {}
        if not isinstance(spec, dict):
            raise fail(doc, (*loc, "spec"), "spec: expected a mapping")
        if kind == "service":
            selector = spec.get("selector") or {}
            external = spec.get("externalName")
            self.services.append(
                _Service(
                    namespace,
                    name,
                    {str(k): str(v) for k, v in selector.items()}
                    if isinstance(selector, dict)
                    else {},
                    external if isinstance(external, str) else None,
                    spec.get("type") in ("LoadBalancer", "NodePort"),
                )
            )
        else:
            self._workload(doc, loc, kind, name, namespace, labels, spec)

    def _workload(
        self,
        doc: YamlDocument,
        loc: Loc,
        kind: str,
        name: str,
        namespace: str,
        labels: dict[str, str],
        spec: dict[str, Any],
    ) -> None:
        w = _Workload(kind, namespace, name, labels, None, None, doc=doc)
        if kind == "pod":
            _containers(doc, (*loc, "spec"), spec, w)
        else:
            w.replicas = _replicas(doc, loc, spec)
            template = spec.get("template")
            if not isinstance(template, dict):
                raise fail(doc, (*loc, "spec"), f"{kind}: expected spec.template")
            tmeta = template.get("metadata") or {}
            tlabels = tmeta.get("labels") if isinstance(tmeta, dict) else None
            if isinstance(tlabels, dict):
                w.labels = {str(k): str(v) for k, v in tlabels.items()}
            _containers(doc, (*loc, "spec", "template", "spec"), template.get("spec"), w)
        self.workloads.append(w)


def _named_services(
    var: str, value: str, namespace: str, services: dict[tuple[str, str], _Service]
) -> list[_Service]:
    """The Services a value names by DNS name (see the module docstring for what counts)."""
    found: list[_Service] = []
    text = value.lower()
    addressy = bool(_ADDRESS_NAME.search(var))
    for m in _HOST.finditer(text):
        host = m.group(0)
        before, after = text[: m.start()], text[m.end() :]
        parts = host.split(".")
        if len(parts) >= 3 and parts[2] != "svc":
            continue
        ns = parts[1] if len(parts) >= 2 else namespace
        svc = services.get((ns, parts[0]))
        if svc is None:
            continue
        marked = (
            before.endswith(("://", "@")) or re.match(r":\d", after) is not None or len(parts) >= 2
        )
        if marked or addressy:
            found.append(svc)
    return found


def _selected(svc: _Service, workloads: list[_Workload]) -> list[_Workload]:
    if not svc.selector:
        return []
    return [
        w
        for w in workloads
        if w.namespace == svc.namespace
        and all(w.labels.get(k) == v for k, v in svc.selector.items())
    ]


def import_k8s(paths: Sequence[str | Path]) -> ImportedGraph:
    """The graph of one or more manifest files."""
    manifests = _Manifests()
    for path in paths:
        for doc in load_documents(path):
            manifests.read(doc, (), doc.data)
    graph = ImportedGraph("k8s", [str(p) for p in paths])
    services = {(s.namespace, s.name): s for s in manifests.services}
    for w in manifests.workloads:
        label = w.name if w.namespace == "default" else f"{w.namespace}/{w.name}"
        node = ImportedNode(
            w.key, label, kind=guess_kind(w.name, image_name(w.image)), id_hint=w.name
        )
        node.notes.append(f"{w.kind}" + (f", image: {w.image}" if w.image else ""))
        if w.replicas is not None:
            node.notes.append(
                f"{w.replicas} replica{'' if w.replicas == 1 else 's'}: one node here, as "
                "they fail together when what they need fails"
            )
        if w.key in graph.nodes:
            continue
        graph.add(node)
    for svc in manifests.services:
        if svc.public:
            for w in _selected(svc, manifests.workloads):
                graph.nodes[w.key].entry = True
    for w in manifests.workloads:
        node = graph.nodes[w.key]
        values = list(w.env)
        for cm_name, cm_key, where in w.config_refs:
            data = manifests.config_maps.get((w.namespace, cm_name), {})
            values += [(k, v, where) for k, v in data.items() if cm_key in (None, k)]
        for var, value, _where in values:
            for svc in _named_services(var, value, w.namespace, services):
                targets = [t.key for t in _selected(svc, manifests.workloads) if t.key != w.key]
                if _selected(svc, manifests.workloads) and not targets:
                    continue  # the workload names its own Service
                if not targets:
                    targets = [_service_node(graph, svc)]
                if len(targets) == 1:
                    node.hard.append(targets[0])
                else:
                    node.any_of.append(targets)
    return graph


def _service_node(graph: ImportedGraph, svc: _Service) -> str:
    """The node standing for a Service whose pods are not in the files (made once)."""
    key = f"service:{svc.namespace}/{svc.name}"
    if key not in graph.nodes:
        label = svc.name if svc.namespace == "default" else f"{svc.namespace}/{svc.name}"
        node = ImportedNode(key, label, kind=guess_kind(svc.name, svc.external), id_hint=svc.name)
        if svc.external:
            node.third_party = True
            node.kind = "vendor"
            node.notes.append(f"ExternalName Service: {svc.external}")
        else:
            node.notes.append("Service whose pods are not in the files given")
        graph.add(node)
    return key
