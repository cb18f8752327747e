"""JSON Schema of the `tabletop/v1` format, for editors' YAML language servers.

Generated from the pydantic models, then given the descriptions an author reads on hover.
Point an editor at it with a first line such as
`# yaml-language-server: $schema=./tabletop-v1.schema.json`.
"""

from __future__ import annotations

from typing import Any

from tabletop.scenario.models import Scenario

SCHEMA_ID = "urn:tabletop:schema:tabletop-v1"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_ID = "Unique within its list: lowercase letters, digits and '-'."
_MINUTE = "Exercise minutes from the start of the drill."

#: (model title, field) → description shown by editors.
DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("Scenario", "format"): "Always `tabletop/v1`.",
    ("Scenario", "id"): "Scenario id; also the file's name by convention. " + _ID,
    ("Scenario", "title"): "One-line title shown in the scenario picker.",
    ("Scenario", "kind"): "What kind of outage this is.",
    ("Scenario", "summary"): "The briefing the team reads before the drill.",
    ("Scenario", "difficulty"): "How hard the drill is.",
    ("Scenario", "tags"): "Free words for finding scenarios.",
    ("Scenario", "duration"): "The drill ends at this exercise minute.",
    ("Scenario", "degraded_weight"): "Share of a degraded node's users counted as affected.",
    ("Scenario", "disclosure_penalty"): "Points lost per public message that discloses.",
    ("Scenario", "nodes"): "The systems, sites, vendors and people of the dependency graph.",
    ("Scenario", "actions"): "The decisions a team can take.",
    ("Scenario", "injects"): "The scripted events of the drill.",
    ("Scenario", "playbook"): "The recommended response, in order.",
    ("Scenario", "avoid"): "Actions that cost points, with the reason.",
    ("Scenario", "reference"): "Model answer; derived from the playbook when absent.",
    ("Scenario", "scoring"): "Weights of the score components; they sum to 100.",
    ("Scenario", "critical_penalty"): "Points lost per failed critical playbook step.",
    ("Scenario", "objectives"): "What the exercise evaluates, for the after-action report.",
    ("Node", "recovers"): (
        "`auto`: comes back when its dependencies do. `manual`: once down, stays down until "
        "an action's effect brings it back (a crashed service after a power cut)."
    ),
    ("Inject", "audience"): "`team` (default) or `facilitator`: shown only to the facilitator.",
    ("Condition", "started"): "All of these actions have been taken (not refused).",
    ("Condition", "not_started"): "None of these actions has been taken.",
    ("PlaybookStep", "weight"): "Counts this many times in order, coverage and timeliness.",
    ("PlaybookStep", "critical"): (
        "A critical task: not done, or done at or after twice its `by`, costs "
        "`critical_penalty` points."
    ),
    ("Objective", "id"): _ID,
    ("Objective", "title"): "What the exercise evaluates, in words.",
    ("Objective", "capability"): "The capability it exercises, as the organisation names it.",
    ("Objective", "steps"): "Playbook step ids that perform this objective.",
    ("Node", "id"): _ID,
    ("Node", "label"): "Name shown on the dependency map.",
    ("Node", "kind"): "Free text for display: power, network, service, database, vendor ...",
    ("Node", "third_party"): "Outside the team's hands (a vendor, the utility, the ISP).",
    ("Node", "standby"): "Down until an action brings it up.",
    ("Node", "users"): "People served directly by this node; impact is counted from these.",
    ("Node", "sensitive"): "Naming it in a public message is a disclosure.",
    ("Node", "depends_on"): (
        "Hard dependencies (node ids), redundancy groups `{any_of: [ids]}` "
        "and soft dependencies `{soft: id}`."
    ),
    ("AnyOfDependency", "any_of"): "The node needs at least one of these nodes up.",
    ("SoftDependency", "soft"): "The node is only degraded while this node is down.",
    ("Action", "id"): _ID,
    ("Action", "label"): "What the team does, as shown in the action list.",
    ("Action", "phase"): "Phase of the recommended response this action belongs to.",
    ("Action", "minutes"): "How long it takes; its effects land when it finishes.",
    ("Action", "reveals"): "What the team learns when it finishes.",
    ("Action", "requires"): "Actions that must be done first.",
    ("Action", "needs"): "Nodes that must not be down for the action to be taken.",
    ("Action", "effects"): "Status changes when the action finishes.",
    ("Effect", "node"): "Id of the node whose own status changes.",
    ("Effect", "status"): "The node's new own status (`standby` is only a start state).",
    ("Inject", "id"): _ID,
    ("Inject", "at"): "Exercise minute the inject comes due. " + _MINUTE,
    ("Inject", "after"): "Comes due some minutes after an action is first done.",
    ("Inject", "when"): "Condition checked when the inject comes due; skipped if false.",
    ("Inject", "title"): "Headline in the incident feed.",
    ("Inject", "message"): "Full text in the incident feed.",
    ("Inject", "effects"): "Status changes when the inject fires.",
    ("InjectAfter", "action"): "Id of the action.",
    ("InjectAfter", "minutes"): "Minutes after the action is first done.",
    ("Condition", "done"): "All of these actions are done.",
    ("Condition", "not_done"): "None of these actions is done.",
    ("Condition", "down"): "All of these nodes are effectively down.",
    ("Condition", "up"): "None of these nodes is effectively down.",
    ("PlaybookStep", "id"): _ID,
    ("PlaybookStep", "phase"): "Phase of the recommended response.",
    ("PlaybookStep", "title"): "What the step achieves.",
    ("PlaybookStep", "any_of"): "The step is done by the first of these actions.",
    ("PlaybookStep", "by"): "Target minute. " + _MINUTE,
    ("PlaybookStep", "after"): (
        "Steps that should come first; default: the step above. `[]`: in parallel with all."
    ),
    ("Avoid", "action"): "Id of the action that costs points.",
    ("Avoid", "penalty"): "Points lost when it is taken (once).",
    ("Avoid", "why"): "Why it is a mistake; shown in the debrief.",
    ("ReferenceDecision", "at"): "Exercise minute of the decision.",
    ("ReferenceDecision", "action"): "Id of the action.",
    ("ReferenceDecision", "message"): "What the model answer says to customers.",
    ("ScoringWeights", "order"): "Weight of following the playbook's order.",
    ("ScoringWeights", "coverage"): "Weight of the share of playbook steps done.",
    ("ScoringWeights", "timeliness"): "Weight of meeting the steps' `by` targets.",
    ("ScoringWeights", "outcome"): "Weight of the customer impact avoided.",
}


def _describe(model: dict[str, Any]) -> None:
    title = model.get("title", "")
    for name, prop in model.get("properties", {}).items():
        text = DESCRIPTIONS.get((title, name))
        if text and "description" not in prop:
            prop["description"] = text


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a `tabletop/v1` scenario file."""
    schema = Scenario.model_json_schema()
    _describe(schema)
    for model in schema.get("$defs", {}).values():
        _describe(model)
    schema["title"] = "tabletop/v1 scenario"
    schema["description"] = (
        "An outage tabletop exercise: a dependency graph, the team's possible actions, "
        "scripted injects and the recommended response (tabletop/v1)."
    )
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, **schema}
