"""Node statuses: their names, and the small integer codes the incremental engine stores."""

from __future__ import annotations

UP = "up"
DEGRADED = "degraded"
DOWN = "down"
COMPROMISED = "compromised"
STANDBY = "standby"

#: Own statuses that make a node down.
OWN_DOWN = frozenset({DOWN, STANDBY})


#: Symbol per displayed status, so that a map or a line of text reads without colour.
STATUS_SYMBOL: dict[str, str] = {
    UP: "●",
    DEGRADED: "◐",
    DOWN: "✖",
    COMPROMISED: "☣",
    STANDBY: "○",
}


def display_status(own: str, effective: str) -> str:
    """The status a map shows: `standby` while a standby node has not been started."""
    if own == STANDBY and effective == DOWN:
        return STANDBY
    return effective


# Status codes as small integers so that the state fits in bytearrays. A bytearray is fast to
# index from Python (the per-node path) and numpy can view the same memory without a copy (the
# vectorised path), so switching path per event costs no conversion.

C_UP = 0
C_DEGRADED = 1
C_DOWN = 2
C_COMPROMISED = 3
C_STANDBY = 4

#: Status name of each code.
CODE_NAMES: tuple[str, ...] = (UP, DEGRADED, DOWN, COMPROMISED, STANDBY)
#: Code of each status name.
CODES: dict[str, int] = {name: code for code, name in enumerate(CODE_NAMES)}
