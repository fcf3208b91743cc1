"""A 0–10 style scale on one line: arrows or digits to choose, click to pick, backspace to clear."""

from __future__ import annotations

import time

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from backcoach.tui.widgets.keys import OwnKeys

CELL = 3
TEN_WINDOW = 1.0  # seconds between "1" and "0" for 10


class ScaleInput(OwnKeys, Widget, can_focus=True):
    BINDINGS = [
        Binding("left", "step(-1)", "Lower", show=False, tooltip="One lower", id="scale.lower"),
        Binding("right", "step(1)", "Higher", show=False, tooltip="One higher", id="scale.higher"),
        Binding("home", "pick_min", "Lowest", show=False, tooltip="The lowest value", id="scale.lowest"),
        Binding("end", "pick_max", "Highest", show=False, tooltip="The highest value", id="scale.highest"),
        Binding("backspace,delete", "clear", "Clear", show=False, tooltip="No value", id="scale.clear"),
    ]

    value: reactive[int | None] = reactive(None)

    class Changed(Message):
        def __init__(self, scale: ScaleInput, value: int | None):
            super().__init__()
            self.scale, self.value = scale, value

        @property
        def control(self) -> ScaleInput:
            return self.scale

    def __init__(self, lo: int, hi: int, value: int | None = None, *, id: str | None = None, classes: str = ""):
        super().__init__(id=id, classes=classes)
        self.lo, self.hi = lo, hi
        self.set_reactive(ScaleInput.value, value)
        self._typed_one = 0.0
        self.tooltip = f"{lo}–{hi}: ← → or a digit; Backspace clears"

    def render(self) -> Content:
        cells = []
        for n in range(self.lo, self.hi + 1):
            text = f"{n:^{CELL}}"
            cells.append((text, "reverse bold") if n == self.value else (text, "dim" if self.value is not None else ""))
        return Content.assemble(*cells)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return CELL * (self.hi - self.lo + 1)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    def pick(self, value: int | None) -> None:
        if value is not None:
            value = max(self.lo, min(self.hi, value))
        if value != self.value:
            self.value = value
            self.post_message(self.Changed(self, value))

    def action_step(self, delta: int) -> None:
        self.pick((self.lo if delta > 0 else self.hi) if self.value is None else self.value + delta)

    def action_pick_min(self) -> None:
        self.pick(self.lo)

    def action_pick_max(self) -> None:
        self.pick(self.hi)

    def action_clear(self) -> None:
        self.pick(None)

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit():
            digit = int(event.character)
            # "1" then "0" typed quickly means 10
            if digit == 0 and self.hi >= 10 and time.monotonic() - self._typed_one < TEN_WINDOW:
                digit = 10
            self._typed_one = time.monotonic() if digit == 1 else 0.0
            if self.lo <= digit <= self.hi:
                event.stop()
                self.pick(digit)

    def on_click(self, event: events.Click) -> None:
        self.pick(self.lo + event.x // CELL)
