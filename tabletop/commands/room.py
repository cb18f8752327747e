"""`tabletop host` and `tabletop join`: the drill room, several seats on one drill."""

from __future__ import annotations

import ipaddress
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from tabletop.commands import options
from tabletop.commands.errors import UserError
from tabletop.commands.loading import load_scenario, no_cache_option
from tabletop.commands.starting import start_session
from tabletop.terminal_text import echo


def codes_sidecar(journal: Path) -> Path:
    """Where a hub keeps its join codes beside its journal, so that `--resume` reuses them."""
    return journal.with_name(journal.name + ".codes.json")


def write_codes(path: Path, codes: dict[str, str]) -> None:
    """Write the codes as JSON, readable by the owner only (they are the room's keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(codes, fh, indent=2)
        fh.write("\n")


def read_codes(path: Path) -> dict[str, str] | None:
    """The codes of a file written by `write_codes`, or None when absent or not codes."""
    from tabletop.hub.protocol import valid_codes

    try:
        return valid_codes(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_port(host: str, port: int) -> None:
    """Fail in one line when the hub could not listen on `host`:`port`."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As the server will: SO_REUSEADDR, so a port in TIME_WAIT (a hub just restarted)
        # is free, and one a server listens on is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _ssl_context(certfile: Path | None, keyfile: Path | None) -> Any:
    if certfile is None and keyfile is None:
        return None
    if certfile is None:
        raise UserError("--keyfile needs --certfile")
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(str(certfile), str(keyfile) if keyfile else None)
    except (OSError, ssl.SSLError) as exc:
        raise UserError(f"{certfile}: cannot use certificate: {exc}") from None
    return context


def _resumed_session(journal: Path, scenario_arg: str | None) -> tuple[Any, Any, Any]:
    from tabletop.engine.journal import JournalWriter, read_journal, replay
    from tabletop.scenario.catalog import resolve_scenario
    from tabletop.scenario.source import ScenarioNotFound, find_journal_scenario

    if not journal.is_file():
        raise UserError(f"{journal}: no such journal file")
    record = read_journal(journal)
    try:
        path = (
            resolve_scenario(scenario_arg)
            if scenario_arg
            else find_journal_scenario(record.start.data, journal, "SCENARIO")
        )
    except (FileNotFoundError, ScenarioNotFound) as exc:
        raise UserError(str(exc)) from None
    loaded = load_scenario(path)
    session = replay(loaded.scenario, record.events, sha256=loaded.sha256, journal=journal)
    writer = JournalWriter(journal, truncate_to=record.valid_bytes)
    # Work that came due at the last instant but that the crash cut off.
    for event in session.feed[len(record.events) :]:
        writer(event)
    for warning in record.warnings:
        echo(f"warning: {warning}", err=True)
    return loaded, session, writer


