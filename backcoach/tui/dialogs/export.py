"""The export dialog: the patient handout, the clinician summary or the whole record, to a file in a folder.

The file is written by `batch_export.export_one` (atomic, 0600, never over an existing file) in a worker thread
while the dialog stays open, so a folder that cannot be written is reported where it can be corrected. Dismisses
with the written path, or None when cancelled.

The folder offered first is `backcoach-exports` in the current directory (made 0700 on the first export): it is
where the clinician started backcoach, so it is easy to find, and it keeps exports out of the data folder. After an
export the app offers the folder used last. The store's own folders (patients/, practice/) are refused, as
`backcoach export --out` refuses them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

from backcoach.batch_export import export_one
from backcoach.errors import BackcoachError
from backcoach.locations import output_folder
from backcoach.model import PatientRecord, Session
from backcoach.protocol import Protocol
from backcoach.tui.display import day, literal
from backcoach.tui.widgets.fields import steady

if TYPE_CHECKING:
    from backcoach.tui.app import BackcoachApp

DEFAULT_FOLDER = "backcoach-exports"


KINDS = {"handout": "Patient handout", "summary": "Clinician summary", "record": "Whole record"}
FIRST_KIND = "handout"  # what a clinician most often exports at the end of a consultation
FORMATS = {"text": "Text", "md": "Markdown", "html": "HTML", "svg": "SVG"}  # of the handout and the summary
RECORD_FORMAT = "JSON: the whole record, every session (backcoach import reads it back)"
DEFAULT_FORMAT = "html"
HINT = (
    "←/→ then Enter to choose · Tab: next · ctrl+s: export · Esc: cancel\n"
    "An existing file is never replaced: the new one gets -2, -3 …"
)


def default_folder() -> Path:
    """`backcoach-exports` where backcoach was started (in the user's home if that directory is gone)."""
    try:
        return Path.cwd() / DEFAULT_FOLDER
    except OSError:
        return Path.home() / DEFAULT_FOLDER


def problem(exc: BaseException, folder: Path) -> str:
    """One line for the user; never a traceback."""
    if isinstance(exc, BackcoachError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"Cannot write to {exc.filename or folder}: {exc.strerror or exc}"
    return f"Export to {folder} failed ({type(exc).__name__})"


class ExportDialog(ModalScreen[Path | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without exporting", id="dialog.cancel"),
        Binding("ctrl+s", "export", "Export", tooltip="Write the file with these choices", id="export.write"),
    ]

    def __init__(
        self,
        record: PatientRecord,
        session: Session,
        protocol: Protocol,
        records: tuple[Path, ...],
        folder: Path,
    ):
        """`folder` is the one offered; `records` are the folders to refuse (`Home.record_folders`)."""
        super().__init__()
        self.record, self.session, self.protocol = record, session, protocol
        self.records, self.folder = records, folder
        self.writing_to: Path | None = None  # the folder a worker is writing into

    def compose(self) -> ComposeResult:
        p = self.record.patient
        with Vertical(classes="dialog wide"):
            title = f"Export · {p.name} ({p.id}) · {self.session.kind} session of {day(self.session.started)}"
            yield Static(literal(title), classes="title")
            yield Static("What", classes="label")
            with RadioSet(id="kind", classes="choices"):
                for key, label in KINDS.items():
                    yield RadioButton(label, name=key)
            yield Static("Format", classes="label")
            with RadioSet(id="format", classes="choices"):
                for key, label in FORMATS.items():
                    yield RadioButton(label, name=key)
            yield Static(RECORD_FORMAT, id="record-format")
            yield Static("Folder", classes="label")
            yield steady(Input(str(self.folder), id="folder", select_on_focus=False))
            yield Static(HINT, id="hint", classes="hint")
            yield Static(id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export", tooltip="Write the file (ctrl+s)")
                yield Button("Cancel", id="cancel", tooltip="Close without exporting (Esc)")

    def on_mount(self) -> None:
        # pressed after mounting, so each set's keyboard cursor starts on its choice
        self.button("kind", FIRST_KIND).value = True
        self.button("format", DEFAULT_FORMAT).value = True
        self.show_formats(FIRST_KIND)
        self.query_one("#kind", RadioSet).focus()

    # --- choices --------------------------------------------------------------------------------------------
    def button(self, set_id: str, name: str) -> RadioButton:
        return next(b for b in self.query_one(f"#{set_id}", RadioSet).query(RadioButton) if b.name == name)

    def chosen(self, set_id: str) -> str:
        button = self.query_one(f"#{set_id}", RadioSet).pressed_button
        return button.name if button and button.name else ""

    def show_formats(self, kind: str) -> None:
        """The record has one format; the handout and the summary share the choice of the others."""
        self.query_one("#format").display = kind != "record"
        self.query_one("#record-format").display = kind == "record"

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if event.radio_set.id == "kind" and event.pressed.name is not None:
            self.show_formats(event.pressed.name)

    # --- writing --------------------------------------------------------------------------------------------
    def on_input_submitted(self) -> None:
        self.action_export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            self.action_export()
        else:
            self.action_cancel()

    def action_export(self) -> None:
        if self.writing_to:
            return
        typed = self.query_one("#folder", Input).value.strip()
        if not typed:
            self.show_error("Name a folder to write the file into.")
            return
        folder = Path(typed).expanduser().absolute()
        kind = self.chosen("kind")
        fmt = "json" if kind == "record" else self.chosen("format")
        self.writing_to = folder
        self.query_one("#export", Button).disabled = True
        self.show_error("")
        self.run_worker(lambda: self.write(folder, fmt, kind == "handout"), thread=True, exit_on_error=False)

    def write(self, folder: Path, fmt: str, handout: bool) -> Path:
        """In a worker thread: check (or create) the folder, then write the file."""
        output_folder(folder, self.records, option="Folder")
        return export_one(self.record, self.session, self.protocol, folder, fmt, handout=handout)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.state == WorkerState.SUCCESS:
            self.dismiss(worker.result)
        elif worker.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            folder, self.writing_to = self.writing_to, None
            self.query_one("#export", Button).disabled = False
            self.show_error(problem(worker.error, folder) if worker.error and folder else "Export cancelled.")

    def show_error(self, message: str) -> None:
        """The error in place of the hint (the dialog keeps its height at 80×24); no message shows the hint again."""
        self.query_one("#error", Static).update(literal(message))
        self.query_one("#error").display = bool(message)
        self.query_one("#hint").display = not message

    def action_cancel(self) -> None:
        if not self.writing_to:  # a file being written is finished, and reported, before the dialog closes
            self.dismiss(None)


def offer_export(
    screen: Screen, record: PatientRecord, session: Session, shown: Callable[[Path], None] | None = None
) -> None:
    """Open the dialog over `screen`; when a file is written, say where (a notification, and
    `shown(path)` on the screen if given) and offer that folder next time."""
    app = cast("BackcoachApp", screen.app)

    def done(path: Path | None) -> None:
        if path is not None:
            app.export_folder = path.parent
            app.notify(str(path), title="Exported", markup=False)
            if shown is not None:
                shown(path)

    folder = app.export_folder or default_folder()
    app.push_screen(ExportDialog(record, session, app.protocol, app.home.record_folders, folder), done)
