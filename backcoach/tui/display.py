"""Small display helpers: literal text (never markup), dates, component marks and coverage meters."""

from __future__ import annotations

from datetime import datetime

from textual.content import Content

from backcoach.textclean import show_controls


def literal(text: str, style: str = "") -> Content:
    """`text` exactly as typed (brackets, @click, escapes are shown, never interpreted); a control character from
    a file edited by hand is shown as a visible stand-in, since Content would pass it to the terminal as is."""
    content = Content(show_controls(text))
    return content.stylize(style) if style else content


def day(moment: datetime | None) -> str:
    """A date as the clinician reads it, in local time."""
    return moment.astimezone().strftime("%Y-%m-%d") if moment else "—"


def meter(done: int, total: int, width: int | None = None) -> str:
    """A small coverage bar such as ▰▰▱ (one cell per component unless `width` is given)."""
    width = width or total
    filled = round(width * done / total) if total else 0
    return "▰" * filled + "▱" * (width - filled)


MARKS = {"not started": "○", "started": "◐", "done": "●"}
