"""The full-screen consultation app (Textual). Textual is imported only when the app runs, never by the CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcoach.practice.session import PracticeSession
    from backcoach.protocol import Protocol
    from backcoach.store import Home


def run_app(home: Home, protocol: Protocol, patient_id: str | None = None) -> None:
    """Open the home screen, or the consultation of `patient_id` directly; returns when the user quits."""
    from backcoach.tui.app import BackcoachApp

    BackcoachApp(home, protocol, patient_id=patient_id).run()


def run_practice(session: PracticeSession) -> int | None:
    """Run a practice attempt full-screen; the caller opens and closes `session` (the attempt)."""
    from backcoach.tui.practice_app import PracticeApp

    PracticeApp(session).run()
    return None
