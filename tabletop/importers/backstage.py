"""Backstage software catalogs: Component, Resource, System and API entities.

- `spec.dependsOn`: hard dependencies; `spec.dependencyOf`: the same edge, written from the
  other end (the named entity depends on this one).
- `consumesApis`: the consumer depends on the API; the API depends on the components that
  `providesApis` it (several providers: any one is enough, an `any_of` group).
- A System is degraded while one of its parts (entities with `spec.system`) is down: it
  depends softly on each, so its own failure takes nothing down.
- Entity references in every form: `kind:namespace/name`, `kind:name`, `namespace/name`,
  `name` (kinds case-insensitive; the default namespace is `default`). A reference to an
  entity the files do not define becomes a node of its own, with a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tabletop.importers.common import ImportedGraph, ImportedNode, fail, guess_kind
from tabletop.importers.yaml_input import load_documents
from tabletop.scenario.yaml_safe import Loc, YamlDocument

#: Entity kinds that become nodes.
KINDS = ("component", "resource", "system", "api")


@dataclass
class _Entity:
    kind: str
    namespace: str
    name: str
    spec: dict[str, Any]
    doc: YamlDocument
    type: str | None = None
    refs: list[tuple[str, str, Loc]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.namespace}/{self.name}"


def parse_ref(
    ref: str, default_kind: str | None, namespace: str = "default"
) -> tuple[str | None, str, str]:
    """(kind or None, namespace, name) of an entity reference in any of its forms."""
    kind: str | None = default_kind
    rest = ref.strip()
    if ":" in rest:
        kind, rest = rest.split(":", 1)
        kind = kind.strip().lower()
    if "/" in rest:
        namespace, rest = rest.split("/", 1)
    return kind, namespace.strip().lower() or "default", rest.strip()


def _text(doc: YamlDocument, loc: Loc, value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(doc, loc, f"{what}: expected text")
    return value


def _ref_list(doc: YamlDocument, loc: Loc, value: Any, what: str) -> list[tuple[str, Loc]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(doc, loc, f"{what}: expected a list of entity references")
    return [(_text(doc, (*loc, i), v, what), (*loc, i)) for i, v in enumerate(value)]


def _entity(doc: YamlDocument, loc: Loc, data: Any) -> _Entity | None:
    """The entity of one document (or one item of a `List`), None for kinds not imported."""
    if not isinstance(data, dict):
        raise fail(doc, loc, "expected a catalog entity: a mapping with kind and metadata")
    kind = _text(doc, (*loc, "kind"), data.get("kind"), "kind").lower()
    if kind not in KINDS:
        return None
    meta = data.get("metadata")
    if not isinstance(meta, dict):
        raise fail(doc, (*loc, "metadata") if "metadata" in data else loc, "expected metadata")
    name = _text(doc, (*loc, "metadata", "name"), meta.get("name"), "metadata.name")
    namespace = meta.get("namespace", "default")
    namespace = _text(doc, (*loc, "metadata", "namespace"), namespace, "metadata.namespace")
    spec = data.get("spec") or {}
    if not isinstance(spec, dict):
        raise fail(doc, (*loc, "spec"), "spec: expected a mapping")
    etype = spec.get("type")
    return _Entity(
        kind, namespace.lower(), name, spec, doc, etype if isinstance(etype, str) else None
    )


def _entities(paths: Sequence[str | Path]) -> list[_Entity]:
    found: list[_Entity] = []
    for path in paths:
        for doc in load_documents(path):
            items: list[tuple[Loc, Any]] = [((), doc.data)]
            if isinstance(doc.data, dict) and str(doc.data.get("kind", "")).lower() == "list":
                raw = doc.data.get("items")
                if not isinstance(raw, list):
                    raise fail(doc, ("items",), "a List: expected `items:`")
                items = [(("items", i), x) for i, x in enumerate(raw)]
            for loc, data in items:
                e = _entity(doc, loc, data)
                if e is not None:
                    found.append(e)
    return found


class _Catalog:
    """Entities by key and by name, resolving references as Backstage does."""

    def __init__(self, entities: list[_Entity], graph: ImportedGraph) -> None:
        self.by_key = {e.key: e for e in entities}
        self.graph = graph

    def resolve(
        self,
        ref: str,
        default_kind: str | None,
        candidates: tuple[str, ...],
        e: _Entity,
        where: Loc,
    ) -> str:
        """The key of the entity `ref` names (a new placeholder node when none does)."""
        kind, namespace, name = parse_ref(ref, default_kind, e.namespace)
        kinds = (kind,) if kind else candidates
        for k in kinds:
            key = f"{k}:{namespace}/{name}"
            if key in self.by_key:
                return key
        if kind is None:  # a bare name: the namespace may have been left to its default
            for k in kinds:
                key = f"{k}:default/{name}"
                if key in self.by_key:
                    return key
        key = f"{kinds[0]}:{namespace}/{name}"
        if key not in self.graph.nodes:
            label = name if namespace == "default" else f"{namespace}/{name}"
            node = ImportedNode(key, label, kind=guess_kind(name, default="service"))
            node.notes.append(f"{ref} is named in the catalog but not defined in the files given")
            if kinds[0] == "api":
                node.kind = "api"
            self.graph.add(node)
            self.graph.notes.append(
                f"{e.doc.problem(where, '')}note: {ref!r} is not defined in the files given; "
                "imported as a node of its own"
            )
        return key


def _label(e: _Entity) -> str:
    return e.name if e.namespace == "default" else f"{e.namespace}/{e.name}"


def _kind_of(e: _Entity) -> str:
    if e.kind == "api":
        return "api"
    if e.kind == "system":
        return "system"
    default = "database" if e.kind == "resource" and e.type == "database" else "service"
    return guess_kind(e.type, e.name, default=default)


def import_backstage(paths: Sequence[str | Path]) -> ImportedGraph:
    """The graph of one or more Backstage catalog files."""
    entities = _entities(paths)
    graph = ImportedGraph("backstage", [str(p) for p in paths])
    kinds_of_name: dict[str, set[str]] = {}
    for e in entities:
        kinds_of_name.setdefault(e.name, set()).add(e.kind)
    for e in entities:
        if e.key in graph.nodes:
            graph.notes.append(
                f"{e.doc.problem((), '')}note: {e.key} is defined again; the first one is kept"
            )
            continue
        node = ImportedNode(e.key, _label(e), kind=_kind_of(e), entry=e.type == "website")
        # An API and its component often share a name: say which is which in the ids.
        shared = len(kinds_of_name[e.name]) > 1
        node.id_hint = f"{e.name}-{e.kind}" if shared else e.name
        if e.type:
            node.notes.append(f"{e.kind} of type {e.type}")
        graph.add(node)
    catalog = _Catalog(entities, graph)
    providers: dict[str, list[str]] = {}
    for e in entities:
        node = graph.nodes[e.key]
        loc: Loc = ("spec",)
        spec = e.spec
        for ref, where in _ref_list(e.doc, (*loc, "dependsOn"), spec.get("dependsOn"), "dependsOn"):
            node.hard.append(catalog.resolve(ref, None, ("component", "resource"), e, where))
        for ref, where in _ref_list(
            e.doc, (*loc, "dependencyOf"), spec.get("dependencyOf"), "dependencyOf"
        ):
            other = catalog.resolve(ref, None, ("component", "resource", "system"), e, where)
            graph.nodes[other].hard.append(e.key)
        for ref, where in _ref_list(
            e.doc, (*loc, "consumesApis"), spec.get("consumesApis"), "consumesApis"
        ):
            node.hard.append(catalog.resolve(ref, "api", ("api",), e, where))
        for ref, where in _ref_list(
            e.doc, (*loc, "providesApis"), spec.get("providesApis"), "providesApis"
        ):
            api = catalog.resolve(ref, "api", ("api",), e, where)
            providers.setdefault(api, []).append(e.key)
        system = spec.get("system")
        if isinstance(system, str) and system.strip() and e.kind != "system":
            key = catalog.resolve(system, "system", ("system",), e, (*loc, "system"))
            graph.nodes[key].soft.append(e.key)
    for api, provided_by in providers.items():
        graph.nodes[api].any_of.append(list(dict.fromkeys(provided_by)))
    return graph
