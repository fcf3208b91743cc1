"""The components of one phase, each with its mark (○ not started, ◐ started, ● done)."""

from __future__ import annotations

import textwrap

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from backcoach.model import Session
from backcoach.protocol import Component, Phase, Protocol
from backcoach.tui.display import MARKS, literal

TITLE_WIDTH = 19  # the navigator is 26 cells: mark, number, then the title wrapped under itself


def entry(protocol: Protocol, session: Session, comp: Component) -> Content:
    head = f"{MARKS[session.component_status(protocol, comp.id)]} {comp.number:<2} "
    lines = textwrap.wrap(comp.title, TITLE_WIDTH) or [""]
    return literal(head + ("\n" + " " * len(head)).join(lines))


class ComponentNav(OptionList):
    def show(self, protocol: Protocol, phase: Phase, session: Session, current: str | None) -> None:
        self.clear_options()
        for comp in phase.components:
            self.add_option(Option(entry(protocol, session, comp), id=comp.id))
        if current is not None and current in {c.id for c in phase.components}:
            self.highlighted = self.get_option_index(current)

    def refresh_marks(self, protocol: Protocol, session: Session) -> None:
        for index in range(self.option_count):
            component_id = self.get_option_at_index(index).id
            if component_id is not None:  # every option is a component, by its id
                self.replace_option_prompt_at_index(index, entry(protocol, session, protocol.component(component_id)))
