"""Follow-up evaluation of earlier goals: attainment (with the pack's prompt for partly / not at all), then keep,
adjust (the new wording is kept, the history too) or close."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, RadioButton, RadioSet, Static

from backcoach.model import GoalState
from backcoach.protocol import Field, Option
from backcoach.tui.display import day, literal
from backcoach.tui.widgets.fields import AnswerField
from backcoach.tui.widgets.goals import line_input
from backcoach.tui.widgets.keys import OwnKeys


class ChoiceRow(OwnKeys, RadioSet):
    """A row of short choices (attainment, decision): one line each, so RadioSet draws them right."""


def radio_set(options: tuple[Option, ...], chosen: str | None) -> RadioSet:
    return ChoiceRow(*(RadioButton(literal(o.label), o.id == chosen, name=o.id) for o in options))


class ReviewCard(Vertical):
    def __init__(self, spec: Field, state: GoalState, review: dict[str, Any] | None):
        super().__init__(classes="card review-card")
        self.spec, self.state = spec, state
        review = review or {}
        self.attainment = radio_set(spec.attainment, review.get("attainment")).add_class("attainment")
        self.prompt = Static(classes="prompt")
        self.note = line_input(review.get("note", ""), "Note", "note")  # always there: Tab lands in it
        self.decision = radio_set(spec.decisions, review.get("decision")).add_class("decision")
        self.revised = line_input((review.get("revised") or {}).get("text") or state.goal["text"], "", "revised")
        self.show_parts(review.get("attainment"), review.get("decision"))

    def compose(self) -> ComposeResult:
        yield Static(literal(self.state.goal["text"] or "—", "bold"), classes="card-title")
        yield Static(literal(self.history()), classes="field-help")
        yield from (self.attainment, self.prompt, self.note, self.decision, self.revised)

    def history(self) -> str:
        labels = {o.id: o.label for o in self.spec.attainment}
        steps = [f"set {day(self.state.set_on)}"]
        steps += [f"{labels.get(e.attainment or '', '—')} {day(e.date)}" for e in self.state.history]
        return " · ".join(steps)

    @staticmethod
    def choice(options: RadioSet) -> str | None:
        pressed = options.pressed_button
        return pressed.name if pressed else None

    def show_parts(self, attainment_id: str | None, decision_id: str | None) -> None:
        """The note is asked with the prompt of the chosen attainment; the new wording shows when adjusting."""
        attainment = next((o for o in self.spec.attainment if o.id == attainment_id), None)
        prompt = attainment.prompt if attainment else ""
        self.prompt.update(literal(prompt))
        self.prompt.display = bool(prompt)
        self.revised.display = decision_id == "adjust"

    @property
    def value(self) -> dict[str, Any]:
        goal = self.state.goal
        decision = self.choice(self.decision)
        revised = {"id": goal["id"], "text": self.revised.value, "parts": goal.get("parts", {})}
        return {
            "goal_id": goal["id"],
            "attainment": self.choice(self.attainment),
            "note": self.note.value,
            "decision": decision,
            "revised": revised if decision == "adjust" else None,
        }

    def on_radio_set_changed(self) -> None:
        self.show_parts(self.choice(self.attainment), self.choice(self.decision))


class GoalReviewField(AnswerField):
    def compose_input(self) -> ComposeResult:
        states = self.consultation.earlier_goals()
        if not states:
            yield Static(literal("No goals from earlier sessions to evaluate."), classes="hint")
        reviews = {r["goal_id"]: r for r in self.initial or []}
        for state in states:
            yield ReviewCard(self.spec, state, reviews.get(state.id))

    @property
    def value(self) -> list[dict[str, Any]]:
        reviews = [card.value for card in self.query(ReviewCard)]
        return [r for r in reviews if r["attainment"] or r["decision"] or r["note"].strip()]

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.changed()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.changed()
