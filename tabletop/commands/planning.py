"""`tabletop plan list|set` and `tabletop rate`: the improvement plan and evaluator ratings."""

from __future__ import annotations

import json

import click

from tabletop.commands.errors import UserError
from tabletop.commands.options import history_option, history_path
from tabletop.terminal_text import echo, json_text


@click.group("plan")
def plan_command() -> None:
    """The improvement plan: open items with owners and due dates, across drills."""


@plan_command.command("list")
@click.option("--team", metavar="TEAM", help="Only this team's items.")
@click.option("--status", metavar="STATUS", help="Only items with this status.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@history_option
def plan_list(team: str | None, status: str | None, as_json: bool, db: str | None) -> None:
    """List improvement items, oldest first."""
    from tabletop.reports.formatting import fmt_date
    from tabletop.store import StoreError
    from tabletop.store.plan import list_items, normal_status

    try:
        wanted = normal_status(status) if status else None
        items = list_items(history_path(db), team=team, status=wanted)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--status") from None
    except StoreError as exc:
        raise UserError(str(exc)) from None
    if as_json:
        echo(json_text(json.dumps([i.to_json() for i in items], indent=2, ensure_ascii=False)))
        return
    if not items:
        echo("No improvement items match.")
        return
    echo(f"{'id':>4}  {'team':<14}  {'status':<11}  {'owner':<12}  {'due':<11}  corrective action")
    for i in items:
        due = fmt_date(i.due) if i.due else "—"
        echo(
            f"{i.id:>4}  {_cut(i.team, 14):<14}  {i.status:<11}  {_cut(i.owner or '—', 12):<12}  "
            f"{due:<11}  {_cut(i.corrective_action, 70)}"
            + (f" (re-tested by #{i.retested_by})" if i.retested_by else "")
        )
    echo(f"{len(items)} item(s)")


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split()) or "—"
    return text if len(text) <= width else text[: width - 1] + "…"


@plan_command.command("set")
@click.argument("item_id", type=int, metavar="ID")
@click.option("--owner", metavar="NAME")
@click.option("--start", metavar="YYYY-MM-DD")
@click.option("--due", metavar="YYYY-MM-DD")
@click.option("--status", metavar="STATUS", help="open, in progress, done or re-tested.")
@history_option
def plan_set(
    item_id: int,
    owner: str | None,
    start: str | None,
    due: str | None,
    status: str | None,
    db: str | None,
) -> None:
    """Edit one improvement item: owner, start and due dates, status."""
    from tabletop.store import StoreError
    from tabletop.store.plan import set_item

    try:
        item = set_item(history_path(db), item_id, owner=owner, start=start, due=due, status=status)
    except KeyError:
        from tabletop.store.db import where

        raise UserError(f"{where(history_path(db))}: no improvement item #{item_id}") from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    except StoreError as exc:
        raise UserError(str(exc)) from None
    echo(
        f"item #{item.id}: {item.status}, owner {item.owner or '—'}, "
        f"start {item.start or '—'}, due {item.due or '—'}"
    )


@click.command("rate")
@click.argument("session_id", type=int, metavar="SESSION")
@click.argument("objective")
@click.argument("rating", type=click.Choice(["P", "S", "M", "U"], case_sensitive=False))
@click.option("--reason", required=True, metavar="TEXT", help="Why the evaluator rates it so.")
@history_option
def rate_command(session_id: int, objective: str, rating: str, reason: str, db: str | None) -> None:
    """Rate an objective of a stored drill P, S, M or U (the report shows both ratings)."""
    from tabletop.reports.objectives import objective_ids
    from tabletop.store import StoreError, load_session
    from tabletop.store.plan import rate

    path = history_path(db)
    try:
        stored = load_session(path, session_id)
    except KeyError:
        from tabletop.store.db import where

        raise UserError(f"{where(path)}: no stored session #{session_id}") from None
    except StoreError as exc:
        raise UserError(str(exc)) from None
    known = objective_ids(stored.loaded.scenario)
    if objective not in known:
        raise UserError(
            f"session #{session_id} has no objective {objective!r}; its objectives: "
            + ", ".join(known)
        )
    if not reason.strip():
        raise UserError("--reason must say why")
    try:
        rate(path, session_id, objective, rating, reason.strip())
    except StoreError as exc:
        raise UserError(str(exc)) from None
    echo(f"session #{session_id}: {objective} rated {rating.upper()}")
