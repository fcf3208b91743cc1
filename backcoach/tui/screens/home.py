"""Home: the patient list with filter-as-you-type; add, archive and open patients."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from backcoach.errors import BackcoachError
from backcoach.store import IndexEntry
from backcoach.tui.dialogs.confirm import ConfirmDialog
from backcoach.tui.dialogs.new_patient import NewPatientDialog
from backcoach.tui.display import literal
from backcoach.tui.screens.base import AppScreen
from backcoach.tui.widgets.fields import steady
from backcoach.tui.widgets.footer import KeyFooter


def status(entry: IndexEntry) -> str:
    if entry.damaged:
        return "damaged: run backcoach db check"
    return "session open" if entry.open_session else ""


class HomeScreen(AppScreen):
    BINDINGS = [
        Binding("ctrl+n", "new_patient", "New patient", tooltip="Add a patient", priority=True, id="home.new"),
        Binding("enter", "open", "Open", tooltip="Open the highlighted patient", id="home.open"),
        Binding(
            "ctrl+r",
            "archive",
            "Archive",
            tooltip="Archive the highlighted patient (nothing is deleted)",
            priority=True,
            id="home.archive",
        ),
        Binding("down", "move(1)", "Down", show=False, tooltip="The next patient", id="home.down"),
        Binding("up", "move(-1)", "Up", show=False, tooltip="The patient before", id="home.up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[IndexEntry] = []

    def compose(self) -> ComposeResult:
        yield Static(literal(self.backcoach.protocol.title), id="topbar")
        yield steady(Input(placeholder="Type to filter patients by name or id", id="filter"))
        yield DataTable(id="patients", cursor_type="row", zebra_stripes=True)
        yield Static(id="count")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Id", "Born", "Sessions", "Last seen", "Status")
        self.reload()
        self.query_one("#filter", Input).focus()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        self.reload()

    def reload(self, select: str | None = None) -> None:
        self.entries = [e for e in self.backcoach.home.index() if not e.archived]
        self.show(select)

    def show(self, select: str | None = None) -> None:
        words = self.query_one("#filter", Input).value.casefold().split()
        table = self.query_one(DataTable)
        table.clear()
        shown = 0
        for e in sorted(self.entries, key=lambda e: (e.name.casefold(), e.id)):
            haystack = f"{e.name} {e.id}".casefold()
            if all(w in haystack for w in words):
                # a str cell is markup: what came from a file (or the index) goes in as Text
                last = Text(e.last_session[:10]) if e.last_session else "—"
                row = (Text(e.name), Text(e.id), str(e.born or "—"), str(e.sessions), last, status(e))
                table.add_row(*row, key=e.id)
                shown += 1
        if select is not None and select in table.rows:
            table.move_cursor(row=table.get_row_index(select))
        total = len(self.entries)
        self.query_one("#count", Static).update(
            f"{shown} of {total} patients" if words else f"{total} patients" if total else "No patients yet: ctrl+n"
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show()

    def on_input_submitted(self) -> None:
        self.action_open()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.backcoach.open_patient(event.row_key.value)

    def highlighted(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=table.cursor_row + delta)

    def action_open(self) -> None:
        pid = self.highlighted()
        if pid is not None:
            self.backcoach.open_patient(pid)

    def action_new_patient(self) -> None:
        def added(pid: str | None) -> None:
            if pid is not None:
                self.reload(select=pid)
                self.backcoach.open_patient(pid)

        self.app.push_screen(NewPatientDialog(self.backcoach.home), added)

    def action_archive(self) -> None:
        pid = self.highlighted()
        if pid is None:
            return
        name = next(e.name for e in self.entries if e.id == pid)

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.backcoach.home.archive(pid)
            except BackcoachError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.notify(f"{name} archived (`backcoach patient archive {pid} --undo` brings them back)", markup=False)
            self.reload()

        self.app.push_screen(ConfirmDialog(f"Archive {name} ({pid})? Nothing is deleted.", "Archive"), confirmed)
