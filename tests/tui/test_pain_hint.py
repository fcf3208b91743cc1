"""The pain-focus hint under a goal follows the words as they are typed: it names what matched, and goes when the
goal becomes a valued activity (it never blocks saving)."""

from __future__ import annotations

from textual.widgets import Input, Static

from backcoach.tui.widgets.goals import GoalCard
from tests.tui.clinic import FEB, add_session
from tests.tui.conftest import make_app
from tests.tui.waiting import at_component, saved, stable


async def test_the_hint_follows_the_goal_as_it_is_typed(clinic, protocol):
    add_session(clinic, protocol, "bo", FEB, {}, complete=False)
    app = make_app(clinic, protocol, "bo")
    async with app.run_test(size=(100, 30)) as pilot:
        await at_component(pilot, "planning.goals")
        card = app.screen.query(GoalCard).first()
        hint = card.query_one(".pain-hint", Static)
        text = card.query(Input).first()
        text.focus()
        await pilot.press(*"Walk to work")
        await stable(pilot)
        assert not hint.display
        await pilot.press(*" without pain")  # mixed: the walk, with pain-absence as the criterion
        await stable(pilot)
        assert hint.display
        assert str(hint.render()).startswith('This goal is about pain: "without pain". Consider reframing')
        for _ in " without pain":
            await pilot.press("backspace")
        await pilot.press(*" even if it hurts")  # the pain accepted: a valued activity
        await stable(pilot)
        assert not hint.display
        await saved(pilot)
    goals = clinic.load("bo").open_session.answer("planning.goals", "goals")
    assert goals[0]["text"] == "Walk to work even if it hurts"
