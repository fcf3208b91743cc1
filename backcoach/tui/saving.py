"""Autosave for a consultation: never lose a keystroke, never block typing.

A change schedules a save DELAY seconds later; further changes push it back, but never past MAX_DELAY after the
first unsaved change. Navigation saves at once. The session is copied on the UI thread (`snapshot`) and written in
a worker thread; a sequence number makes sure an older snapshot never overwrites a newer one.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from datetime import datetime

from textual.timer import Timer
from textual.widget import Widget

from backcoach.consultation import Consultation
from backcoach.errors import BackcoachError, describe
from backcoach.model import Session

DELAY = 0.4
MAX_DELAY = 1.0


class Autosaver:
    def __init__(
        self,
        owner: Widget,
        consultation: Consultation,
        on_saved: Callable[[datetime], None],
        on_failed: Callable[[str], None],
        clock: Callable[[], datetime],
    ):
        self.owner, self.consultation = owner, consultation
        self.on_saved, self.on_failed, self.clock = on_saved, on_failed, clock
        self._changes = 0  # sequence number of the latest change
        self._written = 0  # sequence number of the latest change on disk
        self._first_unsaved: float | None = None
        self._due: float | None = None  # when the scheduled save fires (monotonic)
        self._timer: Timer | None = None
        self._lock = threading.Lock()

    @property
    def pending(self) -> bool:
        return self._changes != self._written

    @property
    def scheduled_within(self) -> float | None:
        """Seconds from the first unsaved change to the save now scheduled (at most MAX_DELAY); None if none is."""
        if self._timer is None or self._due is None or self._first_unsaved is None:
            return None
        return self._due - self._first_unsaved

    def changed(self) -> None:
        """Call after every change to the session in memory."""
        self._changes += 1
        now = time.monotonic()
        if self._first_unsaved is None:
            self._first_unsaved = now
        delay = min(DELAY, MAX_DELAY - (now - self._first_unsaved))
        if delay <= 0:
            # the first unsaved change is MAX_DELAY old (the timer was late: a busy machine, a paste): save now. A
            # timer of 0 s is no way to do that: Textual's timer divides by its interval when it runs late, the
            # error ends the timer, and the save it was for never happened
            self.save()
            return
        self._due = now + delay
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.owner.set_timer(delay, self.save, name="autosave")

    def save(self) -> None:
        """Save now in a worker thread (if anything changed since the last save)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self.pending:
            return
        self._first_unsaved = None
        seq, snapshot = self._changes, self.consultation.snapshot()
        self.owner.run_worker(
            lambda: self._write(seq, snapshot, threaded=True), thread=True, group="autosave", exit_on_error=False
        )

    def flush(self) -> bool:
        """Save now on this thread and wait for it: before leaving the screen or quitting. True when all is saved."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.pending:
            self._write(self._changes, self.consultation.snapshot(), threaded=False)
        return not self.pending

    def _write(self, seq: int, snapshot: Session, *, threaded: bool) -> None:
        with self._lock:
            if seq <= self._written:
                return  # a newer snapshot is already on disk
            try:
                self.consultation.write(snapshot)
            except (BackcoachError, OSError) as exc:
                self._report(self.on_failed, describe(exc), threaded)
                return
            self._written = seq
        self._report(self.on_saved, self.clock(), threaded)

    def _report(self, callback: Callable, value: object, threaded: bool) -> None:
        if threaded:
            # if the app closed meanwhile, the data is on disk and there is nobody to tell
            with contextlib.suppress(RuntimeError):
                self.owner.app.call_from_thread(callback, value)
        else:
            callback(value)
