"""The drill room's network side: one seat's WebSocket (hello, its frames in, the hub's frames
out), the web application and serving it until a signal."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, Protocol

from aiohttp import WSMsgType, web

from tabletop.hub.protocol import MAX_FRAME_BYTES, FrameError, parse_frame
from tabletop.hub.seats import Seat, Seats, error_text

#: Seconds a new connection has to send its hello.
HELLO_TIMEOUT = 10.0


class Hub(Protocol):
    """What the sockets need of the hub (`tabletop.hub.server.Hub`)."""

    seats: Seats

    def join(self, ws: web.WebSocketResponse, hello: dict[str, Any]) -> Seat | str:
        """The seat a hello frame joins, or why it joins none."""

    def leave(self, seat: Seat) -> None:
        """The seat's connection has closed."""

    def on_frame(self, seat: Seat, text: str) -> None:
        """One frame from a joined seat."""

    def start(self) -> None:
        """Start the clock (on the running loop)."""

    async def stop(self) -> None:
        """Close every seat and the journal."""


async def handle(hub: Hub, request: web.Request) -> web.StreamResponse:
    """One seat's WebSocket: hello, welcome, then its frames until it goes."""
    # Frames a little over the limit are read and answered with an error frame (the seat
    # stays); far beyond it aiohttp closes the connection (1009) before reading them.
    ws = web.WebSocketResponse(max_msg_size=4 * MAX_FRAME_BYTES, heartbeat=20, compress=False)
    await ws.prepare(request)
    seat = await _hello(hub, ws)
    if seat is None:
        await ws.close()
        return ws
    sender = asyncio.create_task(_pump(seat))
    try:
        await _serve(hub, seat)
    finally:
        hub.leave(seat)
        seat.queue.put_nowait(None)
        await sender
        await ws.close()
    return ws


async def _hello(hub: Hub, ws: web.WebSocketResponse) -> Seat | None:
    """The seat the connection's first frame joins, or None (told why) when it joins none."""
    try:
        msg = await asyncio.wait_for(ws.receive(), HELLO_TIMEOUT)
    except TimeoutError:
        await _error(ws, "no hello frame in time")
        return None
    if msg.type != WSMsgType.TEXT:
        await _error(ws, "the first frame must be a hello")
        return None
    try:
        frame = parse_frame(msg.data)
    except FrameError as exc:
        await _error(ws, str(exc))
        return None
    if frame["type"] != "hello":
        await _error(ws, "the first frame must be a hello")
        return None
    joined = hub.join(ws, frame)
    if isinstance(joined, str):
        await _error(ws, joined)
        return None
    return joined


async def _pump(seat: Seat) -> None:
    """Send a seat's queued frames in order until told to stop (None)."""
    while True:
        text = await seat.queue.get()
        if text is None:
            return
        try:
            await seat.ws.send_str(text)
        except (ConnectionError, RuntimeError):
            return


async def _serve(hub: Hub, seat: Seat) -> None:
    """Hand the seat's frames to the hub until it goes or is replaced."""
    async for msg in seat.ws:
        if not hub.seats.is_connected(seat):
            return  # replaced by a newer connection of the same seat
        if msg.type == WSMsgType.TEXT:
            hub.on_frame(seat, msg.data)
        elif msg.type == WSMsgType.BINARY:
            seat.send(error_text("frames are JSON text, not binary"))
        else:
            return


async def _error(ws: web.WebSocketResponse, reason: str) -> None:
    with contextlib.suppress(ConnectionError, RuntimeError):
        await ws.send_str(error_text(reason))


def build_app(
    hub: Hub, *, policy_hosts: frozenset[str], extra_routes: Any = None
) -> web.Application:
    """The hub's web application: `/hub` behind the Host/Origin guard and security headers.
    `extra_routes(app)` adds the browser seat's routes (textual-serve) when available."""
    from tabletop.web_guard import Policy, guard_middleware

    async def seat_socket(request: web.Request) -> web.StreamResponse:
        return await handle(hub, request)

    policy = Policy(policy_hosts, getattr(extra_routes, "script_hashes", ()))
    app = web.Application(middlewares=[guard_middleware(policy)])
    app.add_routes([web.get("/hub", seat_socket)])
    if extra_routes is not None:
        extra_routes(app)
    return app


async def run_hub(
    hub: Hub,
    app: web.Application,
    *,
    host: str,
    port: int,
    ssl_context: Any = None,
    ready: Callable[[], None] | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM, then close every seat and the journal."""
    import signal

    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
    await site.start()
    hub.start()
    if ready is not None:
        ready()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await hub.stop()
        await runner.cleanup()
