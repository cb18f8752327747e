"""What every web server this product runs enforces (`serve` now, the drill room's hub next).

A server on 127.0.0.1 is still reachable from every web page the user's browser opens: a page
on another origin may open a WebSocket to it (browsers do not apply the same-origin policy to
WebSockets), and a page whose DNS name is rebound to 127.0.0.1 reaches it as "same origin".
So every request must name this server in its Host header (an allow-list: rebinding sends the
attacker's name), and a WebSocket handshake that carries an Origin must come from this very
origin. Every response carries a Content-Security-Policy that allows only this server, and may
not be framed or content-sniffed. Pure aiohttp; no Textual.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Middleware

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


@dataclass(frozen=True)
class Policy:
    """Which Host names a server answers to, and the script hashes its pages may run."""

    hosts: frozenset[str]  # "name:port", lower case; empty: any (bound to every address)
    script_hashes: tuple[str, ...] = ()

    def host_allowed(self, host: str | None) -> bool:
        """True when the Host header names this server."""
        if host is None:
            return False
        return not self.hosts or host.lower() in self.hosts

    def origin_allowed(self, origin: str | None, host: str | None) -> bool:
        """True for no Origin (not a browser page) or an origin naming this server: one of
        its allowed names, or (bound to every address) the Host the request was sent to."""
        if origin is None:
            return True
        scheme, _, name = origin.lower().partition("://")
        if scheme not in ("http", "https"):
            return False  # "null" (a sandboxed frame, a file), chrome-extension://, ...
        if self.hosts:
            return name in self.hosts
        return host is not None and name == host.lower()

    def csp(self, host: str) -> str:
        """The Content-Security-Policy of every page: this server only, no framing."""
        scripts = " ".join(f"'{h}'" for h in self.script_hashes)
        hashes = f" 'unsafe-hashes' {scripts}" if scripts else ""
        return (
            "default-src 'none'; "
            f"script-src 'self'{hashes}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; "
            f"connect-src 'self' ws://{host} wss://{host}; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )


def allowed_hosts(bind: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """Host headers a server bound to `bind`:`port` answers to. Bound to every address
    (0.0.0.0, ::), it cannot know its names: any, unless `extra` names them."""
    names = {n.lower() for n in extra}
    try:
        address = ipaddress.ip_address(bind.strip("[]"))
    except ValueError:
        address = None  # a host name: that name
        names.add(bind.lower())
    if address is not None:
        if address.is_unspecified and not names:
            return frozenset()
        names.add(f"[{address}]" if address.version == 6 else str(address))
        if address.is_loopback:
            names.update(LOOPBACK_NAMES)
    ports = {f":{port}"} | ({""} if port == 80 else set())
    return frozenset(f"{n}{p}" for n in names for p in ports)


def inline_script_hashes(page: Path) -> tuple[str, ...]:
    """CSP hashes of a page template's inline scripts and event-handler attributes, so that
    they run and nothing else inline does."""
    text = page.read_text(encoding="utf-8")
    bodies = re.findall(r"<script>(.*?)</script>", text, flags=re.S)
    handlers = re.findall(r'\son[a-z]+="([^"]*)"', text, flags=re.I)
    return tuple(
        "sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()
        for b in dict.fromkeys([*bodies, *handlers])
    )


SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def guard_middleware(policy: Policy) -> Middleware:
    """aiohttp middleware: refuse a foreign Host (421) or a foreign Origin (403), and put the
    security headers on every response, errors included."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        host = request.headers.get("Host")
        if not policy.host_allowed(host):
            return _headed(web.Response(status=421, text="unknown host name\n"), policy, host)
        if not policy.origin_allowed(request.headers.get("Origin"), host):
            return _headed(
                web.Response(status=403, text="cross-origin request refused\n"), policy, host
            )
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            _headed(exc, policy, host)
            raise
        if not response.prepared:  # a WebSocket's handshake is already sent
            _headed(response, policy, host)
        return response

    return guard


def _headed(response: web.StreamResponse, policy: Policy, host: str | None) -> web.StreamResponse:
    response.headers.update(SECURITY_HEADERS)
    response.headers["Content-Security-Policy"] = policy.csp(host or "localhost")
    return response
