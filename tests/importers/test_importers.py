"""The four importers on fixtures in the shapes of real public examples: which nodes, which
dependencies (hard, soft, any_of), which ids, labels and kinds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tabletop.importers import IMPORTERS, scenario_text
from tabletop.importers.backstage import import_backstage, parse_ref
from tabletop.importers.common import ImportedGraph, ImportedNode, guess_kind, slug, unique_ids
from tabletop.importers.compose import import_compose
from tabletop.importers.dot import import_dot
from tabletop.importers.k8s import import_k8s
from tabletop.scenario.loader import parse_scenario
from tabletop.scenario.models import Scenario

from .conftest import FIXTURES

COMPOSE = FIXTURES / "compose-social.yml"
BACKSTAGE = FIXTURES / "backstage-catalog.yaml"
K8S = FIXTURES / "k8s-shop.yaml"
DOT = FIXTURES / "terraform-graph.dot"
ALL = {"compose": COMPOSE, "backstage": BACKSTAGE, "k8s": K8S, "dot": DOT}


def scenario_of(kind: str, *paths: Path) -> Scenario:
    graph = IMPORTERS[kind](list(paths))
    return parse_scenario(scenario_text(graph, "imported", "Imported", "out.yaml"), "out.yaml")


def deps(s: Scenario, node: str) -> tuple[list[str], list[str], list[list[str]]]:
    n = next(x for x in s.nodes if x.id == node)
    return n.hard, n.soft, n.any_of_groups


# ------------------------------------------------------------------------------ compose


def test_compose_every_service_is_a_node_with_its_name_as_label() -> None:
    s = scenario_of("compose", COMPOSE)
    assert len(s.nodes) == 30
    assert {n.label for n in s.nodes} >= {"nginx-web-server", "compose-post-service"}
    assert all(n.id == n.label for n in s.nodes)  # compose names are valid ids already


def test_compose_long_form_required_false_is_soft_and_condition_is_hard() -> None:
    s = scenario_of("compose", COMPOSE)
    hard, soft, groups = deps(s, "compose-post-service")
    assert soft == ["jaeger-agent"]
    assert "write-home-timeline-rabbitmq" in hard and "text-service" in hard
    assert len(hard) == 8 and groups == []
    assert deps(s, "url-shorten-service")[:2] == (
        ["url-shorten-mongodb"],
        ["url-shorten-memcached"],
    )


def test_compose_short_form_links_and_network_mode() -> None:
    s = scenario_of("compose", COMPOSE)
    assert deps(s, "post-storage-service")[0] == ["post-storage-mongodb", "post-storage-memcached"]
    # links: SERVICE:ALIAS names the service, not the alias
    assert deps(s, "user-mention-service")[0] == ["user-mongodb", "user-memcached"]
    assert deps(s, "sidecar-proxy")[0] == ["nginx-web-server"]


def test_compose_kinds_replicas_and_front_doors() -> None:
    graph = import_compose([COMPOSE])
    kinds = {n.key: n.kind for n in graph.nodes.values()}
    assert kinds["user-mongodb"] == "database"
    assert kinds["social-graph-redis"] == "cache"
    assert kinds["write-home-timeline-rabbitmq"] == "queue"
    assert kinds["jaeger-agent"] == "monitoring"
    assert kinds["unique-id-service"] == "service"
    assert any("3 replicas" in note for note in graph.nodes["compose-post-service"].notes)
    assert any("2 replicas" in note for note in graph.nodes["write-home-timeline-service"].notes)
    s = scenario_of("compose", COMPOSE)
    # published ports mark where people come in: those carry the guessed users
    assert {n.id for n in s.nodes if n.users} == {"nginx-web-server", "media-frontend"}


def test_compose_files_merge_in_order(tmp_path: Path) -> None:
    override = tmp_path / "override.yml"
    override.write_text(
        "services:\n  unique-id-service:\n    depends_on: [user-mongodb]\n"
        "  extra:\n    image: postgres:16\n",
        encoding="utf-8",
    )
    s = scenario_of("compose", COMPOSE, override)
    assert deps(s, "unique-id-service")[0] == ["user-mongodb"]
    assert next(n for n in s.nodes if n.id == "extra").kind == "database"


# ---------------------------------------------------------------------------- backstage


@pytest.mark.parametrize(
    ("ref", "default", "expected"),
    [
        ("resource:default/artists-db", None, ("resource", "default", "artists-db")),
        ("component:wayback-search", None, ("component", "default", "wayback-search")),
        ("Resource:artist-cache", None, ("resource", "default", "artist-cache")),
        ("artist-api", "api", ("api", "default", "artist-api")),
        ("ops/pager", None, (None, "ops", "pager")),
        ("API:Payments/charge", "api", ("api", "payments", "charge")),
    ],
)
def test_entity_references_in_every_form(ref: str, default: str | None, expected: tuple) -> None:
    assert parse_ref(ref, default) == expected


def test_backstage_entities_and_dependencies() -> None:
    s = scenario_of("backstage", BACKSTAGE)
    ids = {n.id for n in s.nodes}
    # Component, Resource, System, API; Group and Location are not systems that fail
    assert ids == {
        "artist-engagement-portal", "artist-web", "artist-lookup", "artist-lookup-eu",
        "playback-order", "wayback-search", "artists-db", "artist-cache", "storage-account",
        "playlist-queue", "artist-api", "playlist-api", "search-index",
    }  # fmt: skip
    assert deps(s, "artist-web")[0] == ["wayback-search", "artist-api", "playlist-api"]
    assert deps(s, "artist-lookup")[0] == ["artists-db", "artist-cache"]
    # dependencyOf is the reverse edge
    assert deps(s, "artists-db")[0] == ["storage-account"]
    # an API depends on its providers: two providers are redundancy, one is a hard edge
    assert deps(s, "artist-api")[2] == [["artist-lookup", "artist-lookup-eu"]]
    assert deps(s, "playlist-api")[0] == ["playback-order"]
    # a system is degraded by its parts, never taken down by them
    hard, soft, _ = deps(s, "artist-engagement-portal")
    assert hard == [] and set(soft) == {
        "artist-web", "artist-lookup", "artist-lookup-eu", "artists-db", "artist-api",
    }  # fmt: skip


def test_backstage_kinds_and_an_undefined_reference_is_a_noted_node() -> None:
    graph = import_backstage([BACKSTAGE])
    kinds = {n.label: n.kind for n in graph.nodes.values()}
    assert kinds["artists-db"] == "database"
    assert kinds["playlist-queue"] == "queue"
    assert kinds["artist-api"] == "api"
    assert kinds["artist-engagement-portal"] == "system"
    assert kinds["storage-account"] == "storage"
    assert len(graph.notes) == 1
    assert graph.notes[0].startswith(f"{BACKSTAGE}:76:15: note: 'resource:search-index'")


def test_backstage_a_component_and_an_api_of_one_name_get_distinct_ids(tmp_path: Path) -> None:
    cat = tmp_path / "c.yaml"
    cat.write_text(
        "kind: Component\nmetadata: {name: pay}\nspec: {providesApis: [pay]}\n---\n"
        "kind: API\nmetadata: {name: pay}\nspec: {}\n---\n"
        "kind: Component\nmetadata: {name: shop, namespace: retail}\n"
        "spec: {consumesApis: ['api:default/pay']}\n",
        encoding="utf-8",
    )
    s = scenario_of("backstage", cat)
    assert [(n.id, n.label) for n in s.nodes] == [
        ("pay-component", "pay"),
        ("pay-api", "pay"),
        ("shop", "retail/shop"),
    ]
    assert deps(s, "shop")[0] == ["pay-api"] and deps(s, "pay-api")[0] == ["pay-component"]


# ---------------------------------------------------------------------------------- k8s


def test_k8s_env_values_naming_services_are_dependencies() -> None:
    s = scenario_of("k8s", K8S)
    hard, _, groups = deps(s, "frontend")
    # host:port, a full cluster DNS name; a Service selecting two Deployments is an any_of
    assert hard == ["cartservice", "checkoutservice", "adservice"]
    assert groups == [["productcatalogservice", "productcatalogservice-canary"]]
    # name.namespace, and a ConfigMap's value through envFrom (a URL)
    assert set(deps(s, "checkoutservice")[0]) == {"cartservice", "paymentservice", "emailservice"}
    assert deps(s, "cartservice")[0] == ["redis-cart"]
    # an ExternalName Service is a third-party node of its own
    assert deps(s, "paymentservice")[0] == ["stripe-api"]
    stripe = next(n for n in s.nodes if n.id == "stripe-api")
    assert stripe.third_party and stripe.kind == "vendor"
    # LOG_LEVEL=info does not name the Service "info"
    assert "info" not in {n.id for n in s.nodes}


def test_k8s_kinds_replicas_and_front_doors() -> None:
    graph = import_k8s([K8S])
    by_label = {n.label: n for n in graph.nodes.values()}
    assert by_label["redis-cart"].kind == "cache"
    assert any("2 replicas" in note for note in by_label["frontend"].notes)
    assert any("1 replica:" in note for note in by_label["redis-cart"].notes)
    s = scenario_of("k8s", K8S)
    assert {n.id for n in s.nodes if n.users} == {"frontend"}  # behind the LoadBalancer


# ---------------------------------------------------------------------------------- dot


def test_dot_terraform_graph() -> None:
    s = scenario_of("dot", DOT)
    labels = {n.id: n.label for n in s.nodes}
    assert labels["aws-instance-web"] == "aws_instance.web"
    assert labels["provider-aws"] == 'provider["registry.terraform.io/hashicorp/aws"]'
    # bookkeeping nodes dropped; var/local/output contracted
    assert not any(i.startswith(("root", "meta", "var", "local", "output")) for i in labels)
    assert len(s.nodes) == 9
    # local.subnet_id stood between the cache and the subnet
    assert deps(s, "aws-elasticache-cluster-sessions")[0] == ["aws-subnet-private"]
    assert deps(s, "aws-instance-web")[0] == [
        "aws-db-instance-main",
        "aws-elasticache-cluster-sessions",
        "aws-security-group-web",
        "module-queue-aws-sqs-queue-jobs",
    ]
    kinds = {n.id: (n.kind, n.third_party) for n in s.nodes}
    assert kinds["provider-aws"] == ("vendor", True)
    assert kinds["aws-db-instance-main"] == ("database", False)
    assert kinds["module-queue-aws-sqs-queue-jobs"] == ("queue", False)
    assert kinds["aws-security-group-web"] == ("network", False)


def test_dot_language_subgraphs_ports_chains_and_attributes(tmp_path: Path) -> None:
    f = tmp_path / "g.dot"
    f.write_text(
        '/* a comment */\n# a preprocessor line\nstrict digraph "g" {\n'
        "  node [shape=box]; rankdir = LR\n"
        '  "web app" [label="Web " + "App"]\n'
        "  web:p1:n -> api -> { db; cache } [color=red]\n"
        "  subgraph cluster_x { a -> b } -> c // edges from every node of a subgraph\n"
        "  <<b>html</b>> -> db\n"
        "}\n",
        encoding="utf-8",
    )
    graph = import_dot([f])
    assert graph.nodes["web app"].label == "Web App"
    assert graph.nodes["web"].hard == ["api"]
    assert graph.nodes["api"].hard == ["db", "cache"]
    assert graph.nodes["a"].hard == ["b", "c"] and graph.nodes["b"].hard == ["c"]
    assert graph.nodes["<b>html</b>"].hard == ["db"]  # an HTML string is an id too


# ------------------------------------------------------------------------------- common


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Web App", "web-app"),
        ("[root] aws_instance.web (expand)", "root-aws-instance-web-expand"),
        ("--", "node"),
        ("Ünïcode só", "n-code-s"),
        ("x" * 200, "x" * 80),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_unique_ids_suffix_clashes_within_the_length_limit() -> None:
    assert unique_ids(["db", "DB", "d b", "db"]) == ["db", "db-2", "d-b", "db-3"]
    long = ["y" * 100, "y" * 90]
    ids = unique_ids(long)
    assert ids == ["y" * 80, "y" * 78 + "-2"] and all(len(i) <= 80 for i in ids)


@pytest.mark.parametrize(
    ("texts", "kind"),
    [
        (("user-db", None), "database"),
        (("cart", "redis"), "cache"),
        (("orders", "bitnami/kafka"), "queue"),
        (("postgres-exporter", None), "monitoring"),
        (("aws_db_instance",), "database"),
        (("checkout", "checkout"), "service"),
    ],
)
def test_guess_kind(texts: tuple[str | None, ...], kind: str) -> None:
    assert guess_kind(*texts) == kind


def test_labels_with_yaml_specials_are_quoted_and_read_back() -> None:
    graph = ImportedGraph("dot", ["x.dot"])
    for label in ("yes", "a: b", "#hash", "1.5", 'quote " and \\ back', "null", "- dash"):
        graph.add(ImportedNode(label, label))
    s = parse_scenario(scenario_text(graph, "x", "T: colon", "o.yaml"), "o.yaml")
    assert [n.label for n in s.nodes] == [
        "yes", "a: b", "#hash", "1.5", "quote \" and \\ back", "null", "- dash",
    ]  # fmt: skip
    assert s.title == "T: colon"


@pytest.mark.parametrize("kind", sorted(ALL))
def test_every_fixture_imports_into_a_valid_playable_scenario(kind: str) -> None:
    s = scenario_of(kind, ALL[kind])
    # the starter fails the worst single point of failure, and an action restores it
    failed = s.injects[0].effects[0].node
    restore = next(a for a in s.actions if a.phase == "fix")
    assert restore.effects[0].node == failed
    assert [p.phase for p in s.playbook] == ["assess", "communicate", "fix"]
    assert sum(n.users for n in s.nodes) > 0
