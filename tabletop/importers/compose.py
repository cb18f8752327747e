"""Docker Compose files: every service a node, `depends_on`, `links` and
`network_mode: service:X` dependencies.

Several files merge as `docker compose -f a -f b` does for what matters here: a service
named again adds its dependencies to the earlier ones and its later image wins.
"""

from __future__ import annotations

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
from tabletop.importers.yaml_input import load_single
from tabletop.scenario.yaml_safe import Loc, YamlDocument


@dataclass
class _Service:
    name: str
    image: str | None = None
    replicas: int | None = None
    ports: bool = False
    #: (target, soft, where in which document) for the unknown-service message.
    deps: list[tuple[str, bool, YamlDocument, Loc]] = field(default_factory=list)


def _str(doc: YamlDocument, loc: Loc, value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise fail(doc, loc, f"{what}: expected a service name")
    return value


def _depends_on(doc: YamlDocument, loc: Loc, value: Any) -> list[tuple[str, bool, Loc]]:
    """(service, soft, location) for the short list form and the long mapping form."""
    if isinstance(value, list):
        return [
            (_str(doc, (*loc, i), v, "depends_on"), False, (*loc, i)) for i, v in enumerate(value)
        ]
    if isinstance(value, dict):
        out = []
        for name, spec in value.items():
            if not isinstance(name, str):
                raise fail(doc, loc, "depends_on: expected service names as keys")
            soft = False
            if spec is not None:
                if not isinstance(spec, dict):
                    raise fail(
                        doc, (*loc, name), "expected {condition: ..., required: ...} or nothing"
                    )
                required = spec.get("required", True)
                if not isinstance(required, bool):
                    raise fail(doc, (*loc, name, "required"), "required: expected true or false")
                soft = not required
            out.append((name, soft, (*loc, name)))
        return out
    raise fail(doc, loc, "depends_on: expected a list of services or a mapping")


def _links(doc: YamlDocument, loc: Loc, value: Any) -> list[tuple[str, bool, Loc]]:
    if not isinstance(value, list):
        raise fail(doc, loc, "links: expected a list of SERVICE or SERVICE:ALIAS")
    return [
        (_str(doc, (*loc, i), v, "links").split(":", 1)[0], False, (*loc, i))
        for i, v in enumerate(value)
    ]


def _replicas(doc: YamlDocument, loc: Loc, svc: dict[str, Any]) -> int | None:
    deploy = svc.get("deploy")
    if isinstance(deploy, dict) and "replicas" in deploy:
        value, where = deploy["replicas"], (*loc, "deploy", "replicas")
    elif "scale" in svc:
        value, where = svc["scale"], (*loc, "scale")
    else:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise fail(doc, where, "replicas: expected a whole number")
    return value


def _read_service(doc: YamlDocument, name: str, svc: Any, into: _Service) -> None:
    loc: Loc = ("services", name)
    if svc is None:
        return
    if not isinstance(svc, dict):
        raise fail(doc, loc, f"service {name!r}: expected a mapping")
    image = svc.get("image")
    if image is not None:
        if not isinstance(image, str):
            raise fail(doc, (*loc, "image"), "image: expected text")
        into.image = image
    if svc.get("ports"):
        into.ports = True
    replicas = _replicas(doc, loc, svc)
    if replicas is not None:
        into.replicas = replicas
    found: list[tuple[str, bool, Loc]] = []
    if "depends_on" in svc:
        found += _depends_on(doc, (*loc, "depends_on"), svc["depends_on"])
    if "links" in svc:
        found += _links(doc, (*loc, "links"), svc["links"])
    mode = svc.get("network_mode")
    if isinstance(mode, str) and mode.startswith("service:"):
        found.append((mode.removeprefix("service:"), False, (*loc, "network_mode")))
    into.deps += [(target, soft, doc, where) for target, soft, where in found]


def import_compose(paths: Sequence[str | Path]) -> ImportedGraph:
    """The graph of one or more Compose files (merged in order)."""
    services: dict[str, _Service] = {}
    for path in paths:
        doc = load_single(path)
        if not isinstance(doc.data, dict):
            raise fail(doc, (), "expected a Compose file: a mapping with `services:`")
        declared = doc.data.get("services")
        if not isinstance(declared, dict):
            where: Loc = ("services",) if "services" in doc.data else ()
            raise fail(doc, where, "expected `services:` with one entry per service")
        for name, svc in declared.items():
            if not isinstance(name, str):
                raise fail(doc, ("services",), "a service name must be text")
            _read_service(doc, name, svc, services.setdefault(name, _Service(name)))
    graph = ImportedGraph("compose", [str(p) for p in paths])
    for svc in services.values():
        kind = guess_kind(svc.name, image_name(svc.image))
        node = graph.add(ImportedNode(svc.name, svc.name, kind=kind, entry=svc.ports))
        if svc.image:
            node.notes.append(f"image: {svc.image}")
        if svc.replicas is not None:
            node.notes.append(
                f"{svc.replicas} replica{'' if svc.replicas == 1 else 's'}: one node here, "
                "as they fail together when what they need fails"
            )
        for target, soft, doc, where in svc.deps:
            if target not in services:
                raise fail(doc, where, f"no service {target!r} in the Compose files given")
            (node.soft if soft else node.hard).append(target)
    return graph
