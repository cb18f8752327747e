"""The JSON Schema accepts valid scenarios (built-in ones too) and rejects bad ones."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import yaml

from tabletop.scenario.catalog import builtin_dir
from tabletop.scenario.schema import SCHEMA_DIALECT, SCHEMA_ID, scenario_json_schema
from tabletop.scenario.starter import KINDS, starter_text


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return [e.message for e in validator.iter_errors(data)]


def test_schema_declares_its_dialect_id_and_descriptions() -> None:
    schema = scenario_json_schema()
    assert schema["$schema"] == SCHEMA_DIALECT
    assert schema["$id"] == SCHEMA_ID
    assert schema["title"] == "tabletop/v1 scenario"
    node = schema["$defs"]["Node"]["properties"]
    assert node["users"]["description"].startswith("People served directly")
    assert node["depends_on"]["description"].startswith("Hard dependencies")
    assert schema["properties"]["duration"]["description"]


def test_schema_accepts_the_base_builtin_and_starter_scenarios(
    validator: jsonschema.Draft202012Validator, base_text: str
) -> None:
    texts = [base_text, *(starter_text("x", k) for k in KINDS)]
    texts += [p.read_text(encoding="utf-8") for p in sorted(builtin_dir().glob("*.yaml"))]
    assert len(texts) >= 7
    for text in texts:
        assert _errors(validator, yaml.safe_load(text)) == []


def test_schema_rejects_misspelt_keys_bad_phases_and_bad_dependencies(
    validator: jsonschema.Draft202012Validator, base_text: str
) -> None:
    data = yaml.safe_load(base_text)
    data["nodes"][3]["dependson"] = data["nodes"][3].pop("depends_on")
    assert any("dependson" in e for e in _errors(validator, data))
    data = yaml.safe_load(base_text)
    data["actions"][0]["phase"] = "fixx"
    assert any("fixx" in e for e in _errors(validator, data))
    data = yaml.safe_load(base_text)
    data["nodes"][3]["depends_on"].append({"hard": "db"})
    assert _errors(validator, data)
    data = yaml.safe_load(base_text)
    data["actions"][2]["effects"][0]["status"] = "standby"
    assert any("standby" in e for e in _errors(validator, data))
