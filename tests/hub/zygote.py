"""Starts hub processes fast: imports tabletop once, then forks one `tabletop host` per request.

The crash test kills and resumes a hub 20 times and more; a fresh interpreter costs 1.5-2.5 s
of imports on a shared machine each time, a fork of this one almost nothing. Each child is a
real hub process running the real command line; it is killed with a real SIGKILL.
Requests on stdin, one JSON object a line: {"args": [...], "out": PATH, "env": {...}};
answers on stdout: the child's pid.
"""

from __future__ import annotations

import json
import os
import signal
import sys

import aiohttp  # noqa: F401  (imported before forking: the point of this process)

import tabletop.cli
import tabletop.commands.room
import tabletop.hub.server
import tabletop.scoring.scorer


def _reap(signum: int, frame: object) -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def main() -> None:
    signal.signal(signal.SIGCHLD, _reap)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            fd = os.open(request["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.environ.update(request["env"])
            code = tabletop.cli.main(request["args"])
            sys.stdout.flush()
            os._exit(code)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
