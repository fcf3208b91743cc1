"""One component of Table 1 as a form: its title, "How?" as the clinician's questions, "Why?" (shown on the
toggle key), then one answer widget per field."""

from __future__ import annotations

from typing import assert_never

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from backcoach.consultation import Consultation
from backcoach.protocol import Component, FieldType
from backcoach.tui.display import literal
from backcoach.tui.widgets.fields import AnswerField, ChoiceField, MultiField, ScaleField, StageField, TextField
from backcoach.tui.widgets.goals import GoalListField
from backcoach.tui.widgets.ratings import RatingListField
from backcoach.tui.widgets.review import GoalReviewField


def field_widget(field_type: FieldType) -> type[AnswerField]:
    """The answer widget for a field of this type."""
    match field_type:
        case "text":
            return TextField
        case "choice":
            return ChoiceField
        case "multi":
            return MultiField
        case "scale":
            return ScaleField
        case "stage":
            return StageField
        case "goal_list":
            return GoalListField
        case "rating_list":
            return RatingListField
        case "goal_review":
            return GoalReviewField
        case _:
            assert_never(field_type)


def form_id(component_id: str) -> str:
    return "form-" + component_id.replace(".", "-")


def bullets(lines: tuple[str, ...]) -> str:
    return "\n".join(f"• {line}" for line in lines)


class ComponentForm(VerticalScroll):
    def __init__(self, consultation: Consultation, component: Component):
        super().__init__(id=form_id(component.id), classes="form")
        self.consultation, self.component = consultation, component

    def compose(self) -> ComposeResult:
        comp = self.component
        yield Static(literal(f"{comp.number}. {comp.title}"), classes="form-title")
        yield from self.compose_how()
        yield Static(literal("Why?", "bold") + "\n" + literal(bullets(comp.why)), classes="why")
        for spec in comp.fields:
            yield field_widget(spec.type)(self.consultation, comp, spec)

    def compose_how(self) -> ComposeResult:
        """The How? bullets: what the clinician asks (practice mode makes them askable)."""
        comp = self.component
        yield Static(literal("How?", "bold") + "\n" + literal(bullets(comp.how)), classes="how")

    def focus_first(self) -> None:
        """Focus the first field with no answer yet, else the first; one that takes input (a goal review with no
        goals takes none). A key typed then goes where an answer is missing, never onto one already given."""
        self.scroll_home(animate=False, immediate=True)  # title and "How?" first: what to ask
        given = self.consultation.session.answers.get(self.component.id, {})
        fields = list(self.query(AnswerField))
        unanswered = [answer for answer in fields if answer.spec.id not in given]
        focused = next((answer for answer in unanswered + fields if answer.focus_first()), None)
        if focused is None:
            self.focus()
        elif focused is not fields[0]:  # further down: show it, as the cursor is there
            self.call_after_refresh(self.scroll_to_widget, focused, animate=False, top=False)
