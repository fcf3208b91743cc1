"""Screenshots of the app at 80×24 and 120×40, compared with the accepted ones in __snapshots__.

Data and clock are fixed, cursors do not blink, and every screenshot waits for the screen to be stable (drawn the
same twice running, tests/tui/waiting.py), never for a length of time. Update after a deliberate change with
`pytest --snapshot-update`, and look at every changed SVG before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backcoach.tui.screens.summary import SummaryScreen
from tests.tui.clinic import FEB, HOSTILE, add_session
from tests.tui.conftest import make_app
from tests.tui.waiting import at_component, opened, saved, stable

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def follow_up(clinic, protocol):
    """Ann's follow-up (open, fixed date) after her completed initial session."""
    add_session(clinic, protocol, "ann", FEB, {}, complete=False)
    return clinic


def at(component_id: str):
    async def run_before(pilot) -> None:
        await at_component(pilot, component_id)  # the screenshot's pilot starts before the consultation has opened

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, clinic, protocol, size):
    assert snap_compare(make_app(clinic, protocol), terminal_size=size, run_before=stable)


@pytest.mark.parametrize("size", SIZES)
def test_planning_new_session(snap_compare, clinic, protocol, size):
    add_session(clinic, protocol, "bo", FEB, {}, complete=False)
    assert snap_compare(make_app(clinic, protocol, "bo"), terminal_size=size, run_before=opened)


@pytest.mark.parametrize("size", SIZES)
def test_goal_editor_with_pain_focus_hint(snap_compare, clinic, protocol, size):
    goals = [
        {"id": "a", "text": "Garden for an hour on Saturdays", "parts": {"measurable": "One hour"}},
        {"id": "b", "text": "Get rid of the pain", "parts": {}},
    ]
    add_session(clinic, protocol, "bo", FEB, {("planning.goals", "goals"): goals}, complete=False)

    async def run_before(pilot) -> None:
        await at("planning.goals")(pilot)
        card = pilot.app.screen.query("GoalCard").last()
        card.query("Input").first().focus()
        await stable(pilot)

    assert snap_compare(make_app(clinic, protocol, "bo"), terminal_size=size, run_before=run_before)


def test_delivery_fear_ratings_at_follow_up(snap_compare, follow_up, protocol):
    app = make_app(follow_up, protocol, "ann")
    assert snap_compare(app, terminal_size=(80, 24), run_before=at("delivery.successful_experiences"))


def test_evaluation_action_plan(snap_compare, follow_up, protocol):
    app = make_app(follow_up, protocol, "ann")
    assert snap_compare(app, terminal_size=(80, 24), run_before=at("evaluation.action_plan"))


@pytest.mark.parametrize("size", SIZES)
def test_follow_up_goal_evaluation(snap_compare, follow_up, protocol, size):
    async def run_before(pilot) -> None:
        await at("evaluation.goal_review")(pilot)
        pilot.app.screen.query("RadioSet.attainment").first().focus()
        await pilot.press("down", "enter", "tab", *"Walked twice", "tab", "down", "enter")
        await saved(pilot)  # the status bar says "Saved 12:34:56"

    assert snap_compare(make_app(follow_up, protocol, "ann"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_summary(snap_compare, clinic, protocol, size):
    async def run_before(pilot) -> None:
        await stable(pilot)  # home, as it opens
        record = clinic.load("ann")
        await pilot.app.push_screen(SummaryScreen(record, record.sessions[0]))
        await stable(pilot)

    assert snap_compare(make_app(clinic, protocol), terminal_size=size, run_before=run_before)


def test_hostile_text_shown_as_typed(snap_compare, clinic, protocol):
    clinic.add_patient(HOSTILE, patient_id="evil")
    answers = {
        ("planning.goals", "values"): HOSTILE,
        ("planning.goals", "goals"): [{"text": HOSTILE}],
        ("planning.goals", "motivation"): HOSTILE,  # every field answered: the form opens at its top
    }
    add_session(clinic, protocol, "evil", FEB, answers, complete=False)
    assert snap_compare(make_app(clinic, protocol, "evil"), terminal_size=(80, 24), run_before=at("planning.goals"))


def test_export_dialog_fits_80x24(snap_compare, clinic, protocol):
    async def run_before(pilot) -> None:
        await stable(pilot)  # home, as it opens
        record = clinic.load("ann")
        await pilot.app.push_screen(SummaryScreen(record, record.sessions[0]))
        pilot.app.export_folder = Path("/srv/clinic/exports")  # the folder offered: fixed, not the cwd
        await pilot.press("e")
        await stable(pilot)

    assert snap_compare(make_app(clinic, protocol), terminal_size=(80, 24), run_before=run_before)
