"""The backcoach app: home → patient → consultation → summary, with autosave and a clean quit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding

from backcoach.consultation import Consultation
from backcoach.errors import BackcoachError
from backcoach.model import PatientRecord, Session
from backcoach.protocol import Protocol
from backcoach.store import Home, PatientLocked
from backcoach.tui.commands import BackcoachCommands
from backcoach.tui.crash import OneLineCrash
from backcoach.tui.display import day
from backcoach.tui.screens.consult import ConsultScreen

THEMES = {"dark": "textual-dark", "light": "textual-light"}


def local_now() -> datetime:
    return datetime.now().astimezone()


class BackcoachApp(OneLineCrash):
    TITLE = "backcoach"
    # every screen's and dialog's styles, read once at start: a screen with its own CSS_PATH makes Textual parse
    # all CSS again and restyle the whole app the first time it opens
    CSS_PATH = [
        "app.tcss",
        "widgets/widgets.tcss",
        "screens/consult.tcss",
        "screens/practice.tcss",
        "screens/home.tcss",
        "screens/patient.tcss",
        "screens/summary.tcss",
        "screens/feedback.tcss",
        "dialogs/dialogs.tcss",
        "dialogs/case.tcss",
    ]
    COMMANDS = App.COMMANDS | {BackcoachCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", tooltip="Save everything, then quit", priority=True, id="app.quit"),
        # Tab moves focus before the keys after it are handed on: typed or pasted fast ("name<Tab>id"), each part
        # lands in its own field (Textual's own Tab binding runs only after the field has taken the keys queued
        # behind it)
        Binding(
            "tab",
            "focus_next",
            "Next field",
            tooltip="Move to the next field",
            show=False,
            priority=True,
            id="app.next_field",
        ),
        Binding(
            "shift+tab",
            "focus_previous",
            "Previous field",
            tooltip="Move to the previous field",
            show=False,
            priority=True,
            id="app.previous_field",
        ),
    ]

    def __init__(
        self,
        home: Home,
        protocol: Protocol,
        *,
        patient_id: str | None = None,
        clock: Callable[[], datetime] = local_now,
    ):
        super().__init__()
        self.home, self.protocol, self.patient_id, self.clock = home, protocol, patient_id, clock
        self.theme = THEMES["dark"]
        self._quit_unsaved = False
        self.export_folder: Path | None = None  # where the last export went: the export dialog offers it again

    def on_mount(self, event: events.Mount) -> None:  # PracticeApp's prevents this default
        if self.patient_id is None or not self.open_consultation(self.patient_id):
            self.go_home()

    # --- where to go (screens other than the consultation load on first use: `consult ID` starts faster) ----
    def go_home(self) -> None:
        from backcoach.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.push_screen(HomeScreen())

    def open_patient(self, patient_id: str) -> None:
        try:
            self.home.load(patient_id)
        except BackcoachError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        from backcoach.tui.screens.patient import PatientScreen

        self.push_screen(PatientScreen(patient_id))

    def open_consultation(self, patient_id: str) -> bool:
        """Resume or start the patient's session; read-only when the patient is open in another window."""
        try:
            try:
                self.push_screen(ConsultScreen(Consultation(self.home, self.protocol, patient_id)))
                return True
            except PatientLocked as exc:
                record = self.home.load(patient_id)
                session = record.open_session or record.latest
                if session is None:
                    self.notify(str(exc), severity="warning", markup=False)
                    return False
                note = f"{exc}: shown read only."
                self.push_screen(ConsultScreen(Consultation.view(record, self.protocol, session), note))
                self.notify(note, severity="warning", markup=False)
                return True
        except BackcoachError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return False

    def view_session(self, record: PatientRecord, session: Session) -> None:
        view = Consultation.view(record, self.protocol, session)
        self.push_screen(ConsultScreen(view, f"Completed session of {day(session.started)}: read only."))

    def leave_consultation(self, patient_id: str) -> None:
        self.go_home()
        self.open_patient(patient_id)

    def show_summary(self, consultation: Consultation) -> None:
        from backcoach.tui.screens.summary import SummaryScreen

        self.switch_screen(SummaryScreen(consultation.record, consultation.session))

    # --- quitting and themes --------------------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Save every open consultation first; if saving fails, say so and quit only on a second ctrl+q."""
        unsaved = [s for s in self.screen_stack if isinstance(s, ConsultScreen) and not s.finish()]
        if unsaved and not self._quit_unsaved:
            self._quit_unsaved = True
            self.notify("Not everything could be saved. Press ctrl+q again to quit anyway.", severity="error")
            return
        if unsaved:  # quit anyway: said on the terminal and in the exit code (it was 0, as if all was saved)
            self.quit_line = "backcoach: quit with answers not saved (the screen said why); run `backcoach db check`"
            self.exit(return_code=1)
            return
        self.exit()

    def toggle_dark(self) -> None:
        self.theme = THEMES["light"] if self.theme == THEMES["dark"] else THEMES["dark"]
