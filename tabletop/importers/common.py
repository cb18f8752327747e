"""What every importer shares: the imported graph, valid unique ids, kind guesses, and the
scenario text written from it (nodes plus a commented starter like `tabletop new`'s)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tabletop.engine.propagation import DepGraph, NodeDeps
from tabletop.engine.spof import sweep
from tabletop.scenario.problems import InputError, Problem
from tabletop.scenario.starter import StarterResponse
from tabletop.scenario.yaml_safe import YamlDocument

#: Longest id the format accepts.
MAX_ID = 80


@dataclass
class ImportedNode:
    """One imported component: `key` is how its source refers to it (unique per import)."""

    key: str
    label: str
    kind: str = "service"
    third_party: bool = False
    hard: list[str] = field(default_factory=list)
    soft: list[str] = field(default_factory=list)
    any_of: list[list[str]] = field(default_factory=list)
    #: Comment lines written above the node (replicas, where it came from ...).
    notes: list[str] = field(default_factory=list)
    #: Preferred base of the id when the label makes a poor one.
    id_hint: str | None = None
    #: A front door (a published port, a load balancer, a website): people use it directly.
    entry: bool = False


@dataclass
class ImportedGraph:
    """The components of one import, in source order, with where they came from."""

    kind: str
    sources: list[str]
    nodes: dict[str, ImportedNode] = field(default_factory=dict)
    #: Notes for the user (FILE:LINE:COL: note: ...): what was guessed or left out.
    notes: list[str] = field(default_factory=list)

    def add(self, node: ImportedNode) -> ImportedNode:
        """Add a node (its key must be new) and return it."""
        self.nodes[node.key] = node
        return node


def fail(doc: YamlDocument, loc: Sequence[int | str], message: str) -> InputError:
    """The error for a problem at `loc` of `doc` (to raise)."""
    return InputError([doc.problem(loc, message)])


def fail_at(file: str, line: int, column: int, message: str) -> InputError:
    """The error for a problem at a line and column (to raise)."""
    return InputError([Problem(file, line, column, message)])


# ------------------------------------------------------------------------------------ ids


def slug(text: str) -> str:
    """`text` as an id: lowercase letters, digits and '-', starting with a letter or digit."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:MAX_ID].rstrip("-") or "node"


def unique_ids(bases: Iterable[str]) -> list[str]:
    """Valid ids for these bases, in order, made unique with -2, -3 ... where they clash."""
    taken: set[str] = set()
    out: list[str] = []
    for w in (slug(b) for b in bases):
        candidate, k = w, 1
        while candidate in taken:
            k += 1
            suffix = f"-{k}"
            candidate = w[: MAX_ID - len(suffix)].rstrip("-") + suffix
        taken.add(candidate)
        out.append(candidate)
    return out


# ---------------------------------------------------------------------------------- kinds


def _vocab(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Kind guessed from a word of a component's image, type or name; the first rule with a
#: matching word wins, so the more specific kinds come first.
_KIND_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "monitoring",
        _vocab(
            "exporter prometheus grafana jaeger zipkin loki otel opentelemetry datadog "
            "alertmanager kibana logstash fluentd fluent-bit"
        ),
    ),
    (
        "database",
        _vocab(
            "db database postgres postgresql psql mysql mariadb mongo mongodb cassandra "
            "cockroach cockroachdb couchdb couchbase mssql sqlserver oracle rds dynamodb sql "
            "neo4j clickhouse influxdb timescaledb scylla spanner firestore cosmosdb "
            "aurora sqlite"
        ),
    ),
    (
        "cache",
        _vocab("redis memcached memcache cache valkey varnish elasticache keydb"),
    ),
    (
        "queue",
        _vocab(
            "kafka rabbitmq rabbit nats activemq queue sqs sns pubsub mq pulsar kinesis "
            "eventhub eventhubs servicebus zookeeper msk broker"
        ),
    ),
    ("search", _vocab("elasticsearch opensearch solr search")),
    ("storage", _vocab("minio s3 bucket storage blob nfs efs disk volume")),
    (
        "network",
        _vocab(
            "nginx traefik envoy haproxy gateway ingress proxy lb loadbalancer dns vpc subnet "
            "firewall cdn route53 cloudfront elb alb nlb security security_group route_table "
            "openresty"
        ),
    ),
    ("identity", _vocab("keycloak auth oauth ldap iam vault secrets okta")),
    ("frontend", _vocab("website frontend front ui web webapp spa")),
)


