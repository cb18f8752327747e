"""The commented starter file `tabletop new` writes: small, valid, a guide to the format."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class _Flavour:
    """What changes with the scenario kind: the failing node and the first inject."""

    title: str
    cause_id: str
    cause_label: str
    cause_kind: str
    third_party: bool
    inject_title: str


FLAVOURS: dict[str, _Flavour] = {
    "power": _Flavour(
        "Power loss", "utility", "Utility power feed", "power", True, "Utility power lost"
    ),
    "attack": _Flavour(
        "Attack on the network",
        "edge",
        "Edge firewall",
        "network",
        False,
        "Alerts of unusual traffic from the edge",
    ),
    "third-party": _Flavour(
        "Third-party outage",
        "provider",
        "Payment provider",
        "vendor",
        True,
        "The provider's API stops answering",
    ),
    "network": _Flavour(
        "Network outage", "uplink", "Internet uplink", "network", True, "The uplink goes dark"
    ),
    "other": _Flavour(
        "Outage", "cause", "The failing component", "service", False, "Something fails"
    ),
}

KINDS: tuple[str, ...] = tuple(FLAVOURS)

_TEMPLATE = """\
# A tabletop/v1 scenario. Check it with:  tabletop validate {id}.yaml
# See the dependency graph with:          tabletop graph {id}.yaml --format text
# Editor completion: run `tabletop schema -o tabletop-v1.schema.json`, then make the first
# line of this file:  # yaml-language-server: $schema=./tabletop-v1.schema.json
format: tabletop/v1
id: {id}
title: {title}
kind: {kind}                # power | attack | third-party | network | other
summary: >-
  Describe what the team sees at minute 0, in a few sentences. This is the briefing.
difficulty: standard        # intro | standard | hard
tags: [{kind}]
duration: 120               # the drill ends at this exercise minute

nodes:                      # the dependency graph: systems, sites, vendors, people
  - id: {cause_id}
    label: {cause_label}
    kind: {cause_kind}
    third_party: {third_party}
  - id: backup
    label: Fallback path
    kind: {cause_kind}
    standby: true           # down until an action brings it up
  - id: app
    label: Customer application
    kind: service
    users: 1000             # people served directly; impact is counted from these
    depends_on:
      - any_of: [{cause_id}, backup]   # needs at least one of these up

"""


#: The response half of every starter (actions, injects, playbook, avoid): `tabletop new`'s
#: and the importers' (values are YAML scalars, quoted by the caller where they need it).
_RESPONSE = """\
actions:                    # the decisions a team can take
  - id: assess-impact
    label: Assess scope and severity from monitoring
    phase: assess           # assess | escalate | communicate | workaround | fix | verify
                            # | prevent | follow-up
    minutes: 10             # effects land and `reveals` shows when it finishes
    reveals: {reveals}
  - id: post-status
    label: Post an update on the status page
    phase: communicate
    minutes: 5
  - id: {restore}
    label: {restore_label}
    phase: fix
    minutes: {restore_minutes}
    requires: [assess-impact]   # refused until these are done
    effects:
      - {{node: {restore_node}, status: up}}

injects:                    # the scripted events
  - id: failure
    at: 0
    title: {inject_title}
    effects: [{{node: {cause}, status: down}}]
  - id: customers-ask
    at: 20
    when: {{not_done: [post-status]}}   # skipped if the team already posted
    title: Customers ask on social media what is going on

playbook:                   # the recommended response, in order (scored)
  - id: assess
    phase: assess
    title: Establish what failed and who is affected
    any_of: [assess-impact]
    by: 15                  # target minute
  - id: communicate
    phase: communicate
    title: Tell customers what is known
    any_of: [post-status]
    by: 30
  - id: fix
    phase: fix
    title: {fix_title}
    any_of: [{restore}]
    by: 45

avoid: []                   # actions that cost points: {{action: ID, penalty: N, why: TEXT}}
"""


@dataclass(frozen=True)
class StarterResponse:
    """What the response half of a starter says (values are YAML scalars, quoted by the caller
    where they need it): `cause` fails at minute 0 (`inject_title`); assessing `reveals`; the
    fix is the action `restore` (`restore_label`, `restore_minutes` long), which brings
    `restore_node` up, and the playbook's step `fix_title`."""

    reveals: str
    restore: str
    restore_label: str
    restore_minutes: int
    restore_node: str
    cause: str
    inject_title: str
    fix_title: str

    def text(self) -> str:
        """The actions, injects, playbook and avoid sections of the starter."""
        return _RESPONSE.format_map(asdict(self))


def starter_text(scenario_id: str, kind: str) -> str:
    """The starter file for a new scenario `scenario_id` of `kind` (one of `KINDS`)."""
    flavour = FLAVOURS[kind]
    head = _TEMPLATE.format(
        id=scenario_id,
        kind=kind,
        title=flavour.title,
        cause_id=flavour.cause_id,
        cause_label=flavour.cause_label,
        cause_kind=flavour.cause_kind,
        third_party="true" if flavour.third_party else "false",
    )
    return (
        head
        + StarterResponse(
            reveals="The application is down for about 1,000 customers.",
            restore="bring-up-backup",
            restore_label="Switch to the fallback path",
            restore_minutes=15,
            restore_node="backup",
            cause=flavour.cause_id,
            inject_title=flavour.inject_title,
            fix_title="Restore service",
        ).text()
    )
