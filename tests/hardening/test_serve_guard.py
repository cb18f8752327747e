"""`tabletop serve` answers only to its own names and pages, limits its drills, and sends its
security headers on every response. A real server process on a loopback port."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")

from tabletop.web_guard import Policy, allowed_hosts  # noqa: E402

MAX = 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """A running `tabletop serve`: its URL and what it logged."""

    def __init__(self, url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.url, self.proc, self.log = url, proc, log

    @property
    def ws(self) -> str:
        return self.url.replace("http", "ws", 1) + "/ws?width=100&height=30"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = {**os.environ, "TABLETOP_DB": str(tmp / "h.sqlite3"), "XDG_DATA_HOME": str(tmp)}
    log = tmp / "serve.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                *("tabletop.cli", "serve", "--port", str(port), "--max-clients", str(MAX)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"tabletop serve did not start: {log.read_text()[-500:]}")
                time.sleep(0.2)
        yield Served(url, proc, log)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode(errors="replace")


@pytest.mark.parametrize("path", ["/", "/static/js/textual.js", "/static/", "/no-such-page"])
def test_every_response_carries_the_security_headers(served: Served, path: str) -> None:
    _, headers, _ = _get(served.url + path)
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'unsafe-hashes' 'sha256-" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_static_lists_nothing(served: Served) -> None:
    status, _, body = _get(served.url + "/static/")
    assert status in (403, 404)
    assert "textual.js" not in body and "js/" not in body
    status, _, _ = _get(served.url + "/static/js/")
    assert status in (403, 404)


def test_a_foreign_host_name_is_refused(served: Served) -> None:
    # DNS rebinding: a page of evil.example whose name now points at 127.0.0.1.
    port = served.url.rsplit(":", 1)[1]
    status, _, body = _get(served.url + "/", Host=f"evil.example:{port}")
    assert status == 421 and "unknown host" in body
    status, _, _ = _get(served.url + "/", Host=f"localhost:{port}")
    assert status == 200


async def _handshake(url: str, origin: str | None) -> int:
    async with aiohttp.ClientSession() as client:
        try:
            async with client.ws_connect(url, origin=origin, timeout=aiohttp.ClientWSTimeout(10)):
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


async def _seat_when_free(
    client: aiohttp.ClientSession, served: Served
) -> aiohttp.ClientWebSocketResponse:
    """A WebSocket drill; a closed drill frees its seat once its process has stopped."""
    deadline = time.monotonic() + 20
    while True:
        try:
            return await client.ws_connect(served.ws)
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status != 503 or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)


def test_a_websocket_from_another_origin_is_refused(served: Served) -> None:
    for origin in ("http://evil.example", "null", "http://127.0.0.1.evil.example:80"):
        assert asyncio.run(_handshake(served.ws, origin)) == 403, origin
    port = served.url.rsplit(":", 1)[1]
    assert asyncio.run(_handshake(served.ws, f"http://localhost:{port}")) == 101


def test_the_client_beyond_the_limit_is_refused_and_a_freed_seat_is_reused(
    served: Served,
) -> None:
    async def scenario() -> tuple[int, int]:
        async with aiohttp.ClientSession() as client:
            held = [await _seat_when_free(client, served) for _ in range(MAX)]
            refused = await _handshake(served.ws, served.url)
            await held[0].close()
            again = await _seat_when_free(client, served)
            for ws in [*held[1:], again]:
                await ws.close()
            return refused, 101

    refused, again = asyncio.run(scenario())
    assert refused == 503
    assert again == 101


def test_a_malformed_message_or_abrupt_disconnect_logs_one_line(served: Served) -> None:
    async def rude() -> None:
        client = aiohttp.ClientSession()
        ws = await _seat_when_free(client, served)
        await ws.send_str("this is not json")
        await asyncio.sleep(0.5)
        await client.connector.close()  # type: ignore[union-attr]  # no closing handshake

    asyncio.run(rude())
    deadline = time.monotonic() + 20
    while "JSONDecodeError" not in served.log.read_text(errors="replace"):
        assert time.monotonic() < deadline, served.log.read_text(errors="replace")[-1000:]
        time.sleep(0.3)
    log = served.log.read_text(errors="replace")
    assert "Traceback" not in log and "│" not in log
    lines = [x for x in log.splitlines() if "JSONDecodeError" in x]
    assert len(lines) == 1 and "Expecting value" in lines[0]  # one line, not a traceback


def test_allowed_hosts_and_origins() -> None:
    hosts = allowed_hosts("127.0.0.1", 8000)
    assert hosts == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    policy = Policy(hosts)
    assert policy.host_allowed("LOCALHOST:8000") and not policy.host_allowed("localhost:8001")
    assert policy.origin_allowed(None, "127.0.0.1:8000")
    assert policy.origin_allowed("http://localhost:8000", "127.0.0.1:8000")
    assert not policy.origin_allowed("http://localhost:8001", "127.0.0.1:8000")
    anywhere = Policy(allowed_hosts("0.0.0.0", 8000))
    assert anywhere.host_allowed("drills.example.org:8000")
    assert anywhere.origin_allowed("https://drills.example.org:8000", "drills.example.org:8000")
    assert not anywhere.origin_allowed("https://evil.example", "drills.example.org:8000")
    named = allowed_hosts("0.0.0.0", 80, ["Drills.example.org"])
    assert named == {"drills.example.org", "drills.example.org:80", "0.0.0.0", "0.0.0.0:80"}
