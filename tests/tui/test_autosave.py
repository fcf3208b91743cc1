"""The autosaver's schedule, on a clock the test moves: a save is never due later than MAX_DELAY after the first
unsaved change, however late its timer runs."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from backcoach.tui import saving
from backcoach.tui.saving import DELAY, MAX_DELAY, Autosaver
from tests.tui.conftest import make_app
from tests.tui.waiting import opened, saved, stable, until


class Owner:
    """Stands in for the screen: timers are recorded (the test fires them), workers run at once."""

    def __init__(self):
        self.timers: list[SimpleNamespace] = []
        self.app = SimpleNamespace(call_from_thread=lambda callback, value: callback(value))

    def set_timer(self, delay, callback, name=None):
        timer = SimpleNamespace(delay=delay, callback=callback, stopped=False)
        timer.stop = lambda: setattr(timer, "stopped", True)
        self.timers.append(timer)
        return timer

    def run_worker(self, work, **kwargs):
        work()


class Consultation:
    def __init__(self):
        self.state, self.written = 0, []

    def snapshot(self):
        return self.state

    def write(self, snapshot):
        self.written.append(snapshot)


@pytest.fixture
def now(monkeypatch):
    clock = SimpleNamespace(t=100.0)
    monkeypatch.setattr(saving, "time", SimpleNamespace(monotonic=lambda: clock.t))
    return clock


def autosaver(owner, consultation, saved):
    return Autosaver(owner, consultation, saved.append, lambda reason: None, lambda: "12:34:56")


def test_changes_push_the_save_back_but_never_past_max_delay(now):
    owner, consultation, saved = Owner(), Consultation(), []
    saver = autosaver(owner, consultation, saved)
    consultation.state = 1
    saver.changed()
    assert owner.timers[-1].delay == DELAY and saver.scheduled_within == pytest.approx(DELAY)
    now.t += 0.8  # typing on; the timer was pushed back each time
    consultation.state = 2
    saver.changed()
    assert owner.timers[0].stopped and owner.timers[-1].delay == pytest.approx(MAX_DELAY - 0.8)
    assert saver.scheduled_within == pytest.approx(MAX_DELAY)
    owner.timers[-1].callback()
    assert consultation.written == [2] and saved == ["12:34:56"] and not saver.pending
    assert saver.scheduled_within is None


def test_a_change_after_the_deadline_saves_at_once_not_on_a_zero_timer(now):
    owner, consultation, saved = Owner(), Consultation(), []
    saver = autosaver(owner, consultation, saved)
    consultation.state = 1
    saver.changed()
    now.t += 1.2  # the timer is late (a loaded machine) and another change comes first
    consultation.state = 2
    saver.changed()
    assert [t.delay for t in owner.timers] == [DELAY]  # no timer of 0 s (Textual's divides by it)
    assert owner.timers[0].stopped and consultation.written == [2] and not saver.pending
    assert saver.scheduled_within is None


async def test_a_save_due_at_once_is_made_in_the_real_app_and_it_quits_cleanly(clinic, protocol):
    """Through the app: typing that has gone on past MAX_DELAY saves at once (a zero timer killed the save and the
    quit raised ZeroDivisionError)."""
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press(*"Gardening")
        app.screen.autosaver._first_unsaved = time.monotonic() - MAX_DELAY  # typing for longer than MAX_DELAY
        await pilot.press("s")
        await saved(pilot)
        assert clinic.load("bo").open_session.answer("planning.goals", "values") == "Gardenings"
        await pilot.press("ctrl+q")
    assert app.return_code == 0


def disk_refuses_the_next_save(home, pid: str) -> Path:
    """A real fault the store's own write runs into, even as root (who ignores permissions): a folder where the save
    keeps its backup of the previous version (`<file>.bak`). Every save fails until the folder is gone."""
    path = home.patient_path(pid)
    bak = path.with_name(path.name + ".bak")
    bak.unlink(missing_ok=True)
    bak.mkdir()
    return bak


REFUSED = "Not everything could be saved. Press ctrl+q again to quit anyway."


async def quit_refused(pilot, screen) -> None:
    """Until ctrl+q has been refused (saving failed): the app says so and stays on `screen`, not exiting."""
    app = pilot.app
    await until(pilot, lambda: any(n.message == REFUSED for n in app._notifications), "the quit to be refused")
    await stable(pilot)
    assert app.return_code is None and app.screen is screen
    status = str(screen.query_one("#saved").render())
    assert status.startswith("NOT SAVED: ") and "[Errno" not in status  # the reason in words, not Python's dress


def values(home, pid: str) -> str:
    return home.load(pid).open_session.answer("planning.goals", "values")


async def test_quitting_anyway_with_answers_not_saved_is_said_and_not_exit_0(clinic, protocol, capsys):
    """The patient file changed from outside: every save is refused (NOT SAVED); quitting anyway (ctrl+q twice)
    ended the app with exit code 0, as if everything had been saved."""
    from backcoach.tui.crash import finish

    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        (clinic.patients_dir / "bo.json").write_text('{"meta": {"1"')
        await pilot.press(*"Gardening")
        await pilot.press("ctrl+q")
        await quit_refused(pilot, screen)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.return_code is not None, "the app to exit")
    assert app.return_code == 1 and finish(app) == 1
    err = capsys.readouterr().err
    assert err.startswith("backcoach: quit with answers not saved") and err.count("\n") == 1


async def test_a_save_the_disk_refuses_says_not_saved_and_quitting_waits_until_it_is_saved(clinic, protocol):
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press(*"Swimming")
        await saved(pilot)
        label = screen.query_one("#saved")
        assert str(label.render()) == "Saved 12:34:56"
        bak = disk_refuses_the_next_save(clinic, "bo")
        await pilot.press(*" daily")
        await until(pilot, lambda: str(label.render()).startswith("NOT SAVED: "), "the failed save to be shown")
        assert "bo.json.bak" in str(label.render())  # what could not be written
        assert values(clinic, "bo") == "Swimming"

        await pilot.press("ctrl+q")  # refused: saving failed again; the screen says so and stays
        await quit_refused(pilot, screen)
        assert values(clinic, "bo") == "Swimming"

        bak.rmdir()  # the fault mended: the next ctrl+q saves everything, then quits
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.return_code is not None, "the app to exit")
    assert app.return_code == 0
    assert values(clinic, "bo") == "Swimming daily"


async def test_quitting_anyway_after_a_save_the_disk_refused_keeps_what_was_saved_and_exits_1(clinic, protocol):
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press(*"Swimming")
        await saved(pilot)
        disk_refuses_the_next_save(clinic, "bo")
        await pilot.press(*" daily", "ctrl+q")  # typed, then quit at once: the save at quitting fails
        await quit_refused(pilot, screen)
        await pilot.press("ctrl+q")  # anyway
        await until(pilot, lambda: app.return_code is not None, "the app to exit")
    assert app.return_code == 1
    assert values(clinic, "bo") == "Swimming"
