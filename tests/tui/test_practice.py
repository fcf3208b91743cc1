"""Practice mode in the app: a student's attempt at a case, end to end, read back from disk."""

from __future__ import annotations

import subprocess

import pytest
from textual.widgets import Static, TextArea

from backcoach.practice.attempts import AttemptStore
from backcoach.practice.cases import find_case
from backcoach.practice.session import PracticeSession
from backcoach.tui.dialogs.case import CaseDialog
from backcoach.tui.dialogs.confirm import ConfirmDialog
from backcoach.tui.practice_app import PracticeApp
from backcoach.tui.screens.feedback import FeedbackScreen
from backcoach.tui.screens.practice import PracticeScreen
from backcoach.tui.widgets.asking import AskList, Conversation
from tests.helpers import run_backcoach, run_cli
from tests.practice_helpers import Clock
from tests.tui.clinic import fixed_clock
from tests.tui.test_walkthrough import plain
from tests.tui.waiting import opened, shown, stable, until

GOALS, SHARED, SENSE = "planning.goals", "planning.shared_decision", "delivery.sense_making"


@pytest.fixture
def case(protocol):
    return find_case("acute_fear", protocol)


@pytest.fixture
def ticks():
    return Clock()


@pytest.fixture
def practice(home, protocol, case, ticks):
    with PracticeSession.start(home, protocol, case, clock=ticks) as session:
        yield session


def said(app) -> str:
    return "\n".join(s.content.plain for s in app.screen.query_one(Conversation).query(Static))


async def finish(pilot) -> None:
    """Finish the attempt (ctrl+f) and confirm."""
    await pilot.press("ctrl+f")
    await shown(pilot, ConfirmDialog)
    await pilot.press("enter")
    await shown(pilot, FeedbackScreen)


