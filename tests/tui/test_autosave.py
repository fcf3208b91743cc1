"""Autosave when typing has gone on past MAX_DELAY: the save is due at once, and it must still happen."""

from __future__ import annotations

import time

from backcoach.tui import saving
from tests.tui.conftest import make_app
from tests.tui.test_snapshots import settle


async def test_a_save_due_at_once_is_made_and_the_app_quits_cleanly(clinic, protocol):
    """Textual's timer divides by its interval when it fires late: a zero delay killed the save (and the quit)."""
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"Gardening")
        autosaver = app.screen.autosaver
        autosaver._first_unsaved = time.monotonic() - saving.MAX_DELAY  # typing for longer than MAX_DELAY
        await pilot.press("s")
        for _ in range(200):  # bounded: the worker thread writes, then the screen says so
            if not autosaver.pending:
                break
            await pilot.pause(saving.SOONEST)
        assert not autosaver.pending
        assert clinic.load("bo").open_session.answer("planning.goals", "values") == "Gardenings"
        await pilot.press("ctrl+q")
    assert app.return_code == 0