def words(*texts: str | None) -> list[str]:
    """The lowercase words of the texts (split at anything but letters, digits and '_')."""
    found: list[str] = []
    for t in texts:
        if t:
            found.extend(w for w in re.split(r"[^a-z0-9_]+", t.lower()) if w)
            # and split at '_' too: terraform's aws_db_instance says "db"
            found.extend(w for w in re.split(r"[^a-z0-9]+", t.lower()) if w)
    return found


def guess_kind(*texts: str | None, default: str = "service") -> str:
    """A node kind guessed from words of a name, an image or an entity type: the first text
    with a telling word decides (a service's name says more than its image's)."""
    for text in texts:
        ws = set(words(text))
        for kind, vocabulary in _KIND_WORDS:
            if ws & vocabulary:
                return kind
    return default


def image_name(image: str | None) -> str | None:
    """The repository's last part of a container image, without registry, owner or tag."""
    if not image:
        return None
    last = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return last.split(":", 1)[0]


# ---------------------------------------------------------------------------------- emit


_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/()-]*")


def _q(text: str) -> str:
    """A YAML scalar for any text: plain when it reads back as the same text, else quoted
    (JSON's quoted strings are valid YAML)."""
    if _PLAIN.fullmatch(text) and not text.endswith(" "):
        try:
            if yaml.safe_load(f"k: {text}") == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    quoted = json.dumps(text, ensure_ascii=False)
    # JSON escapes C0 controls only; YAML refuses DEL, C1 controls and U+FFFE/FFFF raw, and
    # reads U+0085, U+2028 and U+2029 as line breaks (folded into spaces): escape them all.
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


@dataclass(frozen=True)
class _Resolved:
    """An imported node with its id and dependencies as ids (cleaned up)."""

    node: ImportedNode
    id: str
    hard: list[str]
    soft: list[str]
    any_of: list[list[str]]
    users: int


def _resolve(graph: ImportedGraph) -> list[_Resolved]:
    """Ids for every node; dependencies as ids without self-references and duplicates (a
    one-member group is a hard dependency; a group holding a hard dependency adds nothing)."""
    nodes = list(graph.nodes.values())
    ids = unique_ids(n.id_hint or n.label for n in nodes)
    by_key = {n.key: i for n, i in zip(nodes, ids, strict=True)}
    any_entry = any(n.entry for n in nodes)
    # What something needs to stay up (a soft dependency, e.g. a system on its parts, is not
    # a reason to think people do not use it directly).
    needed = {d for n in nodes for d in (*n.hard, *(m for g in n.any_of for m in g))}
    out: list[_Resolved] = []
    for n, nid in zip(nodes, ids, strict=True):
        hard = list(dict.fromkeys(by_key[d] for d in n.hard if by_key[d] != nid))
        groups: list[list[str]] = []
        for g in n.any_of:
            members = list(dict.fromkeys(by_key[m] for m in g if by_key[m] != nid))
            if not members or any(m in hard for m in members) or members in groups:
                continue
            if len(members) == 1:
                if members[0] not in hard:
                    hard.append(members[0])
                continue
            groups.append(members)
        soft = list(
            dict.fromkeys(by_key[d] for d in n.soft if by_key[d] != nid and by_key[d] not in hard)
        )
        # Where people come in: the front doors the source marks, else what nothing needs.
        users = 100 if (n.entry if any_entry else n.key not in needed) else 0
        out.append(_Resolved(n, nid, hard, soft, groups, users))
    return out


