"""Follow-up evaluation of earlier goals: attainment (with the pack's prompt for partly / not at all), then keep,
adjust (the new wording is kept, the history too) or close."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, RadioSet, Static

from backcoach.model import GoalState
from backcoach.protocol import Field
from backcoach.tui.display import day, literal
from backcoach.tui.widgets.fields import AnswerField, named, radio_set
from backcoach.tui.widgets.goals import line_input


class ReviewCard(Vertical):
    def __init__(self, spec: Field, state: GoalState, review: dict[str, Any] | None):
        super().__init__(classes="card review-card")
        self.spec, self.state, self.review = spec, state, review or {}

    def compose(self) -> ComposeResult:
        yield Static(literal(self.state.goal["text"] or "—", "bold"), classes="card-title")
        yield Static(literal(self.history()), classes="field-help")
        yield radio_set(self.spec.attainment, self.review.get("attainment")).add_class("attainment")
        yield Static(classes="prompt")
        yield line_input(self.review.get("note", ""), "", "note")
        yield radio_set(self.spec.decisions, self.review.get("decision")).add_class("decision")
        revised = (self.review.get("revised") or {}).get("text") or self.state.goal["text"]
        yield line_input(revised, "", "revised")

    def history(self) -> str:
        labels = {o.id: o.label for o in self.spec.attainment}
        steps = [f"set {day(self.state.set_on)}"]
        steps += [f"{labels.get(e.attainment or '', '—')} {day(e.date)}" for e in self.state.history]
        return " · ".join(steps)

    def on_mount(self) -> None:
        self.show_parts()

    def choice(self, kind: str) -> str | None:
        pressed = self.query_one(f"RadioSet.{kind}", RadioSet).pressed_button
        return pressed.name if pressed else None

    def show_parts(self) -> None:
        """The note appears with the prompt of the chosen attainment; the new wording when adjusting."""
        attainment = next((o for o in self.spec.attainment if o.id == self.choice("attainment")), None)
        prompt = attainment.prompt if attainment else ""
        self.query_one(".prompt", Static).update(literal(prompt))
        note = named(self, "note")
        self.query_one(".prompt").display = note.display = bool(prompt) or bool(note.value)
        named(self, "revised").display = self.choice("decision") == "adjust"

    @property
    def value(self) -> dict[str, Any]:
        goal = self.state.goal
        revised = named(self, "revised").value
        decision = self.choice("decision")
        return {
            "goal_id": goal["id"],
            "attainment": self.choice("attainment"),
            "note": named(self, "note").value,
            "decision": decision,
            "revised": {"id": goal["id"], "text": revised, "parts": goal.get("parts", {})}
            if decision == "adjust"
            else None,
        }

    def on_radio_set_changed(self) -> None:
        self.show_parts()


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
