"""The components of one phase, each with its mark (○ not started, ◐ started, ● done)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from backcoach.model import Session
from backcoach.protocol import Component, Phase, Protocol
from backcoach.tui.display import MARKS


def entry(protocol: Protocol, session: Session, comp: Component) -> Table:
    """Mark, number and title, the title wrapping under itself (a hanging indent)."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=4, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(f"{MARKS[session.component_status(protocol, comp.id)]} {comp.number}"), Text(comp.title))
    return grid


class ComponentNav(OptionList):
    def show(self, protocol: Protocol, phase: Phase, session: Session, current: str | None) -> None:
        self.clear_options()
        for comp in phase.components:
            self.add_option(Option(entry(protocol, session, comp), id=comp.id))
        if current is not None and current in {c.id for c in phase.components}:
            self.highlighted = self.get_option_index(current)

    def refresh_marks(self, protocol: Protocol, session: Session) -> None:
        for index in range(self.option_count):
            comp = protocol.component(self.get_option_at_index(index).id)
            self.replace_option_prompt_at_index(index, entry(protocol, session, comp))
