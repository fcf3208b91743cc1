"""Keys typed or pasted faster than the screen, across Tab, each land where they were typed: in every kind of field.

Textual looks up a widget's key bindings from wherever focus is when the widget handles the key; a Tab queued
behind "Space" moved focus first and the Space was lost (backcoach.tui.widgets.keys)."""

from __future__ import annotations

from tests.tui.clinic import FEB, add_session
from tests.tui.conftest import make_app
from tests.tui.test_walkthrough import burst
from tests.tui.waiting import at_component, stable

RIGHT = "\x1b[C"


async def typed_ahead(home, protocol, pid: str, component: str, keys: str):
    """Open `component`, type `keys` as one burst from its first field, save and quit: the session as stored."""
    app = make_app(home, protocol, pid)
    async with app.run_test(size=(100, 30)) as pilot:
        await at_component(pilot, component)
        await burst(pilot, keys)
        await stable(pilot)
        await pilot.press("ctrl+q")
    return home.load(pid).open_session


async def test_a_choice_then_tab_then_text(clinic, protocol):
    session = await typed_ahead(clinic, protocol, "bo", "planning.readiness", f"{RIGHT}\x1b[B \tfamily")
    assert session.answer("planning.readiness", "stage") == protocol.guidance.stages[1].id
    assert session.answer("planning.readiness", "resources") == "family"


async def test_ticks_then_tab_then_text(clinic, protocol):
    first, second = (
        o.id for o in protocol.options(protocol.component("delivery.sense_making").field("key_messages"))[:2]
    )
    answers = {("delivery.sense_making", "concerns"): "Discs slip"}
    add_session(clinic, protocol, "bo", FEB, answers, complete=False)
    session = await typed_ahead(clinic, protocol, "bo", "delivery.sense_making", " \x1b[B \tthe GP")
    assert session.answer("delivery.sense_making", "key_messages") == [first, second]
    assert session.answer("delivery.sense_making", "sources") == "the GP"


async def test_a_scale_then_tab_then_text(clinic, protocol):
    answers = {
        ("planning.readiness", "stage"): protocol.guidance.stages[0].id,
        ("planning.readiness", "resources"): "r",
        ("planning.readiness", "barriers"): "b",
        ("planning.readiness", "maintenance"): "m",
    }
    add_session(clinic, protocol, "bo", FEB, answers, complete=False)
    scale = protocol.component("planning.readiness").field("confidence")
    session = await typed_ahead(clinic, protocol, "bo", "planning.readiness", f"5{RIGHT}{RIGHT}\t")
    assert session.answer("planning.readiness", "confidence") == min(scale.max, 7)


async def test_a_goal_review_then_tab_then_a_note(clinic, protocol):
    add_session(clinic, protocol, "ann", FEB, {}, complete=False)
    session = await typed_ahead(clinic, protocol, "ann", "evaluation.goal_review", f"{RIGHT} \tWalked twice")
    (first, *_) = session.answer("evaluation.goal_review", "review")
    spec = protocol.component("evaluation.goal_review").field("review")
    assert first["attainment"] == spec.attainment[1].id and first["note"] == "Walked twice"  # focus is on the first


async def test_an_activity_then_tab_then_its_rating(clinic, protocol):
    session = await typed_ahead(clinic, protocol, "bo", "delivery.successful_experiences", "Lifting\t7\tslowly")
    assert session.answer("delivery.successful_experiences", "feared_activities")[0]["item"] == "Lifting"
    assert session.answer("delivery.successful_experiences", "feared_activities")[0]["rating"] == 7


async def test_text_then_tab_then_a_goal_then_tab_then_its_first_smart_part(clinic, protocol):
    session = await typed_ahead(clinic, protocol, "bo", "planning.goals", "Swimming\tSwim twice a week\tAt the pool")
    assert session.answer("planning.goals", "values") == "Swimming"
    (goal,) = session.answer("planning.goals", "goals")
    assert goal["text"] == "Swim twice a week"
    assert goal["parts"] == {protocol.guidance.smart_parts[0].id: "At the pool"}
