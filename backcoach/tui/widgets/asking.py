"""Practice mode's conversation with the simulated patient: How? bullets the student asks, and what was said."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static

from backcoach.practice.session import PracticeSession
from backcoach.protocol import Component
from backcoach.tui.display import literal

ASKED, NOT_ASKED = "✓", "○"


class AskList(OptionList):
    """A component's How? bullets: enter or a click asks one (marked ✓ once asked; it can be asked again)."""

    BINDINGS = [("enter", "select", "Ask")]

    class Asked(Message):
        def __init__(self, component: Component, how: int):
            super().__init__()
            self.component, self.how = component, how

    def __init__(self, practice: PracticeSession, component: Component):
        super().__init__(*(self._prompt(practice, component, i) for i in range(len(component.how))), classes="ask")
        self.practice, self.component = practice, component

    @staticmethod
    def _prompt(practice: PracticeSession, component: Component, index: int) -> Content:
        mark = ASKED if practice.was_asked(component.id, index) else NOT_ASKED
        return literal(f"{mark} {component.how[index]}")

    def next_unasked(self) -> int | None:
        comp = self.component
        return next((i for i in range(len(comp.how)) if not self.practice.was_asked(comp.id, i)), None)

    def refresh_marks(self) -> None:
        """Mark what was asked and move the cursor to the next bullet not asked yet."""
        for index in range(self.option_count):
            self.replace_option_prompt_at_index(index, self._prompt(self.practice, self.component, index))
        following = self.next_unasked()
        if following is not None:
            self.highlighted = following

    # the screen's own OptionList handlers drive the component navigator: these events stay here
    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Asked(self.component, event.option_index))


class Said(Static):
    """One line of the conversation; the latest question scrolls to the top of the pane once it is laid out."""

    def on_resize(self) -> None:
        conversation = self.parent
        if isinstance(conversation, Conversation) and conversation.latest is self:
            conversation.scroll_to_widget(self, top=True, animate=False)


class Conversation(VerticalScroll):
    """The case's background and opening, then every question asked and the simulated patient's answer."""

    def __init__(self, practice: PracticeSession, **kwargs: Any):
        super().__init__(**kwargs)
        self.practice = practice
        patient = practice.case.patient
        self.latest = self._said(patient.name, practice.opening)  # the background was read in the case card

    def compose(self) -> ComposeResult:
        patient = self.practice.case.patient
        yield Static(literal("Background", "bold") + "\n" + literal(patient.background), classes="background")
        yield self.latest
        for question, response in self.practice.exchanges():  # an attempt carried on: what was said before
            yield from self._exchange(question, response)

    def _exchange(self, question: str, response: str) -> tuple[Said, Said]:
        """One question and its response; the question becomes the latest line said."""
        self.latest = self._said("You", question, "italic")
        return self.latest, self._said(self.practice.case.patient.name, response)

    @staticmethod
    def _said(speaker: str, text: str, style: str = "") -> Said:
        return Said(literal(f"{speaker}: ", "bold") + literal(text, style), classes="said")

    async def add(self, question: str, response: str) -> None:
        """Show one question and the response below what was said before, the question at the top of the pane."""
        await self.mount_all(self._exchange(question, response))
