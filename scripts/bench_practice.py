"""Practice-mode rows for `make bench`: listing cases, and the cost of one 'ask' (response + metadata saved)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from bench import BIN, Measurement, command, timed

from backcoach.practice.cases import find_case
from backcoach.practice.session import PracticeSession
from backcoach.protocol import builtin_protocol
from backcoach.store import Home


def measurements(workdir: Path) -> list[Measurement]:
    env = {**os.environ, "BACKCOACH_HOME": str(workdir / "practice-bench")}
    protocol = builtin_protocol()
    session = PracticeSession.start(Home(workdir / "practice-bench"), protocol, find_case("acute_fear", protocol))
    bullets = itertools.cycle([(c.id, i) for c in protocol.components for i in range(len(c.how))])
    return [
        Measurement(
            "backcoach practice list (8 cases validated)",
            command(str(BIN / "backcoach"), "practice", "list", env=env),
            command(str(BIN / "backcoach"), "protocol", "show", env=env),
            max_ratio=1.5,
        ),
        Measurement(
            "practice: ask a How bullet (atomic metadata write)",
            timed(lambda: session.ask(*next(bullets))),
            unit="ms",
            max_value=30,
            repeat=15,
        ),
    ]