def one_line(text: str) -> str:
    """`text` on one line (for comments and the summary): whitespace runs become a space."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _node_lines(r: _Resolved) -> list[str]:
    lines = [f"  # {one_line(note)}" for note in r.node.notes]
    lines += [
        f"  - id: {_q(r.id)}",
        f"    label: {_q(r.node.label if r.node.label.strip() else r.id)}",
        f"    kind: {_q(r.node.kind)}",
    ]
    if r.node.third_party:
        lines.append("    third_party: true")
    if r.users:
        lines.append(
            f"    users: {r.users}            # a guess (people come in here): put the real number"
        )
    # Ids are quoted where YAML would read them as something else (yes, null, 12 ...).
    deps = [f"      - {_q(h)}" for h in r.hard]
    deps += [f"      - soft: {_q(s)}" for s in r.soft]
    deps += [f"      - any_of: [{', '.join(_q(m) for m in g)}]" for g in r.any_of]
    if deps:
        lines += ["    depends_on:", *deps]
    return lines


#: Above the starter's response sections: why they are there and how to choose another failure.
_STARTER_NOTE = """\

# ---------------------------------------------------------------------------------------
# A starter for you to finish: one failure, one action per phase, a playbook that scores
# them. The failure below is the node whose loss takes down the most; to see them all:
#   tabletop spof {file}

"""


def _worst(resolved: list[_Resolved]) -> _Resolved:
    """The node whose failure takes down the most users, then nodes (first in file order)."""
    deps = {
        r.id: NodeDeps(tuple(r.hard), tuple(r.soft), tuple(tuple(g) for g in r.any_of))
        for r in resolved
    }
    report = sweep(DepGraph(deps), {r.id: r.users for r in resolved}, detail=0)
    first = report.entries[0].node
    return next(r for r in resolved if r.id == first)


def scenario_text(graph: ImportedGraph, scenario_id: str, title: str, output_name: str) -> str:
    """The whole scenario file for an imported graph (it must hold at least one node)."""
    resolved = _resolve(graph)
    cause = _worst(resolved)
    sources = one_line(", ".join(Path(s).name for s in graph.sources))
    header = [
        f"# Imported by `tabletop import {graph.kind}` from {sources}.",
        f"# Check it with:  tabletop validate {one_line(output_name)}",
        f"# Single points of failure:  tabletop spof {one_line(output_name)}",
        "# Every imported component is a node and every dependency a `depends_on` entry;",
        "# the labels keep the original names and the kinds are guesses from images and types.",
        "format: tabletop/v1",
        f"id: {scenario_id}",
        f"title: {_q(title)}",
        "kind: other                # power | attack | third-party | network | other",
        "summary: >-",
        f"  {one_line(cause.node.label) or cause.id} fails at minute 0. Describe what the",
        "  team sees, in a few sentences: this is the briefing.",
        "difficulty: standard       # intro | standard | hard",
        f"tags: [imported, {graph.kind}]",
        "duration: 120              # the drill ends at this exercise minute",
        "",
        f"nodes:                     # {len(resolved)} imported components",
    ]
    body: list[str] = []
    for r in resolved:
        body += _node_lines(r)
    restore = f"restore-{cause.id}"[:MAX_ID].rstrip("-")
    starter = (
        _STARTER_NOTE.format(file=one_line(output_name))
        + StarterResponse(
            reveals=_q(f"{cause.node.label} is down; check what depends on it."),
            restore=_q(restore),
            restore_label=_q(f"Restore {cause.node.label}"),
            restore_minutes=20,
            restore_node=_q(cause.id),
            cause=_q(cause.id),
            inject_title=_q(f"{cause.node.label} stops answering"),
            fix_title=_q(f"Restore {cause.node.label}"),
        ).text()
    )
    return "\n".join([*header, *body]) + "\n" + starter
