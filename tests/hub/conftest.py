"""A real hub process (`tabletop host`) on a free loopback port, and real WebSocket seats."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.cli_process import tabletop_in

SCENARIO = "office-isp-loss"


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Zygote:
    """A process that has imported tabletop and forks hubs on request (see zygote.py)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("zygote.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )

    def spawn(self, args: list[str], out: Path, env: dict[str, str]) -> int:
        """Fork a hub running `tabletop ARGS`; its pid."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"args": args, "out": str(out), "env": env}) + "\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(10)


class ForkedProc:
    """The part of Popen the tests use, for a hub forked by the zygote (not our child)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            self.returncode = -1
            return self.returncode
        return None

    def send_signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, sig)

    def wait(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.01)
        return -1

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class HubProcess:
    """A running `tabletop host`: its URL, codes, journal and output."""

    def __init__(
        self,
        folder: Path,
        *args: str,
        resume: bool = False,
        port: int | None = None,
        zygote: Zygote | None = None,
    ) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.journal = folder / "room.jsonl"
        self.codes_file = folder / "codes.json"
        self.out = folder / f"hub-{time.monotonic_ns()}.out"
        env = {
            **os.environ,
            "TABLETOP_DB": str(folder / "history.sqlite3"),
            "XDG_DATA_HOME": str(folder),
        }
        where = (
            ["--resume", str(self.journal)]
            if resume
            else [SCENARIO, "--journal", str(self.journal)]
        )
        command = [
            "host", *where,
            "--port", str(self.port), "--codes", str(self.codes_file), "--max-browsers", "0", *args,
        ]  # fmt: skip
        self._fh = self.out.open("wb")
        self.proc: subprocess.Popen[bytes] | ForkedProc
        if zygote is not None:
            self.proc = ForkedProc(zygote.spawn(command, self.out, env))
        else:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tabletop.cli", *command],
                stdout=self._fh,
                stderr=subprocess.STDOUT,
                env=env,
            )
        self._wait_ready()
        self.codes: dict[str, str] = json.loads(self.codes_file.read_text())

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/hub"

    def output(self) -> str:
        return self.out.read_text(errors="replace")

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "listening on" in self.output():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub exited {self.proc.returncode}: {self.output()}")
            time.sleep(0.05)
        raise RuntimeError(f"hub not ready: {self.output()}")

    def kill(self) -> None:
        """SIGKILL: no chance to flush or close anything."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._fh.close()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait(10)
        self._fh.close()
        return code

    def journal_events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.journal.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def zygote() -> Iterator[Zygote]:
    """One pre-imported process for every hub of the session: a hub starts in a fraction of
    a second instead of 1.5-2.5 s of imports."""
    z = Zygote()
    yield z
    z.close()


@pytest.fixture
def hub(tmp_path: Path, zygote: Zygote) -> Iterator[HubProcess]:
    h = HubProcess(tmp_path, zygote=zygote)
    yield h
    h.stop()


class Seat:
    """A scripted seat: a real aiohttp WebSocket client speaking the seat protocol."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.frames: list[dict[str, Any]] = []

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.ws.send_str(frame if isinstance(frame, str) else json.dumps(frame))

    async def recv(self, timeout: float = 10.0) -> dict[str, Any]:
        msg = await asyncio.wait_for(self.ws.receive(), timeout)
        if msg.type != aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"socket closed: {msg.type} {msg.data}")
        frame = json.loads(msg.data)
        self.frames.append(frame)
        return frame

    async def until(self, pred: Any, timeout: float = 10.0) -> dict[str, Any]:
        """The next frame for which `pred(frame)` holds (others are kept in `frames`)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            frame = await self.recv(max(left, 0.01))
            if pred(frame):
                return frame

    def events(self) -> list[dict[str, Any]]:
        """Every journal event this seat received, welcome included, in arrival order."""
        out: list[dict[str, Any]] = []
        for f in self.frames:
            if f["type"] == "welcome":
                out.extend(f["events"])
            elif f["type"] == "event":
                out.append(f["event"])
        return out


async def join(
    http: aiohttp.ClientSession, url: str, code: str, name: str, last_seq: int | None = None
) -> tuple[Seat, dict[str, Any]]:
    """Connect a seat and return it with its welcome frame."""
    ws = await http.ws_connect(url, max_msg_size=8 * 1024 * 1024)
    seat = Seat(ws)
    hello: dict[str, Any] = {"type": "hello", "code": code}
    if name:
        hello["name"] = name
    if last_seq is not None:
        hello["last_seq"] = last_seq
    await seat.send(hello)
    welcome = await seat.recv()
    return seat, welcome


def is_event(kind: str, **data: Any) -> Any:
    """A predicate: an event frame of this kind whose event has these values."""

    def pred(frame: dict[str, Any]) -> bool:
        if frame["type"] != "event":
            return False
        ev = frame["event"]
        return ev["kind"] == kind and all(ev.get(k) == v for k, v in data.items())

    return pred


def tabletop(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in `cwd`, with its history and user data there too."""
    env = {"TABLETOP_DB": str(cwd / "h.sqlite3"), "XDG_DATA_HOME": str(cwd)}
    return tabletop_in(cwd, *args, env=env, timeout=60)
