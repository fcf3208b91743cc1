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

    def lines(self) -> list[str]:
        """The screen as a terminal shows it once the app has painted what is waiting to be painted (the app paints
        on a timer; painting it now makes the test wait for no time)."""
        self.app.screen._compositor_refresh()
        return ["".join(row).rstrip() for row in self.cells]
