"""Reading the YAML files importers take, with the scenario loader's limits and messages.

Compose files hold one document; Backstage catalogs and Kubernetes manifests hold several
(`---`). Every document goes through the same checks as a scenario file: size cap, UTF-8,
nesting depth, alias expansion, duplicate keys; any problem is one FILE:LINE:COL line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tabletop.scenario.problems import InputError, Problem
from tabletop.scenario.yaml_safe import (
    DEFAULT_LIMITS,
    Limits,
    YamlDocument,
    _check_depth,
    _check_tree,
    _decode,
    _Loader,
    _yaml_problem,
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
    text = _decode(file, raw)
    loader = _Loader(text)
    docs: list[YamlDocument] = []
    try:
        while True:
            try:
                if not loader.check_node():
                    break
                root = loader.get_node()
            except yaml.YAMLError as exc:
                raise InputError([_yaml_problem(file, exc, text)]) from None
            except RecursionError:  # pure-Python fallback on very deep input
                raise InputError([Problem(file, 1, 1, "nesting too deep")]) from None
            if root is None:
                continue
            if "&" in text:  # anchors, hence perhaps aliases: count the expanded size
                _check_tree(file, root, limits)
            else:
                _check_depth(file, root, 1, limits.max_depth)
            before = len(loader.key_problems)
            try:
                data = loader.construct_document(root)
            except yaml.YAMLError as exc:
                raise InputError([_yaml_problem(file, exc, text)]) from None
            problems = [
                Problem(file, n.start_mark.line + 1, n.start_mark.column + 1, msg)
                for n, msg in loader.key_problems[before:]
            ]
            if problems:
                raise InputError(problems)
            if data is not None:
                docs.append(YamlDocument(file, data, root, raw, []))
    finally:
        loader.dispose()
    return docs


def load_single(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> YamlDocument:
    """The one document of a YAML file (a Compose file); a second document is a problem."""
    docs = load_documents(path, limits)
    if not docs:
        raise InputError([Problem(str(path), 1, 1, "no YAML content (only comments)")])
    if len(docs) > 1:
        mark = docs[1].root.start_mark
        raise InputError(
            [
                Problem(
                    str(path),
                    mark.line + 1,
                    mark.column + 1,
                    "a second YAML document: this file should hold exactly one",
                )
            ]
        )
    return docs[0]
