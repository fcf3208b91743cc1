"""Answer widgets, one class per field type of the pack. Each shows its label and help, and posts
`AnswerField.Changed` with the field's whole new value (in the shape `model.normalise_answer` documents)."""

from __future__ import annotations

from typing import Any, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from backcoach.consultation import Consultation
from backcoach.protocol import Component, Field, Option
from backcoach.tui.display import literal
from backcoach.tui.widgets.checklist import CheckList, ChoiceList
from backcoach.tui.widgets.scale import ScaleInput
from backcoach.tui.widgets.textarea import LineArea, WrappingTextArea

UNARMED = object()  # before the field has shown its first value


class AnswerField(Vertical):
    """Base of the answer widgets: label, help, then the input widgets of `compose_input`."""

    class Changed(Message):
        def __init__(self, answer: AnswerField, value: Any):
            super().__init__()
            self.answer, self.value = answer, value

        @property
        def control(self) -> AnswerField:
            return self.answer

    def __init__(self, consultation: Consultation, component: Component, spec: Field):
        super().__init__(classes=f"field field-{spec.type.replace('_', '-')}")
        self.consultation, self.component, self.spec = consultation, component, spec
        self.protocol = consultation.protocol
        self.initial = consultation.session.answer(component.id, spec.id)
        self._shown: Any = UNARMED

    def compose(self) -> ComposeResult:
        yield Static(literal(self.spec.label), classes="field-label")
        if self.spec.help:
            yield Static(literal(self.spec.help), classes="field-help")
        yield from self.compose_input()

    def compose_input(self) -> ComposeResult:
        raise NotImplementedError

    @property
    def value(self) -> Any:
        raise NotImplementedError

    def on_mount(self) -> None:
        # what the widgets show now, armed at once so a key typed straight away counts; the inputs announce their
        # initial values too, and those are no change from it
        self.arm()

    def arm(self) -> None:
        self._shown = self.value

    def changed(self) -> None:
        """Post the new value if it differs from what was shown (a prefilled value is not an answer yet)."""
        value = self.value
        if self._shown is not UNARMED and value != self._shown:
            self._shown = value
            self.post_message(self.Changed(self, value))

    def focus_first(self) -> bool:
        """Put the cursor in this field's first input (the focus contract of the consultation screen)."""
        target = first_focusable(self)
        if target is None:
            return False
        target.focus(scroll_visible=False)  # the form decides what to show (see ComponentForm.focus_first)
        return True


def first_focusable(parent: Widget) -> Widget | None:
    return next((w for w in parent.query("*") if w.focusable), None)


Blinking = TypeVar("Blinking", bound=Input | TextArea)


def steady(widget: Blinking) -> Blinking:
    """No blinking cursor: calmer on slow terminals and remote links, and screenshots are stable."""
    widget.cursor_blink = False
    return widget


def line_area(value: str, placeholder: str, name: str) -> LineArea:
    area = LineArea(
        value, soft_wrap=True, tab_behavior="focus", compact=True, placeholder=Content(placeholder), name=name
    )
    area.tooltip = Content(placeholder) if placeholder else None  # pack text: never read as markup
    return steady(area)


class TextField(AnswerField):
    def compose_input(self) -> ComposeResult:
        area = WrappingTextArea(
            self.initial or "", soft_wrap=True, show_line_numbers=False, tab_behavior="focus", compact=True
        )
        yield steady(area)

    @property
    def value(self) -> str:
        return self.query_one(TextArea).text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.changed()


class ChoiceField(AnswerField):
    def options(self) -> tuple[Option, ...]:
        return self.protocol.options(self.spec)

    def compose_input(self) -> ComposeResult:
        yield ChoiceList(*(Selection(literal(o.label), o.id, o.id == self.initial) for o in self.options()))

    @property
    def value(self) -> str | None:
        return self.query_one(ChoiceList).chosen

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self.changed()


class StageField(ChoiceField):
    """Stage of change: picking a stage shows what it means and how to address it."""

    def options(self) -> tuple[Option, ...]:
        return tuple(Option(s.id, s.label) for s in self.protocol.guidance.stages)

    def compose_input(self) -> ComposeResult:
        yield from super().compose_input()
        yield self.show_address(Static(classes="stage-address"), self.initial)

    def show_address(self, note: Static, stage_id: str | None) -> Static:
        if stage_id is not None:
            stage = self.protocol.guidance.stage(stage_id)
            note.update(literal(stage.description, "italic") + "\n" + literal(stage.address))
        note.display = stage_id is not None
        return note

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        super().on_selection_list_selected_changed(event)
        self.show_address(self.query_one(".stage-address", Static), self.value)


class MultiField(AnswerField):
    def compose_input(self) -> ComposeResult:
        chosen = self.initial or []
        yield CheckList(*(Selection(literal(o.label), o.id, o.id in chosen) for o in self.protocol.options(self.spec)))

    @property
    def value(self) -> list[str]:
        return list(self.query_one(CheckList).selected)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self.changed()


class ScaleField(AnswerField):
    def compose_input(self) -> ComposeResult:
        yield ScaleInput(self.spec.min, self.spec.max, self.initial)
        ends = f"{self.spec.min} = {self.spec.min_label}   {self.spec.max} = {self.spec.max_label}"
        if self.spec.min_label or self.spec.max_label:
            yield Static(literal(ends), classes="field-help")

    @property
    def value(self) -> int | None:
        return self.query_one(ScaleInput).value

    def on_scale_input_changed(self, event: ScaleInput.Changed) -> None:
        event.stop()
        self.changed()
