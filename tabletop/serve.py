"""`tabletop serve`: textual-serve with the guards every server of this product has.

textual-serve runs one `tabletop play` per WebSocket. On top of it: the Host/Origin checks
and security headers of `web_guard`, a limit on simultaneous drills (each costs a process of
~85 MB), no directory listing under /static/, and one log line, not a traceback, when a
browser goes away abruptly or sends something malformed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server

from tabletop.web_guard import Policy, allowed_hosts, guard_middleware, inline_script_hashes

DEFAULT_MAX_CLIENTS = 4


class OneLineErrors(logging.Filter):
    """Log records keep their message and the exception's one-line summary, no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(exc).__name__}: {str(exc)[:200]})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


class GuardedServer(Server):
    """textual-serve's server with Host/Origin checks, security headers and a client limit."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        title: str,
        templates_path: Path,
        max_clients: int = DEFAULT_MAX_CLIENTS,
        allow_hosts: tuple[str, ...] = (),
    ) -> None:
        super().__init__(command, host=host, port=port, title=title, templates_path=templates_path)
        self.max_clients = max_clients
        self.clients = 0
        self.policy = Policy(
            allowed_hosts(host, port, allow_hosts),
            inline_script_hashes(Path(templates_path) / "app_index.html"),
        )

    def initialize_logging(self) -> None:
        """Plain one-line logs: an abrupt disconnect is a fact, not a traceback."""
        handler = logging.StreamHandler()
        handler.addFilter(OneLineErrors())
        logging.basicConfig(level="INFO", format="%(message)s", handlers=[handler], force=True)

    def add_page_routes(self, app: web.Application) -> None:
        """textual-serve's page, WebSocket, download and static routes on `app`, with
        /static/ not listing its files (the drill room's hub serves them the same way)."""
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )

    async def _make_app(self) -> web.Application:
        """textual-serve's routes, behind the guard."""
        app = web.Application(middlewares=[guard_middleware(self.policy)])
        self.add_page_routes(app)
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def handle_index(self, request: web.Request) -> Any:
        """The page, its URLs built from the Host the browser used (one of the allowed)."""
        self.public_url = f"http://{request.headers.get('Host', f'{self.host}:{self.port}')}"
        return await super().handle_index(request)

    # The refusal beyond `max_clients` is a plain HTTP 503, not a WebSocket: a wider return
    # type than textual-serve's own handler declares.
    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        """One drill per WebSocket, up to `max_clients` at once; beyond, 503 and a reason."""
        if self.clients >= self.max_clients:
            return web.Response(
                status=503,
                text=f"all {self.max_clients} drills of this server are in use; "
                "close one and reload\n",
            )
        self.clients += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.clients -= 1
