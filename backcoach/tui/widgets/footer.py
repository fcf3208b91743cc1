"""The key bar at the foot of a screen: the keys of what has focus, as Textual's Footer shows them, in one widget.

Textual's Footer is a widget per key, built again whenever focus moves; opening a consultation that was nine
widgets styled, laid out and drawn (~10 ms on the machine the bench runs on) for one line of text. Here a change of
keys redraws the line. A click on a key presses it; hovering a key shows its tooltip.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from backcoach.textclean import show_controls

EDGE = "▏"  # before the command palette's key, at the right end


class Key(NamedTuple):
    key: str
    shown: str  # the key as the user reads it: ^q, esc …
    description: str
    enabled: bool
    tooltip: str


class KeyFooter(Widget):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description", "key-footer--edge"}

    def __init__(self) -> None:
        super().__init__()
        self.keys: tuple[Key, ...] = ()
        self.palette: Key | None = None
        self._spans: list[tuple[int, int, Key]] = []  # where each key was drawn: for clicks and tooltips

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def bindings_changed(self, screen: Screen) -> None:
        palette_key = self.app.COMMAND_PALETTE_BINDING
        keys: dict[str, Key] = {}  # by action: of "escape,h" the first key shows, as in Textual's Footer
        palette = None
        for key, (_, binding, enabled, tooltip) in screen.active_bindings.items():
            if not (binding.show or key == palette_key):
                continue
            shown = Key(key, self.app.get_key_display(binding), binding.description, enabled, tooltip)
            if key == palette_key and self.app.ENABLE_COMMAND_PALETTE:
                palette = shown
            elif binding.show:
                keys.setdefault(binding.action, shown)
        if (tuple(keys.values()), palette) != (self.keys, self.palette):
            self.keys, self.palette = tuple(keys.values()), palette
            self.refresh()

    def render(self) -> Text:
        key_style, description_style, edge_style = (
            self.get_component_rich_style(f"key-footer--{part}") for part in ("key", "description", "edge")
        )
        dim = Style(dim=True)
        line, spans = Text(no_wrap=True, overflow="crop", end=""), []
        right = Text(no_wrap=True, end="")
        if self.palette is not None:
            right.append(EDGE, edge_style)
            right.append(self.palette.shown, key_style)
            right.append(f" {show_controls(self.palette.description)}", description_style)
            right.append(" ")
        room = self.size.width - right.cell_len
        parts = [self.part(key, key_style, description_style, compact=False) for key in self.keys]
        if sum(part.cell_len for part in parts) > room:  # closer together, as Footer's compact style, to fit them all
            line.append(" ")
            parts = [self.part(key, key_style, description_style, compact=True) for key in self.keys]
        for key, part in zip(self.keys, parts, strict=True):
            start = line.cell_len
            if not key.enabled:
                part.stylize(dim)
            if start + part.cell_len > room:
                break  # a key never shows cut in half, and the palette's key always shows
            line.append_text(part)
            spans.append((start, line.cell_len, key))
        if self.palette is not None:
            line.append(" " * (room - line.cell_len))
            spans.append((room + cell_len(EDGE), self.size.width, self.palette))
            line.append_text(right)
        self._spans = spans
        return line

    @staticmethod
    def part(key: Key, key_style: Style, description_style: Style, *, compact: bool) -> Text:
        description = show_controls(key.description)
        if compact:
            return Text.assemble((key.shown, key_style), (f" {description}", description_style), " ")
        return Text.assemble((f" {key.shown} ", key_style), (f"{description} ", description_style))

    def key_at(self, x: int) -> Key | None:
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self.key_at(event.x)
        self.tooltip = (key.tooltip or key.description) if key else None
