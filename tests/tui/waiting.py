"""Waiting in the TUI tests: for a state, never for a length of time.

A loaded machine runs the app's timers, workers and layouts late, so a test that sleeps "long enough" fails one
run in ten. Each helper here lets the app run one `pilot.pause()` at a time (every message queued is handled, then
a layout and a repaint) until the state the test needs is there, and gives up after a number of pauses, never
after a number of seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from textual.pilot import Pilot
from textual.screen import Screen

from backcoach.tui.screens.consult import ConsultScreen

ROUNDS = 500  # pauses before giving up: each is at least one 20 ms idle check, so a timer of a second fits easily


async def until(pilot: Pilot, condition: Callable[[], object], what: str, rounds: int = ROUNDS) -> None:
    """Let the app run until `condition()` is true; fail, saying what was awaited, after `rounds` pauses."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause()
    assert condition(), f"still waiting for {what} after {rounds} pauses"


def frame(pilot: Pilot) -> str:
    """The screen as drawn now (Rich's per-export id taken out)."""
    return re.sub(r"terminal-\d+", "terminal", pilot.app.export_screenshot())


async def stable(pilot: Pilot, rounds: int = 50) -> None:
    """Until the screen is drawn the same twice running: focus moves, restyles, layouts that follow a layout
    (a text area rewraps once it knows its width) and animations have all finished."""
    last = None
    for _ in range(rounds):
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        now = frame(pilot)
        if now == last:
            return
        last = now
    raise AssertionError(f"the screen still changed after {rounds} pauses")


async def shown(pilot: Pilot, kind: type[Screen]) -> Screen:
    """The screen on top once it is a `kind` (a consultation: once it has opened its first component, which it
    does after the pilot has started), and stable."""
    app = pilot.app

    def there() -> bool:
        screen = app.screen
        return isinstance(screen, kind) and (not isinstance(screen, ConsultScreen) or screen.opened)

    await until(pilot, there, f"a {kind.__name__}")
    await stable(pilot)
    return app.screen


async def opened(pilot: Pilot) -> ConsultScreen:
    """The consultation once it has opened its first component, and stable."""
    screen = await shown(pilot, ConsultScreen)
    assert isinstance(screen, ConsultScreen)
    return screen


async def at_component(pilot: Pilot, component_id: str) -> ConsultScreen:
    """The consultation, once opened, showing `component_id`, and stable."""
    screen = await opened(pilot)
    await screen.goto(component_id)
    await stable(pilot)
    return screen


async def saved(pilot: Pilot) -> None:
    """Until the autosave has written every change (its timer fired and its worker reported back)."""
    screen = pilot.app.screen
    assert isinstance(screen, ConsultScreen)

    def written() -> bool:
        workers = [w for w in pilot.app.workers if w.group == "autosave"]
        return not screen.autosaver.pending and all(w.is_finished for w in workers)  # finished: it has reported

    await until(pilot, written, "the autosave")
    await stable(pilot)
