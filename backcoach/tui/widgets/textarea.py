"""Text areas for answers: one whose soft wrap always follows its size, and a one-line one (`LineArea`).

Textual rewraps a TextArea's text when the area gets a Resize event, but a new area can miss its first one: when a
repaint between its mount and the next layout makes the compositor build its map early, that next layout finds
the area already in place at its size and posts it no Resize (Screen._refresh_layout sends one only to widgets
shown or resized since the map it compares with). The text then stays unwrapped, cut off in a box too low for it,
until the terminal is resized: one opening of a component in about ten showed a long answer as one cut-off line
(Textual 8.2). A width change later (a pane shown or hidden, a terminal resized) was rewrapped on Resize after the
repaint, and nothing repainted it: the old lines stayed, cut. The widget itself is always told its new size during
the layout, before the repaint, so the rewrap is done there.

The one adapter over TextArea's private hooks: `_size_updated` (how a widget is told its size during the layout),
`_rewrap_and_refresh_virtual_size`, and the key and paste handlers `_on_key` and `_on_paste` that LineArea runs
before TextArea's own. tests/test_private_api.py pins them: a Textual that renames one fails there, not silently.
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.widgets import TextArea


class WrappingTextArea(TextArea):
    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        resized = super()._size_updated(size, virtual_size, container_size, layout)
        if resized and self.soft_wrap:
            self._rewrap_and_refresh_virtual_size()  # what the Resize handler does: wrap to the width now given
        return resized


class LineArea(WrappingTextArea):
    """A one-line answer shown whole: it wraps where an Input scrolls sideways (an activity's name was cut at the
    left once the cursor left it). Enter moves on, as in a line input; a pasted line break becomes a space."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.screen.focus_next()
            return
        await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        # TextArea's own _on_paste, which Textual runs next, inserts the text as changed here (calling it from here
        # too inserted every paste twice)
        event.text = " ".join(event.text.splitlines())
