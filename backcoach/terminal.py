"""Whether an interactive UI can run here: the one check the full-screen app and plain mode both make."""

from __future__ import annotations

import sys

from backcoach.errors import BackcoachError


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)  # None under pythonw.exe on Windows
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def need_terminal(what: str, instead: str, *, full_screen: bool = False) -> None:
    """Refuse, in one line, to start an interactive UI without a terminal to talk to (a script, cron, a redirection):
    it would write its prompts or escape codes into a file and wait for keys that never come.

    Plain mode reads stdin and writes stdout; the full-screen app (Textual) draws on stderr on Linux and macOS, so
    that must be a terminal too. `what` needs it, `instead` says what to use instead."""
    streams = [sys.stdin, sys.stdout]
    if full_screen and sys.platform != "win32":
        streams.append(sys.stderr)
    if not all(_is_terminal(stream) for stream in streams):
        raise BackcoachError(f"{what} needs an interactive terminal (its input or output is redirected); {instead}")
