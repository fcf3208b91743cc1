"""What the terminal shows follows what is stored: wraps that follow the width, the cursor where an answer is
missing, nothing saved that was not changed."""

from __future__ import annotations

from backcoach.tui.widgets.checklist import CheckList
from tests.tui.clinic import FEB, add_session
from tests.tui.conftest import make_app
from tests.tui.terminal import Terminal
from tests.tui.test_snapshots import settle

TYPED = "Daughter can help at the stall; knows walking helped her before and wants to keep it going every day"


def text_as_shown(lines: list[str], start: str, columns: slice) -> str:
    """The text area's text as painted: from the line holding `start`, its lines joined up to the first blank."""
    cut = [line[columns].strip() for line in lines]
    first = next(i for i, line in enumerate(cut) if line.startswith(start))
    shown = []
    for line in cut[first:]:
        if not line:
            break
        shown.append(line)
    return " ".join(shown)


async def test_a_text_area_rewraps_when_its_width_changes(clinic, protocol):
    app = make_app(clinic, protocol, "bo")
    terminal = Terminal(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*TYPED)
        await settle(pilot)
        assert text_as_shown(terminal.lines(), "Daughter", slice(26, 100)) == TYPED
        await pilot.press("ctrl+g")  # the guidance pane takes the component list's place: the form narrows
        await settle(pilot)
        form_columns = slice(0, app.screen.query_one("#guidance").region.x)
        assert text_as_shown(terminal.lines(), "Daughter", form_columns) == TYPED
        await pilot.resize_terminal(84, 30)
        await settle(pilot)
        form_columns = slice(0, app.screen.query_one("#guidance").region.x)
        assert text_as_shown(terminal.lines(), "Daughter", form_columns) == TYPED


async def test_a_component_opens_on_its_first_field_without_an_answer(clinic, protocol):
    answers = {("delivery.sense_making", "concerns"): "Thinks his discs slip out"}
    add_session(clinic, protocol, "bo", FEB, answers, complete=False)
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.screen.goto("delivery.sense_making")
        await settle(pilot)
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
        await settle(pilot)
        area = app.screen.query_one("#forms").visible_content.query_one("TextArea")
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.press("space", "enter", "space")
        await settle(pilot)
        await pilot.press("ctrl+q")
    assert clinic.patient_path("bo").read_bytes() == before  # not even rewritten
    assert clinic.load("bo").open_session.answer("planning.goals", "values") == "Gardening"
    assert session.updated == clinic.load("bo").open_session.updated
