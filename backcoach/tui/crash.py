"""What the app shows after an error no screen handled: one line and a non-zero exit code, never a traceback.

Textual's own crash report is a Rich traceback *with local variables*: in this app, patient names, answers and
whole file contents, printed to the terminal (and into any log of it). This module is the one adapter over
Textual's private crash handling (`App._handle_exception`, which sets the exit code `App._return_code` and calls
`App._fatal_error` to build that report); tests/test_private_api.py and tests/tui/test_crash.py fail when Textual
changes any of them. The line is printed by `finish` once the terminal is restored, uncropped (Textual would cut it
at the screen's width). With BACKCOACH_DEBUG set, the traceback is shown too, still without locals.
"""

from __future__ import annotations

import os
import sys

from rich.traceback import Traceback
from textual.app import App

from backcoach.errors import error_line


class OneLineCrash(App):
    """An App whose unhandled errors end it quietly, for `finish` to report in one line with the error's exit code
    (1 for a bug, 3 for damaged data, …)."""

    crash: BaseException | None = None
    quit_line: str | None = None  # what `finish` says when the user quit with something wrong (answers not saved)

    def _handle_exception(self, error: Exception) -> None:
        if self.crash is None:
            self.crash = error
        super()._handle_exception(error)  # sets return code 1, and keeps the error for test runners
        self._return_code = max(error_line(self.crash)[1], 1)

    def _fatal_error(self) -> None:
        """In place of Textual's traceback with locals: end the app, showing nothing yet."""
        self.bell()
        error = self.crash
        if error is not None and os.environ.get("BACKCOACH_DEBUG"):
            self.panic(Traceback.from_exception(type(error), error, error.__traceback__, show_locals=False))
        else:
            self.panic()

    @property
    def crash_line(self) -> str | None:
        return error_line(self.crash)[0] if self.crash is not None else None


def finish(app: OneLineCrash) -> int:
    """After `app.run()`: the crash's one line on stderr, if it crashed; returns the exit code (0 when it did not)."""
    line = app.crash_line or app.quit_line
    if line:
        print(line, file=sys.stderr)
    return app.return_code or 0
