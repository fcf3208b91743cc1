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


async def test_quitting_anyway_with_answers_not_saved_is_said_and_not_exit_0(clinic, protocol, capsys):
    """The patient file changed from outside: every save is refused (NOT SAVED); quitting anyway (ctrl+q twice)
    ended the app with exit code 0, as if everything had been saved."""
    from backcoach.tui.crash import finish

    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        (clinic.patients_dir / "bo.json").write_text('{"meta": {"1"')
        await pilot.press(*"Gardening")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+q")
    assert app.return_code == 1 and finish(app) == 1
    err = capsys.readouterr().err
    assert err.startswith("backcoach: quit with answers not saved") and err.count("\n") == 1