async def test_an_attempt_end_to_end(home, protocol, case, practice, ticks):
    home.add_patient("Ann Lee", patient_id="ann")
    app = PracticeApp(practice, clock=fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, CaseDialog)
        ticks.now = 60.0  # reading the case card is not timed
        await pilot.press("enter")  # Start
        screen = await opened(pilot)
        assert isinstance(screen, PracticeScreen) and screen.current.id == GOALS
        assert case.patient.opening in said(app)
        assert isinstance(app.focused, AskList)  # the cursor starts on the first How? bullet
        await pilot.press("enter")  # ask it
        await stable(pilot)
        assert case.response(GOALS, 0) in said(app)
        ticks.now = 90.0
        await pilot.press("tab")
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"Football with his son", "tab", *"Play football with my son")
        await pilot.press("ctrl+n")  # shared decision
        ticks.now = 150.0
        assert isinstance(app.focused, AskList)
        await pilot.press("enter", "tab")  # asks bullet 0; then on to the first answer field
        assert not isinstance(app.focused, AskList)
        await pilot.press("ctrl+o")  # asks the next bullet (1) from anywhere
        await stable(pilot)
        asked = screen.query_one(f"#form-{SHARED.replace('.', '-')} AskList", AskList)
        assert [str(asked.get_option_at_index(i).prompt)[0] for i in range(3)] == ["✓", "✓", "○"]
        assert case.response(SHARED, 0) in said(app) and case.response(SHARED, 1) in said(app)
        await pilot.press("ctrl+n", "ctrl+n")  # readiness, then sense-making: the delivery phase
        assert screen.current.id == SENSE
        await pilot.click(f"#form-{SENSE.replace('.', '-')} AskList", offset=(4, 0))  # asks bullet 0
        await stable(pilot)
        assert case.response(SENSE, 0) in said(app)
        ticks.now = 200.0
        await finish(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        page = " ".join(plain(app.screen.query_one("#feedback Static").content).split())
        await pilot.press("escape")  # leaves practice mode
        await until(pilot, lambda: app.return_code is not None, "the app to exit")
    assert app.return_code == 0

    stored = AttemptStore(home).load(practice.attempt_id)
    assert stored.meta.finished is not None and stored.session.status == "complete"
    assert stored.meta.asked_pairs == {(GOALS, 0), (SHARED, 0), (SHARED, 1), (SENSE, 0)}
    assert stored.meta.phase_seconds == {"planning": 90.0, "delivery": 50.0}  # from Start, per phase
    assert stored.session.answer(GOALS, "values") == "Football with his son"
    assert [g["text"] for g in stored.session.answer(GOALS, "goals")] == ["Play football with my son"]
    assert (home.root / "practice" / "patients" / f"{practice.attempt_id}.json").is_file()

    feedback = stored.feedback(case, protocol)
    assert not feedback.passed and feedback.critical_missed
    assert "FAIL" in page and page.index("Critical items missed") < page.index("Done")
    missed = feedback.critical_missed[0]
    assert f"✗ {missed.label}" in page and " ".join(missed.why[0].split()) in page

    listed = run_cli(home.root, "patient", "list")
    assert listed.exit_code == 0 and "Ann Lee" in listed.stdout
    assert case.patient.name not in listed.stdout and practice.attempt_id not in listed.stdout


@pytest.fixture
def fixed_attempt(home, protocol, case, ticks, monkeypatch):
    """An attempt with a fixed id and student, for screenshots."""
    monkeypatch.setattr("backcoach.practice.attempts.new_id", lambda size: "demo01")
    with PracticeSession.start(home, protocol, case, "Sam Student", clock=ticks) as session:
        yield session


async def started_and_asked(pilot) -> None:
    """Past the case card, the first How? bullet asked."""
    await shown(pilot, CaseDialog)
    await pilot.press("enter")
    await opened(pilot)
    await pilot.press("enter")
    await stable(pilot)


def test_practice_screen_after_asking(snap_compare, fixed_attempt):
    app = PracticeApp(fixed_attempt, clock=fixed_clock)
    assert snap_compare(app, terminal_size=(80, 24), run_before=started_and_asked)


def test_feedback_screen(snap_compare, fixed_attempt, ticks):
    async def run_before(pilot) -> None:
        await started_and_asked(pilot)
        ticks.now = 95.0
        await finish(pilot)

    assert snap_compare(PracticeApp(fixed_attempt, clock=fixed_clock), terminal_size=(80, 24), run_before=run_before)


async def test_the_case_card_shows_its_start_button_whole_at_80x24(practice):
    """The card is exactly as tall as the terminal: no other screen's styles may push its Start button out."""
    app = PracticeApp(practice, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, CaseDialog)
        dialog = app.screen.query_one(".dialog")
        start = app.screen.query_one("#start")
        assert dialog.content_region.contains_region(start.region)


async def test_escape_stops_once_confirmed_and_the_attempt_stays_unfinished(home, protocol, case, practice):
    app = PracticeApp(practice, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, CaseDialog)
        await pilot.press("enter")  # Start
        await opened(pilot)
        await pilot.press("tab", *"Football")
        await pilot.press("escape")
        await shown(pilot, ConfirmDialog)
        await pilot.press("escape")  # Cancel: still practising
        await shown(pilot, PracticeScreen)
        assert app.return_code is None
        await pilot.press("escape")
        await shown(pilot, ConfirmDialog)
        await pilot.press("enter")  # Stop
        await until(pilot, lambda: app.return_code is not None, "the app to exit")
        assert app.return_code == 0  # the app is exiting

    stored = AttemptStore(home).load(practice.attempt_id)
    assert stored.meta.finished is None and stored.session.status == "open"
    assert stored.session.answer(GOALS, "values") == "Football"


async def test_a_stopped_attempt_carried_on_shows_what_it_holds_and_finishes(home, protocol, case, ticks):
    with PracticeSession.start(home, protocol, case, clock=ticks) as first:
        app = PracticeApp(first, clock=fixed_clock)
        async with app.run_test(size=(100, 30)) as pilot:
            await shown(pilot, CaseDialog)
            await pilot.press("enter")  # Start
            await opened(pilot)
            await pilot.press("enter")  # ask the first bullet of 1
            await stable(pilot)
            ticks.now = 40.0
            await pilot.press("tab", *"Football with his son", "escape")
            await shown(pilot, ConfirmDialog)
            await pilot.press("enter")  # Stop
            await until(pilot, lambda: app.return_code is not None, "the app to exit")
    ticks.now = 1000.0  # closed for a while: not timed

    with PracticeSession(home, protocol, case, first.attempt_id, clock=ticks) as again:
        app = PracticeApp(again, clock=fixed_clock)
        async with app.run_test(size=(100, 30)) as pilot:
            await shown(pilot, CaseDialog)  # the case again, with what the attempt holds
            card = " ".join(str(s.content) for s in app.screen.query(Static))
            assert case.patient.opening in card and f"Carrying on with attempt {first.attempt_id}" in card
            ticks.now = 1060.0  # reading the card again is not timed either
            await pilot.press("enter")
            screen = await opened(pilot)
            assert isinstance(screen, PracticeScreen) and screen.current.id == SHARED  # the first with no answer
            assert case.response(GOALS, 0) in said(app)  # what the patient said before
            await pilot.press("ctrl+b")  # back to 1: the answer given and the bullet asked are there
            await stable(pilot)
            form = screen.query_one(f"#form-{GOALS.replace('.', '-')}")
            assert form.query(TextArea).first().text == "Football with his son"
            assert str(form.query_one(AskList).get_option_at_index(0).prompt).startswith("✓")
            ticks.now = 1090.0
            await finish(pilot)
            assert isinstance(app.screen, FeedbackScreen)
            await pilot.press("escape")

    stored = AttemptStore(home).load(first.attempt_id)
    assert stored.meta.finished is not None and stored.session.status == "complete"
    assert stored.meta.phase_seconds == {"planning": 70.0}  # 40 s, then 30 s after the card; not the time closed
    assert [(a["component"], a["how"]) for a in stored.meta.asked] == [(GOALS, 0)]  # asked once
    assert stored.session.answer(GOALS, "values") == "Football with his son"
    assert stored.feedback(case, protocol).finished


def test_without_a_terminal_no_attempt_is_made(home):
    done = run_backcoach("practice", "run", "acute_fear", home=home.root, stdin=subprocess.DEVNULL)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "practice mode needs an interactive terminal" in done.stderr
    assert AttemptStore(home).ids() == []
