"""Reading the YAML files importers take, with the scenario loader's limits and messages.

Compose files hold one document; Backstage catalogs and Kubernetes manifests hold several
(`---`). Every document goes through the same checks as a scenario file: size cap, UTF-8,
nesting depth, alias expansion, duplicate keys; any problem is one FILE:LINE:COL line.
"""

from __future__ import annotations

from pathlib import Path

from tabletop.scenario.problems import InputError, Problem
from tabletop.scenario.yaml_safe import (
    DEFAULT_LIMITS,
    Limits,
    YamlDocument,
    node_problem,
    parse_yaml_documents,
    read_bytes,
)


def load_documents(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> list[YamlDocument]:
    """Every non-empty document of a YAML file, each with its own node tree for positions;
    raise `InputError` at the first problem (a duplicate key included)."""
    p = Path(path)
    file = str(p)
    raw = read_bytes(p, limits)
    if len(raw) > limits.max_bytes:
        raise InputError([Problem(file, 1, 1, f"file too large (limit {limits.max_bytes:,})")])
    if not raw.strip():
        raise InputError([Problem(file, 1, 1, "empty file: expected YAML")])
    return parse_yaml_documents(raw, file, limits)


def load_single(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> YamlDocument:
    """The one document of a YAML file (a Compose file); a second document is a problem."""
    docs = load_documents(path, limits)
    if not docs:
        raise InputError([Problem(str(path), 1, 1, "no YAML content (only comments)")])
    if len(docs) > 1:
        message = "a second YAML document: this file should hold exactly one"
        raise InputError([node_problem(str(path), docs[1].root, message)])
    return docs[0]
