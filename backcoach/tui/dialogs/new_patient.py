"""The new-patient form: name (required), own id and year of birth (optional). The store checks the values;
its one-line error is shown in the dialog. Dismisses with the new patient's id, or None when cancelled."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from backcoach.errors import BackcoachError
from backcoach.store import Home
from backcoach.tui.display import literal
from backcoach.tui.widgets.fields import steady


class NewPatientDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without adding a patient", id="dialog.cancel")]

    def __init__(self, home: Home):
        super().__init__()
        self.home = home

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("New patient", classes="title")
            yield steady(Input(placeholder="Name (required)", id="name"))
            yield steady(Input(placeholder="Own id (optional: letters, digits, - and _)", id="pid"))
            yield steady(Input(placeholder="Year of birth (optional)", id="born", type="integer", max_length=4))
            yield Static(id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Add", variant="primary", id="add")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self) -> None:
        self.add()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "add":
            self.add()
        else:
            self.dismiss(None)

    def add(self) -> None:
        name = self.query_one("#name", Input).value
        pid = self.query_one("#pid", Input).value.strip() or None
        born = self.query_one("#born", Input).value.strip()
        try:
            patient = self.home.add_patient(name, patient_id=pid, born=int(born) if born else None)
        except BackcoachError as exc:
            self.query_one("#error", Static).update(literal(str(exc)))
            return
        self.dismiss(patient.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
