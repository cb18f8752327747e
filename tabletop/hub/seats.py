"""The seats of a drill room: one connected seat's queue and rate budget, and the register of
every seat that joined (numbers kept for a seat that comes back)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tabletop.hub.protocol import Participant, seat_label

#: Frames queued for one seat beyond which it is dropped (it reconnects with `last_seq`).
MAX_BACKLOG = 5000
#: Close code for a connection whose seat joined again elsewhere: it must not reconnect
#: (two connections of one seat would take the seat from each other in turn).
REPLACED = 4001
#: Frames a seat may send per second (sustained) and at once (burst).
DEFAULT_RATE = 20.0
DEFAULT_BURST = 40.0


def error_text(reason: str) -> str:
    """An `error` frame."""
    return json.dumps({"type": "error", "reason": reason}, ensure_ascii=False)


@dataclass
class Seat:
    """One connected seat: who, its socket, its outgoing queue and its rate budget."""

    number: int
    name: str
    role: str
    ws: web.WebSocketResponse
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    tokens: float = DEFAULT_BURST
    stamp: float = field(default_factory=time.monotonic)

    @property
    def label(self) -> str:
        """How this seat signs what it does."""
        return seat_label(self.name, self.role)

    def send(self, frame: str) -> bool:
        """Queue a frame; False when the seat is too far behind (it is then dropped)."""
        if self.queue.qsize() >= MAX_BACKLOG:
            return False
        self.queue.put_nowait(frame)
        return True

    def allow(self, rate: float, burst: float) -> bool:
        """Token bucket: `rate` frames a second, `burst` at once."""
        now = time.monotonic()
        self.tokens = min(burst, self.tokens + (now - self.stamp) * rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Seats:
    """The seats connected now, and every seat that ever joined, by number."""

    def __init__(self, known: Iterable[Participant]) -> None:
        """`known`: the seats the journal says joined (a resumed hub gives them back)."""
        self.connected: dict[int, Seat] = {}
        self._number: dict[tuple[str, str], int] = {}
        self._names: dict[int, tuple[str, str]] = {}
        for p in known:
            self._number[(p.name, p.role)] = p.seat
            self._names[p.seat] = (p.name, p.role)
        self._next = max(self._names, default=0) + 1

    def number_of(self, name: str, role: str) -> int | None:
        """The number of the seat that joined as `name` in `role`, if one did."""
        return self._number.get((name, role))

    def new_number(self, name: str, role: str) -> int:
        """Give `name` in `role` the next seat number."""
        number = self._next
        self._next += 1
        self._number[(name, role)] = number
        self._names[number] = (name, role)
        return number

    def free_name(self, name: str, role: str) -> str:
        """`name`, or `name 2`, `name 3` ... the first not in use by a connected seat."""
        candidate, k = name, 1
        while (number := self._number.get((candidate, role))) is not None and (
            number in self.connected
        ):
            k += 1
            candidate = f"{name} {k}"
        return candidate

    def room(self) -> list[dict[str, Any]]:
        """Every seat that ever joined, whether it is connected now, by seat number."""
        return [
            {"seat": n, "name": name, "role": role, "connected": n in self.connected}
            for n, (name, role) in sorted(self._names.items())
        ]

    def is_connected(self, seat: Seat) -> bool:
        """Whether `seat` is its number's connection now (not replaced, not dropped)."""
        return self.connected.get(seat.number) is seat

    def close_older(self, number: int) -> None:
        """Close for good the connection seat `number` has now (it joined again elsewhere)."""
        old = self.connected.get(number)
        if old is not None:
            self.drop(old, "this seat joined again from elsewhere", code=REPLACED)

    def connect(self, seat: Seat) -> None:
        """`seat` is its number's connection from now on."""
        self.connected[seat.number] = seat

    def leave(self, seat: Seat) -> bool:
        """Disconnect `seat` when it is still its number's connection; whether it was."""
        if self.is_connected(seat):
            del self.connected[seat.number]
            return True
        return False

    def send(self, seat: Seat, text: str) -> None:
        """Queue a frame for `seat`, dropping the seat when it is too far behind."""
        if not seat.send(text):
            self.drop(seat, "too far behind; reconnect")

    def broadcast(self, text: str, *, facilitators_only: bool = False) -> None:
        """Queue a frame for every connected seat (or only the facilitators')."""
        for seat in list(self.connected.values()):
            if facilitators_only and seat.role != "facilitator":
                continue
            self.send(seat, text)

    def drop(self, seat: Seat, reason: str, *, code: int = 1000) -> None:
        """Disconnect a seat (it may reconnect with its last seq; not after `REPLACED`)."""
        self.leave(seat)
        while not seat.queue.empty():
            seat.queue.get_nowait()
        seat.queue.put_nowait(error_text(reason))
        seat.queue.put_nowait(None)
        asyncio.get_running_loop().create_task(seat.ws.close(code=code, message=reason.encode()))

    def drop_all(self, reason: str) -> None:
        """Disconnect every seat."""
        for seat in list(self.connected.values()):
            self.drop(seat, reason)

    def __len__(self) -> int:
        return len(self.connected)
