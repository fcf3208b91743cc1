"""What a terminal would show: every update the app paints, partial ones included, applied to a grid of cells.

A screenshot renders the whole screen afresh, so it cannot see a widget that was not repainted after a change
(a text area keeping its old wrap after the width changed looked right in every screenshot). This follows the
updates the app would write to a real terminal instead. It reads only cursor moves and text; colours are dropped.
"""

from __future__ import annotations

import re

from textual._compositor import CompositorUpdate
from textual.app import App

from tests.tui.waiting import stable

MOVE = re.compile(r"\x1b\[(\d+);(\d+)H")
OTHER = re.compile(r"\x1b\][^\x1b\x07]*(?:\x1b\\|\x07)|\x1b\[[0-9;?]*[A-Za-z]")  # colours, links, modes


class Terminal:
    """Attach before `run_test`; `lines()` is the screen as painted so far."""

    def __init__(self, app: App):
        self.app = app
        self.cells: list[list[str]] = []
        display = app._display

        def paint(screen, renderable) -> None:
            if isinstance(renderable, CompositorUpdate):
                self.apply(renderable.render_segments(app.console))
            display(screen, renderable)

        app._display = paint

    def apply(self, data: str) -> None:
        width, height = self.app.size
        if len(self.cells) != height or (self.cells and len(self.cells[0]) != width):
            self.cells = [[" "] * width for _ in range(height)]
        row = col = position = 0
        for match in MOVE.finditer(data):
            row, col = self.put(data[position : match.start()], row, col)
            row, col = int(match.group(1)) - 1, int(match.group(2)) - 1
            position = match.end()
        self.put(data[position:], row, col)

    def put(self, text: str, row: int, col: int) -> tuple[int, int]:
        for char in OTHER.sub("", text):
            if char == "\n":
                row, col = row + 1, 0
            elif 0 <= row < len(self.cells) and 0 <= col < len(self.cells[row]):
                self.cells[row][col] = char
                col += 1
        return row, col

    async def settled(self, pilot) -> list[str]:
        """The screen once the app has stopped changing it (tests.tui.waiting.stable)."""
        await stable(pilot)
        return self.lines()

    def find(self, text: str) -> tuple[int, int] | None:
        """Where `text` is painted on the screen: the (column, row) of its first character, or None when it is
        nowhere; it must not be painted twice (a test clicking it would not know which). One cell per character:
        for the text the tests look for (no wide characters)."""
        lines = self.lines()
        found = [(line.index(text), row) for row, line in enumerate(lines) if text in line]
        assert len(found) <= 1 and all(lines[row].count(text) == 1 for _, row in found), f"{text!r} painted twice"
        return found[0] if found else None

    def lines(self) -> list[str]:
        """The screen as a terminal shows it once the app has painted what is waiting to be painted (the app paints
        on a timer; painting it now makes the test wait for no time)."""
        self.app.screen._compositor_refresh()
        return ["".join(row).rstrip() for row in self.cells]


async def click_text(pilot, terminal: Terminal, text: str, at: int = 0):
    """Click the cell where character `at` of `text` is painted (not a corner of the widget that paints it, which may
    be padding); the widget under that cell."""
    where = terminal.find(text)
    assert where is not None, f"{text!r} is not on the screen:\n" + "\n".join(terminal.lines())
    x, y = where[0] + at, where[1]
    widget, _ = pilot.app.screen.get_widget_at(x, y)
    offset = (x - widget.region.x, y - widget.region.y)
    assert await pilot.click(widget, offset=offset), f"the click at {x},{y} missed {widget}"
    return widget
