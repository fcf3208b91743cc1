"""The base of the app's screens: no style or layout work that cannot change what is on screen.

Opening a screen, Textual styles every widget as it mounts and then again when the screen first becomes active,
and lays the screen out again for a resize to the size it already has (each terminal announces its size once
more at start-up). On an old laptop each pass over a consultation costs milliseconds the clinician waits for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events
from textual.screen import Screen

if TYPE_CHECKING:
    from backcoach.tui.app import BackcoachApp


class AppScreen(Screen[None]):
    _shown_once = False

    @property
    def backcoach(self) -> BackcoachApp:
        """The app, typed: its home, pack and clock, and where to go next (open_patient, leave_consultation …).

        Textual types `self.app` as any App; every screen of this package runs in a BackcoachApp (or PracticeApp)."""
        return cast("BackcoachApp", self.app)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # runs before Screen's own handler: the first time, the widgets were styled moments ago as they mounted
        if not self._shown_once:
            event.refresh_styles = False
        self._shown_once = True

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self.outer_size:
            event.prevent_default()  # laid out at this size already
