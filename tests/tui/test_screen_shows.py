"""What the terminal shows follows what is stored: wraps that follow the width, the cursor where an answer is
missing, nothing saved that was not changed."""

from __future__ import annotations

import pytest

from backcoach.tui.widgets.checklist import CheckList
from backcoach.tui.widgets.fields import LineArea
from backcoach.tui.widgets.goals import GoalCard
from backcoach.tui.widgets.ratings import RatingRow
from backcoach.tui.widgets.scale import ScaleInput
from tests.tui.clinic import FEB, add_session
from tests.tui.conftest import make_app
from tests.tui.terminal import Terminal
from tests.tui.waiting import at_component, stable

TYPED = "Daughter can help at the stall; knows walking helped her before and wants to keep it going every day"


def text_as_shown(lines: list[str], start: str, columns: slice, end: str = "") -> str:
    """The text area's text as painted: from the line holding `start`, its lines joined up to the first blank (or
    to the first line starting with `end`)."""
    cut = [line[columns].strip() for line in lines]
    first = next(i for i, line in enumerate(cut) if line.startswith(start))
    shown = []
    for line in cut[first:]:
        if not line or (end and line.startswith(end)):
            break
        shown.append(line)
    return " ".join(shown)


async def test_a_text_area_rewraps_when_its_width_changes(clinic, protocol):
    app = make_app(clinic, protocol, "bo")
    terminal = Terminal(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await stable(pilot)
        await pilot.press(*TYPED)
        await stable(pilot)
        assert text_as_shown(await terminal.settled(pilot), "Daughter", slice(26, 100)) == TYPED
        await pilot.press("ctrl+g")  # the guidance pane takes the component list's place: the form narrows
        await stable(pilot)
        form_columns = slice(0, app.screen.query_one("#guidance").region.x)
        assert text_as_shown(await terminal.settled(pilot), "Daughter", form_columns) == TYPED
        await pilot.resize_terminal(84, 30)
        await stable(pilot)
        form_columns = slice(0, app.screen.query_one("#guidance").region.x)
        assert text_as_shown(await terminal.settled(pilot), "Daughter", form_columns) == TYPED


async def test_a_component_opens_on_its_first_field_without_an_answer(clinic, protocol):
    answers = {("delivery.sense_making", "concerns"): "Thinks his discs slip out"}
    add_session(clinic, protocol, "bo", FEB, answers, complete=False)
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        await at_component(pilot, "delivery.sense_making")
        assert isinstance(app.focused, CheckList)  # key messages, not the concerns already written
        assert app.focused.region.height > 0 and app.screen.region.contains_region(app.focused.region)
        await pilot.press("space", "ctrl+q")
    session = clinic.load("bo").open_session
    assert session.answer("delivery.sense_making", "concerns") == "Thinks his discs slip out"
    assert session.answer("delivery.sense_making", "key_messages") == [protocol.guidance.key_messages[0].id]


async def test_a_trailing_space_is_no_change(clinic, protocol):
    answers = {("planning.goals", "values"): "Gardening"}
    session = add_session(clinic, protocol, "bo", FEB, answers, complete=False)
    before = clinic.patient_path("bo").read_bytes()
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        await stable(pilot)
        area = app.screen.query_one("#forms").visible_content.query_one("TextArea")
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.press("space", "enter", "space")
        await stable(pilot)
        await pilot.press("ctrl+q")
    assert clinic.patient_path("bo").read_bytes() == before  # not even rewritten
    assert clinic.load("bo").open_session.answer("planning.goals", "values") == "Gardening"
    assert session.updated == clinic.load("bo").open_session.updated


LONG_FEAR = "Bending down to lift my granddaughter out of her cot in the morning"


async def test_a_feared_activity_is_shown_whole_focused_or_not(clinic, protocol):
    fears = [{"id": "f1", "item": LONG_FEAR, "rating": 7}, {"id": "f2", "item": "Carrying water", "rating": None}]
    add_session(clinic, protocol, "bo", FEB, {("delivery.successful_experiences", "feared_activities"): fears}, False)
    app = make_app(clinic, protocol, "bo")
    terminal = Terminal(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await at_component(pilot, "delivery.successful_experiences")
        rows = app.screen.query(RatingRow)
        rows.first().query_one(LineArea).focus()
        await stable(pilot)
        columns = slice(rows.first().region.x, rows.first().region.right)
        shown = await terminal.settled(pilot)
        assert text_as_shown(shown, "Bending", columns, end="0 ") == LONG_FEAR, "\n".join(shown)
        rows.last().query_one(LineArea).focus()  # the cursor leaves it: still whole, from its start
        await stable(pilot)
        assert text_as_shown(await terminal.settled(pilot), "Bending", columns, end="0 ") == LONG_FEAR
        await pilot.press("end", "enter")  # Enter in an activity's name moves on to its rating: no line break
        await stable(pilot)
        assert isinstance(app.focused, ScaleInput)
        await pilot.press("ctrl+q")
    stored = clinic.load("bo").open_session.answer("delivery.successful_experiences", "feared_activities")
    assert [f["item"] for f in stored] == [LONG_FEAR, "Carrying water"]


async def test_a_removed_goal_comes_back_with_ctrl_z(clinic, protocol):
    goals = [
        {"id": "g1", "text": "Walk to the market", "parts": {"measurable": "Three times a week"}},
        {"id": "g2", "text": "Garden on Saturdays", "parts": {"specific": "Weeding", "time_bound": "By June"}},
        {"id": "g3", "text": "Dance at the wedding", "parts": {}},
    ]
    add_session(clinic, protocol, "bo", FEB, {("planning.goals", "goals"): goals}, complete=False)
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(100, 30)) as pilot:
        await at_component(pilot, "planning.goals")
        second = app.screen.query(GoalCard)[1]
        second.query_one("Button.remove").press()
        await stable(pilot)
        undo = app.screen.query_one("#undo")
        assert str(undo.render()) == "ctrl+z brings back the removed goal “Garden on Saturdays”"
        assert [c.value["text"] for c in app.screen.query(GoalCard)] == ["Walk to the market", "Dance at the wedding"]
        app.screen.autosaver.flush()
        stored = clinic.load("bo").open_session.answer("planning.goals", "goals")
        assert [g["text"] for g in stored] == ["Walk to the market", "Dance at the wedding"]
        await pilot.press("ctrl+z")
        await stable(pilot)
        cards = list(app.screen.query(GoalCard))
        assert [c.value for c in cards] == goals  # back in its place, every part with it
        assert [str(c.query_one(".card-title").render()) for c in cards] == ["Goal 1", "Goal 2", "Goal 3"]
        assert str(undo.render()) == ""
        await pilot.press("ctrl+q")
    assert clinic.load("bo").open_session.answer("planning.goals", "goals") == goals


@pytest.fixture
def follow_up_fears(clinic, protocol):
    """Ann's open follow-up: her feared activities start from last time's ratings (8 and 6)."""
    add_session(clinic, protocol, "ann", FEB, {}, complete=False)
    return clinic


async def test_a_removed_activity_comes_back_with_ctrl_z_with_last_times_rating(follow_up_fears, protocol):
    app = make_app(follow_up_fears, protocol, "ann")
    async with app.run_test(size=(80, 24)) as pilot:
        await at_component(pilot, "delivery.successful_experiences")
        first = app.screen.query(RatingRow).first()
        first.query_one("Button.remove").press()
        await stable(pilot)
        assert [r.value["item"] for r in app.screen.query(RatingRow)] == ["Bending to the floor"]
        await pilot.press("ctrl+z")
        await stable(pilot)
        rows = list(app.screen.query(RatingRow))
        assert [r.value["item"] for r in rows] == ["Lifting a shopping bag", "Bending to the floor"]
        assert str(rows[0].query_one(".was").render()) == "was 8"
        await pilot.press("ctrl+z")  # nothing more to bring back: nothing happens
        await stable(pilot)
        assert len(app.screen.query(RatingRow)) == 2
        await pilot.press("ctrl+q")
