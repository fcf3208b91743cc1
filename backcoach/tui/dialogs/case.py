"""The case card a practice attempt opens with: who the simulated patient is, the background and the opening."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from backcoach.practice.cases import Case
from backcoach.tui.display import literal

HOW_TO = (
    "Ask the patient a How? bullet with enter or a click (ctrl+o asks the next one), "
    "record what you learn in the answer fields, and finish with ctrl+f to see your feedback. "
    "Time is measured per phase from when you start."
)


class CaseDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "start", "Start", tooltip="Close the case card and start", id="case.start")]

    def __init__(self, case: Case, note: str = ""):
        super().__init__()
        self.case, self.note = case, note  # note: how far an attempt that is carried on has got

    def compose(self) -> ComposeResult:
        case, patient = self.case, self.case.patient
        kind = "follow-up" if case.follow_up else "first visit"
        with Vertical(classes="dialog"):
            yield Static(literal(f"Practice: {case.title}"), classes="title")
            with VerticalScroll(classes="case"):
                if self.note:  # first: the case below is read again, this says what is new
                    yield Static(literal(self.note, "bold"), classes="note")
                yield Static(literal(f"{patient.name}, {patient.age} · {kind}", "bold"))
                yield Static(literal(patient.background), classes="background")
                yield Static(literal(f"{patient.name}: ", "bold") + literal(patient.opening), classes="opening")
                yield Static(literal(HOW_TO), classes="how-to")
            with Horizontal(classes="buttons"):
                yield Button("Carry on" if self.note else "Start", variant="primary", id="start")

    def on_mount(self) -> None:
        self.query_one("#start", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_start(self) -> None:
        self.dismiss(None)
