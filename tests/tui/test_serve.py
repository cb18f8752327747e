"""`tabletop serve`: the drill UI in a browser via textual-serve, on a loopback port.

Starts the real server in a subprocess, fetches the page (served from this host only) and
opens the websocket a browser would, until the picker's text arrives; bounded in time.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")

from tabletop.commands.play import serve_command_line  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A `tabletop serve` on a free loopback port; its URL. Stopped (with its apps) after."""
    port = _free_port()
    env = {**os.environ, "TABLETOP_DB": str(tmp_path / "h.sqlite3"), "XDG_DATA_HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tabletop.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own process group: the apps it starts stop with it
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    pytest.fail(f"tabletop serve did not start: {err[-500:]}")
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def test_page_loads_everything_from_this_server(server: str) -> None:
    with urllib.request.urlopen(server + "/", timeout=5) as resp:
        assert resp.status == 200
        page = resp.read().decode()
    assert "textual.js" in page and "data-session-websocket-url" in page
    urls = re.findall(r'(?:src|href)\s*=\s*"([^"]+)"|url\("([^"]+)"\)', page)
    fetched = [u for pair in urls for u in pair if u]
    assert fetched, "the page loads its script, styles and fonts"
    assert all(u.startswith(server + "/") for u in fetched), fetched
    assert "googleapis" not in page


def test_browser_session_runs_the_picker(server: str) -> None:
    async def first_screen() -> str:
        seen = b""
        ws_url = server.replace("http", "ws", 1) + "/ws?width=120&height=40"
        async with aiohttp.ClientSession() as client, client.ws_connect(ws_url) as ws:
            deadline = time.monotonic() + 30
            while b"Power loss" not in seen and time.monotonic() < deadline:
                try:
                    msg = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
                except TimeoutError:
                    break
                if msg.type == aiohttp.WSMsgType.BINARY:
                    seen += msg.data
                elif msg.type != aiohttp.WSMsgType.TEXT:
                    break
        return seen.decode("utf-8", "replace")

    text = asyncio.run(first_screen())
    assert "Power loss" in text  # a built-in scenario's title in the picker


def test_served_command_is_tabletop_play_in_this_python() -> None:
    line = serve_command_line((Path("my scenarios"),), "red", "exam")
    assert line.startswith(sys.executable.replace(" ", "\\ ")) or sys.executable in line
    assert "-m tabletop.cli play 'my scenarios' --mode exam --team red" in line
