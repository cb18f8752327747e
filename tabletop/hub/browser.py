"""Browser seats: the seat app through textual-serve, on the hub's own web server.

`GET /` serves the page; its WebSocket (`/ws`) runs one seat app process per browser tab,
`tabletop join` of this very hub, which first asks for the join code. Everything goes through
the hub's guard (Host and Origin checks, security headers), and at most `max_clients` tabs run
at once (each costs a process).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from aiohttp import web

from tabletop.serve import GuardedServer


def seat_command_line(hub_url: str, *, cafile: Path | None = None) -> str:
    """The shell command textual-serve runs for each tab: a seat of the hub, in this Python
    (trusting the hub's own certificate, `cafile`, when it serves TLS)."""
    parts = [sys.executable, "-m", "tabletop.cli", "join", hub_url]
    if cafile is not None:
        parts += ["--cafile", str(cafile.absolute())]
    return " ".join(shlex.quote(p) for p in parts)


class BrowserSeats(GuardedServer):
    """textual-serve's page, WebSocket and static files, mounted on the hub's application."""

    def __init__(self, hub_url: str, *, max_clients: int, cafile: Path | None = None) -> None:
        templates = Path(__file__).resolve().parent.parent / "tui" / "web"
        super().__init__(
            seat_command_line(hub_url, cafile=cafile),
            host="127.0.0.1",
            port=0,
            title="tabletop seat",
            templates_path=templates,
            max_clients=max_clients,
        )
        #: CSP hashes of the page's inline scripts (the hub's guard allows them).
        self.script_hashes = self.policy.script_hashes

    def __call__(self, app: web.Application) -> None:
        """Add the browser seat's routes to the hub's application."""
        self.add_page_routes(app)
