"""The app in practice mode: one attempt on a simulated patient, then its feedback; no patient list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.events import Mount

from backcoach.practice.session import PracticeSession
from backcoach.tui.app import BackcoachApp, local_now
from backcoach.tui.dialogs.confirm import ConfirmDialog
from backcoach.tui.screens.practice import PracticeScreen

STOP = "Stop practising? The attempt stays unfinished, without feedback (your answers are saved)."


class PracticeApp(BackcoachApp):
    TITLE = "backcoach practice"

    def __init__(self, practice: PracticeSession, *, clock: Callable[[], datetime] = local_now):
        super().__init__(practice.home, practice.protocol, clock=clock)
        self.practice = practice

    def on_mount(self, event: Mount) -> None:
        event.prevent_default()  # not BackcoachApp's: it would open the patient list
        self.push_screen(PracticeScreen(self.practice))

    def leave_consultation(self, patient_id: str) -> None:
        """Escape on the practice screen (answers already saved): stop, once confirmed."""
        self.push_screen(ConfirmDialog(STOP, "Stop"), lambda stop: self.exit() if stop else None)
