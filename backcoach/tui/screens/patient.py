"""One patient: their sessions; start (initial or follow-up) or resume a consultation, view completed ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, DataTable, Static

from backcoach.model import PatientRecord, Session
from backcoach.tui.display import day, literal
from backcoach.tui.screens.base import AppScreen
from backcoach.tui.widgets.exported import ExportedLine
from backcoach.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from backcoach.tui.screens.consult import Command


class PatientScreen(AppScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the patient list", id="patient.back"),
        Binding("s", "start", "Start/resume", tooltip="Resume the open session or start one", id="patient.start"),
        Binding("enter", "view", "Open session", tooltip="Open the highlighted session", id="patient.view"),
        Binding(
            "e",
            "export",
            "Export…",
            tooltip="Save a completed session's handout or summary, or the record, to a file: the highlighted session, "
            "or the latest completed one",
            id="patient.export",
        ),
    ]

    def __init__(self, patient_id: str):
        super().__init__()
        self.patient_id = patient_id
        self.record: PatientRecord | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        yield Button("", id="start", variant="primary")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield ExportedLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Date", "Kind", "Status", "Covered")
        self.reload()
        self.query_one(DataTable).focus()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        self.reload()

    def reload(self) -> None:
        """Show the record as stored; the cursor stays on the session it was on."""
        current = self.highlighted()
        record = self.record = self.backcoach.home.load(self.patient_id)
        p = record.patient
        self.query_one("#topbar", Static).update(literal(f"{p.name} ({p.id}) · born {p.born or '—'}"))
        if record.open_session:
            label = f"Resume the open {record.open_session.kind} session (s)"
        else:
            label = f"Start {'a follow-up' if record.sessions else 'the initial'} consultation (s)"
        self.query_one("#start", Button).label = label
        table = self.query_one(DataTable)
        table.clear()
        total = len(self.backcoach.protocol.components)
        for s in reversed(record.sessions):
            covered = f"{len(s.covered(self.backcoach.protocol))}/{total}"
            table.add_row(day(s.started), s.kind, s.status, covered, key=s.id)
        if current is not None and any(s.id == current.id for s in record.sessions):
            table.move_cursor(row=table.get_row_index(current.id))

    def on_button_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        self.backcoach.open_consultation(self.patient_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_session(event.row_key.value)

    def action_view(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self.open_session(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def open_session(self, session_id: str | None) -> None:
        if self.record is None or session_id is None:  # a row's key is its session's id; the record is loaded
            return
        session = self.record.session(session_id)
        if session.is_open:
            self.backcoach.open_consultation(self.patient_id)
        else:
            self.backcoach.view_session(self.record, session)

    # --- export -----------------------------------------------------------------------------------------------
    def highlighted(self) -> Session | None:
        table = self.query_one(DataTable)
        if self.record is None or not table.row_count:
            return None
        session_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.record.session(session_id) if session_id is not None else None

    def to_export(self) -> Session | None:
        """The highlighted session when it is completed (an open one can still change), else the latest completed."""
        session = self.highlighted()
        if session is not None and not session.is_open:
            return session
        completed = [s for s in self.record.sessions if not s.is_open] if self.record else []
        return max(completed, key=lambda s: s.started) if completed else None

    def action_export(self) -> None:
        session = self.to_export()
        if session is None or self.record is None:  # a session to export comes from the record
            self.notify("Nothing to export yet: a session can be exported once it is completed.", markup=False)
            return
        if session is not self.highlighted():
            self.notify(f"Exporting the latest completed session, of {day(session.started)}.", markup=False)
        from backcoach.tui.dialogs.export import offer_export

        offer_export(self, self.record, session, self.query_one(ExportedLine).show)

    def palette_commands(self) -> list[Command]:
        return [
            (
                "Export…",
                "Save a completed session's handout or summary (the highlighted or the latest), or the record",
                self.action_export,
            )
        ]

    def action_back(self) -> None:
        self.backcoach.go_home()
