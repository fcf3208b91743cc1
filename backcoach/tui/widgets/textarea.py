"""A TextArea whose soft wrap always follows its size.

Textual rewraps a TextArea's text when the area gets a Resize event, but a new area can miss its first one: when a
repaint between its mount and the next layout makes the compositor build its map early, that next layout finds
the area already in place at its size and posts it no Resize (Screen._refresh_layout sends one only to widgets
shown or resized since the map it compares with). The text then stays unwrapped, cut off in a box too low for it,
until the terminal is resized: one opening of a component in about ten showed a long answer as one cut-off line
(Textual 8.2). A width change later (a pane shown or hidden, a terminal resized) was rewrapped on Resize after the
repaint, and nothing repainted it: the old lines stayed, cut. The widget itself is always told its new size during
the layout, before the repaint, so the rewrap is done there.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import TextArea


class WrappingTextArea(TextArea):
    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        resized = super()._size_updated(size, virtual_size, container_size, layout)
        if resized and self.soft_wrap:
            self._rewrap_and_refresh_virtual_size()  # what the Resize handler does: wrap to the width now given
        return resized
