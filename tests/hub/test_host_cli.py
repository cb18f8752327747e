"""`tabletop host` and `tabletop join` as users run them: usage and input errors in one line,
the warning when listening beyond loopback, the guard on the hub's own web server, and an
ended room's drill in the history and its report."""

from __future__ import annotations

import asyncio
import json
import stat
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp

from tests.hub.conftest import HubProcess, Zygote, is_event, join, tabletop


def test_usage_and_input_errors_are_one_line(tmp_path: Path) -> None:
    no_scenario = tabletop("host", cwd=tmp_path)
    assert no_scenario.returncode == 2
    assert "give a SCENARIO" in no_scenario.stderr and "Traceback" not in no_scenario.stderr
    unknown = tabletop("host", "no-such-scenario", cwd=tmp_path)
    assert unknown.returncode == 1 and len(unknown.stderr.strip().splitlines()) == 1
    missing = tabletop("host", "--resume", str(tmp_path / "nope.jsonl"), cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"tabletop: {tmp_path / 'nope.jsonl'}: no such journal file"
    bad_url = tabletop("join", "http://127.0.0.1:1/hub", "--code", "x", cwd=tmp_path)
    assert bad_url.returncode == 2 and "ws://" in bad_url.stderr


def test_codes_file_is_private_and_the_sidecar_matches(hub: HubProcess) -> None:
    mode = stat.S_IMODE(hub.codes_file.stat().st_mode)
    assert mode == 0o600
    sidecar = hub.journal.with_name(hub.journal.name + ".codes.json")
    assert json.loads(sidecar.read_text()) == hub.codes
    assert set(hub.codes) == {"facilitator", "commander", "comms", "responder", "observer"}
    assert len(set(hub.codes.values())) == 5
    assert all(len(c) >= 16 for c in hub.codes.values())  # 12 random bytes: 96 bits
    for role, code in hub.codes.items():
        assert f"{role:<12} {code}" in hub.output()


def test_beyond_loopback_the_hub_warns_that_codes_are_the_only_protection(
    tmp_path: Path, zygote: Zygote
) -> None:
    hub = HubProcess(tmp_path, "--host", "0.0.0.0", zygote=zygote)
    try:
        assert "the codes are the only protection" in hub.output()
    finally:
        hub.stop()


def test_the_hub_answers_only_to_its_own_names_and_pages(hub: HubProcess) -> None:
    base = f"http://127.0.0.1:{hub.port}/hub"
    request = urllib.request.Request(base, headers={"Host": "evil.example:80"})
    try:
        urllib.request.urlopen(request, timeout=10)
        raise AssertionError("a foreign Host was answered")
    except urllib.error.HTTPError as exc:
        assert exc.code == 421
        assert exc.headers["X-Frame-Options"] == "DENY"

    async def foreign_origin() -> int:
        async with aiohttp.ClientSession() as http:
            try:
                await http.ws_connect(hub.url, origin="http://evil.example")
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status
        return 101

    assert asyncio.run(foreign_origin()) == 403


async def test_an_ended_room_is_scored_stored_and_reported(hub: HubProcess) -> None:
    async with aiohttp.ClientSession() as http:
        fac, _ = await join(http, hub.url, hub.codes["facilitator"], "Fay")
        obs, _ = await join(http, hub.url, hub.codes["observer"], "Obi")
        await fac.send({"type": "decide", "action": "call-isp"})
        await obs.send({"type": "note", "text": "The ISP was called at once."})
        await obs.until(is_event("note"))
        await fac.send({"type": "end"})
        clock = await obs.until(lambda f: f["type"] == "clock" and "score" in f)
    assert 0 <= clock["score"]["total"] <= 100 and clock["score"]["grade"] in "ABCDF"
    assert "stored in the history as drill 1" in hub.output()
    folder = hub.folder
    history = tabletop("history", "--db", str(folder / "history.sqlite3"), cwd=folder)
    assert history.returncode == 0 and "office-isp-loss" in history.stdout
    report = tabletop("report", str(hub.journal), cwd=folder)
    assert report.returncode == 0, report.stderr
    assert "The ISP was called at once. — Obi (observer)" in report.stdout
    assert "Fay (facilitator)" in report.stdout


async def test_with_a_certificate_the_hub_speaks_tls_and_a_seat_trusting_it_joins(
    tmp_path: Path, zygote: Zygote
) -> None:
    import shutil
    import ssl

    from tabletop.hub.client import SeatClient

    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed to make a test certificate"
    cert, key = tmp_path / "hub.crt", tmp_path / "hub.key"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    hub = HubProcess(tmp_path, "--certfile", str(cert), "--keyfile", str(key), zygote=zygote)
    try:
        assert f"listening on wss://127.0.0.1:{hub.port}/hub" in hub.output()
        url = f"wss://127.0.0.1:{hub.port}/hub"
        seat = SeatClient(
            url, hub.codes["observer"], "Obi", ssl=ssl.create_default_context(cafile=str(cert))
        )
        task = asyncio.create_task(seat.run())
        await asyncio.wait_for(seat.welcomed.wait(), 15)
        assert seat.state.role == "observer" and seat.state.name == "Obi"
        task.cancel()
        # Plain ws:// to a TLS hub does not get in.
        async with aiohttp.ClientSession() as http:
            try:
                ws = await http.ws_connect(hub.url, timeout=aiohttp.ClientWSTimeout(ws_receive=5))
                await ws.close()
                raise AssertionError("plain ws:// was accepted")
            except (aiohttp.ClientError, ConnectionError):
                pass
    finally:
        hub.stop()


def test_a_journal_a_hub_is_still_writing_cannot_be_resumed_by_another(hub: HubProcess) -> None:
    other = tabletop(
        "host", "--resume", str(hub.journal), "--port", str(hub.port + 1), cwd=hub.folder
    )
    assert other.returncode == 1
    assert other.stderr.strip() == (
        f"tabletop: {hub.journal}: another drill is still writing this journal"
    )
    assert hub.proc.poll() is None  # the first hub runs on
