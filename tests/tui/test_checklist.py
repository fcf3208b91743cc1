"""Checklists and choice lists whose items wrap: each tick sits on its own item's first line, whatever the width.

The warning-sign checklist of component 10 wraps at 80 and 100 columns; a tick drawn beside the wrong item tells
the clinician a sign was gone through when another was."""

from __future__ import annotations

import pytest

from backcoach.tui.widgets.checklist import CheckList, ChoiceList
from tests.tui.clinic import FEB, add_session
from tests.tui.conftest import make_app
from tests.tui.test_snapshots import at
from tests.tui.test_walkthrough import burst
from tests.tui.waiting import at_component, stable

WIDTHS = [pytest.param((80, 24), id="80x24"), pytest.param((100, 30), id="100x30")]
TICKED = {"selection-list--button-selected", "selection-list--button-selected-highlighted"}


def rows(checklist: CheckList) -> list[tuple[str, str]]:
    """Each drawn row of the list as (its box: "ticked", "box" or "" for none, the text after the gutter)."""
    gutter = checklist._get_left_gutter_width()
    colours = lambda style: (style.color, style.bgcolor)  # noqa: E731 (the drawn box also carries a click's meta)
    ticked = {colours(checklist.get_component_rich_style(name)) for name in TICKED}
    drawn = []
    for y in range(checklist.size.height):
        segments = list(checklist.render_line(y))
        text = "".join(s.text for s in segments)
        inner = segments[1]
        if inner.text == checklist.INNER and text[:gutter].strip():
            drawn.append(("ticked" if colours(inner.style) in ticked else "box", text[gutter:].rstrip()))
        else:
            assert not text[:gutter].strip(), f"a wrapped line carries a box: {text!r}"
            drawn.append(("", text[gutter:].rstrip()))
    return drawn


def items_as_drawn(checklist: CheckList) -> list[tuple[str, str]]:
    """(box, whole label) per item, rebuilt from the drawn rows: a row without a box continues the item above."""
    items: list[tuple[str, str]] = []
    for box, text in rows(checklist):
        if box:
            items.append((box, text))
        else:
            assert items, "the list starts with a wrapped line"
            items[-1] = (items[-1][0], f"{items[-1][1]} {text.strip()}")
    return items


def warning_sign_options(protocol):
    return protocol.options(protocol.component("evaluation.action_plan").field("red_flags_reviewed"))


def labels(checklist: CheckList) -> list[str]:
    return [str(checklist.get_option_at_index(i).prompt) for i in range(checklist.option_count)]


async def open_warning_signs(pilot) -> CheckList:
    screen = await at_component(pilot, "evaluation.action_plan")
    checklist = screen.query_one(CheckList)
    checklist.focus()
    await stable(pilot)
    return checklist


@pytest.mark.parametrize("size", WIDTHS)
async def test_ticks_sit_on_the_ticked_items_first_line(clinic, protocol, size):
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=size) as pilot:
        checklist = await open_warning_signs(pilot)
        await pilot.press("down", "space", "down", "down", "space")
        await stable(pilot)
        names = labels(checklist)
        assert any(text for box, text in rows(checklist) if not box), "nothing wraps at this width: no test"
        drawn = items_as_drawn(checklist)
        assert [text for _, text in drawn] == names  # every item has its box, its wrapped lines under it
        assert [text for box, text in drawn if box == "ticked"] == [names[1], names[3]]
        await pilot.press("ctrl+q")
    stored = clinic.load("bo").open_session.answer("evaluation.action_plan", "red_flags_reviewed")
    option_ids = [o.id for o in warning_sign_options(protocol)]
    assert stored == [option_ids[1], option_ids[3]]


@pytest.mark.parametrize("size", WIDTHS)
async def test_a_click_on_any_line_of_an_item_toggles_that_item(clinic, protocol, size):
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=size) as pilot:
        checklist = await open_warning_signs(pilot)
        drawn = rows(checklist)
        wrapped = next(y for y, (box, _) in enumerate(drawn) if not box)  # the second line of an item
        owner = sum(1 for box, _ in drawn[:wrapped] if box) - 1
        pilot.app.screen.query_one("#forms").visible_content.scroll_to_widget(checklist, top=True, animate=False)
        await stable(pilot)
        assert await pilot.click(checklist, offset=(8, wrapped))
        await stable(pilot)
        assert list(checklist.selected) == [checklist.get_option_at_index(owner).value]
        assert await pilot.click(checklist, offset=(1, wrapped))  # the indent beside it: the same item
        await stable(pilot)
        assert list(checklist.selected) == []


async def test_keys_typed_ahead_into_a_checklist_each_count(clinic, protocol):
    """Tab Space Down Space as one burst: Textual toggled whatever was highlighted when its message arrived."""
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        checklist = await open_warning_signs(pilot)
        app.screen.focus_previous()
        await stable(pilot)
        await burst(pilot, "\t \x1b[B ")
        await stable(pilot)
        assert list(checklist.selected) == [checklist.get_option_at_index(i).value for i in (0, 1)]
        await pilot.press("ctrl+q")
    stored = clinic.load("bo").open_session.answer("evaluation.action_plan", "red_flags_reviewed")
    assert len(stored) == 2


async def test_a_choice_list_keeps_one_choice_and_can_be_cleared(clinic, protocol):
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        await at_component(pilot, "planning.readiness")
        choices = app.screen.query_one(ChoiceList)
        choices.focus()
        await burst(pilot, " \x1b[B\x1b[B ")  # choose the first, then the third: one choice, the third
        await stable(pilot)
        assert choices.chosen == choices.get_option_at_index(2).value
        assert [box for box, _ in items_as_drawn(choices)].count("ticked") == 1
        await pilot.press("ctrl+q")
    session = clinic.load("bo").open_session
    assert session.answer("planning.readiness", "stage") == protocol.guidance.stages[2].id
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(80, 24)) as pilot:
        await at_component(pilot, "planning.readiness")
        choices = app.screen.query_one(ChoiceList)
        assert choices.chosen == protocol.guidance.stages[2].id
        choices.focus()
        choices.highlighted = 2
        await pilot.press("space")  # the chosen one again: no stage recorded
        await stable(pilot)
        assert choices.chosen is None
        await pilot.press("ctrl+q")
    assert clinic.load("bo").open_session.answer("planning.readiness", "stage") is None


def test_warning_signs_wrapped_at_80x24(snap_compare, follow_up_with_signs, protocol):
    assert snap_compare(make_app(follow_up_with_signs, protocol, "ann"), terminal_size=(80, 24), run_before=signs)


def test_warning_signs_wrapped_at_100x30(snap_compare, follow_up_with_signs, protocol):
    assert snap_compare(make_app(follow_up_with_signs, protocol, "ann"), terminal_size=(100, 30), run_before=signs)


@pytest.fixture
def follow_up_with_signs(clinic, protocol):
    """Ann's open follow-up with the second and fourth warning signs gone through."""
    option_ids = [o.id for o in warning_sign_options(protocol)]
    answers = {("evaluation.action_plan", "red_flags_reviewed"): [option_ids[1], option_ids[3]]}
    add_session(clinic, protocol, "ann", FEB, answers, complete=False)
    return clinic


async def signs(pilot) -> None:
    await at("evaluation.action_plan")(pilot)
    checklist = pilot.app.screen.query_one(CheckList)
    checklist.focus()
    checklist.highlighted = 4
    await stable(pilot)
