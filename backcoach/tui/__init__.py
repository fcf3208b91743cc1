"""The full-screen consultation app (Textual). Textual is imported only when the app runs, never by the CLI."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcoach.practice.session import PracticeSession
    from backcoach.protocol import Protocol
    from backcoach.store import Home


@contextmanager
def loading() -> Iterator[None]:
    """While Textual and the app load, without the cyclic garbage collector.

    What is built then (modules, the pack, the app) lives as long as the app: the collector finds nothing in it, yet
    runs again and again while it loads (~20 ms of each start). Afterwards it is frozen out of the collector's way.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def run_app(home: Home, protocol: Protocol, patient_id: str | None = None) -> int:
    """Open the home screen, or the consultation of `patient_id` directly; returns the exit code when the user
    quits (0), or after an error no screen handled (its one line is on stderr by then)."""
    check_terminal()
    with loading():
        from backcoach.tui.app import BackcoachApp
        from backcoach.tui.crash import finish

        app = BackcoachApp(home, protocol, patient_id=patient_id)
    app.run()
    return finish(app)


def check_terminal() -> None:
    """The one-line error when the app cannot run here (no terminal: a script, cron, a redirection), before it
    starts or writes anything."""
    from backcoach.terminal import need_terminal

    instead = "run it in a terminal, or in scripts use commands such as `backcoach export` and `backcoach import`"
    need_terminal("the full-screen app", instead, full_screen=True)


def check_practice() -> None:
    """The one-line error when the app cannot run here; the CLI checks before it creates the attempt."""
    from backcoach.terminal import need_terminal

    instead = "for a teacher's view of attempts use `backcoach practice report`"
    need_terminal("practice mode", instead, full_screen=True)


def run_practice(session: PracticeSession) -> int | None:
    """Run a practice attempt full-screen; the caller opens and closes `session` (the attempt).

    The screen is gone once the app ends, so the result (or that the attempt is unfinished) is printed after it."""
    from rich.console import Console

    from backcoach.plain import command_for
    from backcoach.render.practice_feedback import result_line

    with loading():
        from backcoach.tui.crash import finish
        from backcoach.tui.practice_app import PracticeApp

        app = PracticeApp(session)
    app.run()
    if code := finish(app):  # it crashed: its one line is on stderr; the attempt is as last saved
        return code
    console = Console(highlight=False)
    if session.meta.finished:
        console.print(result_line(session.feedback()))
        console.print(
            f"All attempts, for you or your teacher: {command_for(session.home)} practice report", markup=False
        )
    else:
        for line in session.stopped_lines(command_for(session.home)):
            console.print(line, markup=False, soft_wrap=True)  # a long command stays one line, to copy whole
    return None