def _hold_lock(journal: Path) -> Any:
    """An exclusive lock on the journal, held while the returned file stays open: a journal
    has one writer, and a hub (or drill) still running on it holds its lock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return None
    fh = journal.open("rb")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise UserError(f"{journal}: another drill is still writing this journal") from None
    return fh


@click.command("host")
@no_cache_option
@click.argument("scenario_arg", metavar="SCENARIO", required=False)
@options.listen_options(port=8700)
@options.team_option("Team name.")
@options.mode_option()
@options.journal_option()
@click.option(
    "--codes",
    "codes_path",
    type=options.FILE,
    help="Also write the join codes to this file as JSON {role: code}.",
)
@click.option(
    "--resume",
    "resume_path",
    type=options.FILE,
    help="Reopen the drill of this journal (after a crash), with the same codes.",
)
@options.pace_option("Real seconds per exercise minute (the facilitator changes it live).")
@options.at_most_option("--max-seats", 32, (1, 256), "Seats at once.")
@options.at_most_option(
    "--max-browsers",
    8,
    (0, 64),
    "Browser seats at once (each tab runs a seat process here); 0: no browser seats.",
)
@options.tls_options
@options.allow_host_option("Another name seats reach this hub by (with --host 0.0.0.0, say).")
@options.db_option()
def host_command(
    scenario_arg: str | None,
    host: str,
    port: int,
    team: str,
    mode: str,
    journal: Path | None,
    codes_path: Path | None,
    resume_path: Path | None,
    pace: float,
    max_seats: int,
    max_browsers: int,
    certfile: Path | None,
    keyfile: Path | None,
    allow_hosts: tuple[str, ...],
    db: Path | None,
) -> None:
    """Host a drill room: one drill of SCENARIO that several seats join with a code.

    Prints one join code per role (facilitator, commander, comms, responder, observer).
    Seats join with `tabletop join ws://HOST:PORT/hub --code CODE`, or in a browser at
    http://HOST:PORT/. Listens on 127.0.0.1 unless --host says otherwise.
    """
    import asyncio

    from tabletop.hub.protocol import ROLES, new_codes
    from tabletop.hub.server import Hub, build_app, run_hub
    from tabletop.web_guard import allowed_hosts

    ssl_context = _ssl_context(certfile, keyfile)
    # Before any journal is written: a port already in use must not leave a drill behind.
    _check_port(host, port)
    lock = None  # held (open) until the hub stops
    if resume_path is not None:
        if resume_path.is_file():
            lock = _hold_lock(resume_path)
        loaded, session, writer = _resumed_session(resume_path, scenario_arg)
        codes = read_codes(codes_sidecar(resume_path)) or (
            read_codes(codes_path) if codes_path else None
        )
    else:
        if scenario_arg is None:
            raise click.UsageError("give a SCENARIO (a built-in id or a file), or --resume JOURNAL")
        loaded, session, writer = start_session(
            scenario_arg, team, mode, journal, "tabletop host --resume"
        )
        codes = None
    if codes is None:
        codes = new_codes()
    try:
        write_codes(codes_sidecar(writer.path), codes)
        if codes_path is not None:
            write_codes(codes_path, codes)
    except OSError as exc:
        raise UserError(f"cannot write the codes: {exc.strerror or exc}") from None

    def log(line: str) -> None:
        echo(line)
        sys.stdout.flush()

    hub = Hub(
        session,
        loaded,
        writer,
        codes,
        max_seats=max_seats,
        pace=pace,
        db_path=db,
        log=log,
    )
    timing = os.environ.get("TABLETOP_HUB_TIMING")
    if timing:
        # For benchmarks/bench_room.py: when each event was durable (monotonic seconds,
        # comparable across processes on Linux), one "seq time" line each.
        import time

        timing_file = open(timing, "w", encoding="utf-8", buffering=1)  # noqa: SIM115

        def durable(seq: int) -> None:
            timing_file.write(f"{seq} {time.monotonic():.6f}\n")

        hub.on_durable = durable
    scheme = "wss" if ssl_context else "ws"
    hosts = allowed_hosts(host, port, allow_hosts)
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    hub_url = f"{scheme}://{shown}:{port}/hub"
    browser = None
    if max_browsers > 0:
        try:
            from tabletop.hub.browser import BrowserSeats
        except ImportError:
            browser = None
        else:
            # The tab's seat process runs here: it reaches the hub on loopback when the hub
            # listens there (or everywhere), else at the address given.
            local = _is_loopback(host) or host in ("0.0.0.0", "::")
            browser = BrowserSeats(
                f"{scheme}://127.0.0.1:{port}/hub" if local else hub_url,
                max_clients=max_browsers,
                cafile=certfile if ssl_context else None,
            )
    app = build_app(hub, policy_hosts=hosts, extra_routes=browser)
    title = loaded.scenario.title
    log(f"drill room: {loaded.scenario.id} ({title})")
    log(f"journal: {writer.path}")
    log("join codes:")
    for role in ROLES:
        log(f"  {role:<12} {codes[role]}")
    if codes_path is not None:
        log(f"codes written to {codes_path}")
    log(f"terminal seat: tabletop join {hub_url} --code CODE --name NAME")
    if browser is not None:
        log(f"browser seat:  {'https' if ssl_context else 'http'}://{shown}:{port}/")
    if not _is_loopback(host):
        echo(
            f"warning: listening on {host}: anyone who can reach this address and has a code "
            "joins; the codes are the only protection"
            + ("" if ssl_context else " (and without --certfile they travel in clear)"),
            err=True,
        )
    try:
        asyncio.run(
            run_hub(
                hub,
                app,
                host=host,
                port=port,
                ssl_context=ssl_context,
                ready=lambda: log(f"listening on {hub_url}"),
            )
        )
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if lock is not None:
        lock.close()
    hint = "" if session.ended else f"  (continue with: tabletop host --resume {writer.path})"
    log(f"journal: {writer.path}{hint}")


@click.command("join")
@click.argument("url", metavar="URL")
@click.option("--code", default=None, help="Your join code (asked for when omitted).")
@click.option("--name", default="", help="Your name, as the report lists you.")
@click.option(
    "--cafile",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Trust this certificate (a wss:// hub with its own certificate).",
)
@click.option(
    "--wall",
    is_flag=True,
    help="A projector display: map, feed and impact, large (for an observer's seat).",
)
def join_command(url: str, code: str | None, name: str, cafile: Path | None, wall: bool) -> None:
    """Join a drill room as a seat: tabletop join ws://HOST:PORT/hub --code CODE.

    URL is what `tabletop host` printed (ws://, or wss:// for a hub with a certificate).
    The seat shows your role and what it may do, and reconnects by itself when the hub
    goes away.
    """
    if not url.startswith(("ws://", "wss://")):
        raise click.UsageError(f"URL must start with ws:// or wss://, got {url!r}")
    from tabletop.tui.seat.app import run_seat

    ssl_context = None
    if cafile is not None:
        import ssl

        try:
            ssl_context = ssl.create_default_context(cafile=str(cafile))
        except (OSError, ssl.SSLError) as exc:
            raise UserError(f"{cafile}: cannot use certificate: {exc}") from None
    run_seat(url, code, name.strip(), wall=wall, ssl=ssl_context)


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(host_command)
    group.add_command(join_command)
