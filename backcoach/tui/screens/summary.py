"""What a session captured (the shared clinician summary), export of the handout and the record, the way home."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from backcoach.model import PatientRecord, Session
from backcoach.summary import clinician_renderable
from backcoach.tui.screens.base import AppScreen
from backcoach.tui.widgets.exported import ExportedLine
from backcoach.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from backcoach.tui.screens.consult import Command


class SummaryScreen(AppScreen):
    BINDINGS = [
        Binding("escape,h", "home", "Home", tooltip="Back to the patient list", id="summary.home"),
        Binding(
            "e",
            "export",
            "Export…",
            tooltip="Save the handout, the summary or the record to a file",
            id="summary.export",
        ),
    ]

    def __init__(self, record: PatientRecord, session: Session):
        super().__init__()
        self.record, self.session = record, session

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary"):
            yield Static(clinician_renderable(self.record, self.session, self.backcoach.protocol))
        yield ExportedLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#summary").focus()

    def action_home(self) -> None:
        self.backcoach.go_home()

    def action_export(self) -> None:
        from backcoach.tui.dialogs.export import offer_export

        offer_export(self, self.record, self.session, self.query_one(ExportedLine).show)

    def palette_commands(self) -> list[Command]:
        return [("Export…", "Save the patient handout, the clinician summary or the whole record", self.action_export)]
