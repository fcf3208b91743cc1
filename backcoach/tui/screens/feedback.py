"""The feedback on a finished practice attempt (the same view plain mode and the teacher's report show)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from backcoach.practice.scoring import Feedback
from backcoach.render.practice_feedback import feedback_view
from backcoach.tui.screens.base import AppScreen
from backcoach.tui.widgets.footer import KeyFooter


class FeedbackScreen(AppScreen):
    BINDINGS = [Binding("escape,q", "app.quit", "Close", tooltip="Leave practice mode", id="feedback.close")]

    def __init__(self, feedback: Feedback):
        super().__init__()
        self.feedback = feedback

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="feedback"):
            yield Static(feedback_view(self.feedback))
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#feedback").focus()
