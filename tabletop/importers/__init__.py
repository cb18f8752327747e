"""Importers: scenarios from the dependency graphs teams already keep (Compose files,
Backstage catalogs, Kubernetes manifests, Graphviz DOT such as `terraform graph`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from tabletop.importers.backstage import import_backstage
from tabletop.importers.common import ImportedGraph, scenario_text
from tabletop.importers.compose import import_compose
from tabletop.importers.dot import import_dot
from tabletop.importers.k8s import import_k8s

Importer = Callable[[Sequence[str | Path]], ImportedGraph]

#: The importer of each kind `tabletop import` takes.
IMPORTERS: dict[str, Importer] = {
    "compose": import_compose,
    "backstage": import_backstage,
    "k8s": import_k8s,
    "dot": import_dot,
}

__all__ = ["IMPORTERS", "ImportedGraph", "Importer", "scenario_text"]
