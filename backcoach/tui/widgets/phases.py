"""The phases of Table 1 as a tab bar: each title with its coverage meter, the current one marked and underlined.

One widget where Textual's Tabs is eight, with an animated underline: opening a consultation is the moment a
clinician waits for. ←/→ (when it has focus) or a click picks a phase, announced as `PhaseTabs.Picked`.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from backcoach.textclean import show_controls

BAR = "━"


def shortened(label: str, width: int) -> str:
    text = Text(label)
    text.truncate(width, overflow="ellipsis")
    return text.plain


class PhaseTabs(Widget, can_focus=True):
    COMPONENT_CLASSES = {"phase-tabs--tab", "phase-tabs--active", "phase-tabs--bar", "phase-tabs--bar-active"}
    BINDINGS = [
        Binding("left", "move(-1)", "Previous phase", show=False, tooltip="Show the phase before", id="phases.prev"),
        Binding("right", "move(1)", "Next phase", show=False, tooltip="Show the phase after", id="phases.next"),
    ]

    active: reactive[str] = reactive("")

    class Picked(Message):
        def __init__(self, phase_id: str):
            super().__init__()
            self.phase_id = phase_id

    def __init__(self, labels: dict[str, str], *, id: str | None = None):
        """`labels`: each phase's id and what its tab says, in order; the first is active."""
        super().__init__(id=id)
        self.labels = {phase_id: show_controls(label) for phase_id, label in labels.items()}
        self.set_reactive(PhaseTabs.active, next(iter(labels)))

    def relabel(self, phase_id: str, label: str) -> None:
        self.labels[phase_id] = show_controls(label)
        self.refresh()

    def shown(self) -> dict[str, str]:
        """The labels as drawn: when they are too long for the width together (a translated pack), the longest are
        shortened alike (…) so every tab stays on its one line, visible and clickable."""
        room = self.size.width - 3 * len(self.labels)  # a space either side of each label and one after it
        widths = {phase_id: cell_len(label) for phase_id, label in self.labels.items()}
        if not self.size.width or sum(widths.values()) <= room:
            return self.labels
        left = len(widths)
        for phase_id, width in sorted(widths.items(), key=lambda item: item[1]):  # shortest first keep theirs
            widths[phase_id] = max(1, min(width, room // left))
            room, left = room - widths[phase_id], left - 1
        return {phase_id: shortened(label, widths[phase_id]) for phase_id, label in self.labels.items()}

    def spans(self) -> list[tuple[str, str, int, int]]:
        """Each tab's phase id, label as drawn and cells [start, end): the label with a space either side, one cell
        apart."""
        spans, x = [], 0
        for phase_id, label in self.shown().items():
            width = cell_len(label) + 2
            spans.append((phase_id, label, x, x + width))
            x += width + 1
        return spans

    def render(self) -> Text:
        tab, active, bar, bar_active = (
            self.get_component_rich_style(f"phase-tabs--{part}") for part in ("tab", "active", "bar", "bar-active")
        )
        top, under = Text(no_wrap=True, end=""), Text(no_wrap=True, end="")
        for phase_id, label, start, end in self.spans():
            on = phase_id == self.active
            top.append(f" {label} ", active if on else tab)
            top.append(" ")
            under.append(BAR * (end - start), bar_active if on else bar)
            under.append(BAR, bar)
        under.append(BAR * max(0, self.size.width - under.cell_len), bar)
        return Text("\n", no_wrap=True, end="").join([top, under])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 2

    def pick(self, phase_id: str) -> None:
        if phase_id != self.active:
            self.active = phase_id
            self.post_message(self.Picked(phase_id))

    def action_move(self, delta: int) -> None:
        ids = list(self.labels)
        self.pick(ids[max(0, min(len(ids) - 1, ids.index(self.active) + delta))])

    def on_click(self, event: events.Click) -> None:
        for phase_id, _, start, end in self.spans():
            if start <= event.x < end:
                self.pick(phase_id)
