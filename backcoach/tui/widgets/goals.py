"""The SMART goal editor: several goals, each in the patient's words with its SMART parts.

A goal that is about pain gets a gentle hint (the pack's pain focus: its hint and what matched); it never blocks saving.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Input, Static

from backcoach.model import new_id
from backcoach.protocol import Protocol
from backcoach.tui.display import literal
from backcoach.tui.widgets.fields import steady
from backcoach.tui.widgets.items import ItemCard, ItemListField


def line_input(value: str, placeholder: str, name: str) -> Input:
    field = Input(value, placeholder=placeholder, compact=True, select_on_focus=False, name=name)
    field.tooltip = Content(placeholder) if placeholder else None  # pack text: never read as markup
    return steady(field)


class GoalCard(ItemCard):
    """One goal: its words, the pain-focus hint when it applies, and the SMART parts."""

    def __init__(self, protocol: Protocol, goal: dict[str, Any], number: int):
        super().__init__(classes="card goal-card")
        self.protocol, self.goal_id, self.goal, self.number = protocol, goal["id"], goal, number

    def compose(self) -> ComposeResult:
        yield Static(f"Goal {self.number}", classes="card-title")
        yield line_input(self.goal.get("text", ""), "The goal in the patient's words", "text")
        yield self.pain_hint(Static(classes="hint pain-hint"), self.goal.get("text", ""))
        for part in self.protocol.guidance.smart_parts:
            with Horizontal(classes="smart-part"):
                yield Static(literal(part.label), classes="part-label")
                yield line_input(self.goal.get("parts", {}).get(part.id, ""), part.prompt, part.id)
        yield Button("Remove goal", classes="remove", compact=True, tooltip="Remove this goal")

    @property
    def value(self) -> dict[str, Any]:
        texts = {i.name: i.value for i in self.query(Input)}
        parts = {p.id: texts[p.id] for p in self.protocol.guidance.smart_parts if texts[p.id].strip()}
        return {"id": self.goal_id, "text": texts["text"], "parts": parts}

    def pain_hint(self, hint: Static, goal_text: str) -> Static:
        """Show the pack's gentle hint while the goal's words are about pain (it never blocks anything)."""
        pain = self.protocol.guidance.pain_focus
        found = pain.flags(goal_text)
        if found:
            hint.update(literal(pain.message(found)))  # the goal's words it is about, then the hint
        hint.display = bool(found)
        return hint

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.name == "text":
            self.pain_hint(self.query_one(".pain-hint", Static), event.value)


class GoalListField(ItemListField[GoalCard]):
    ITEM = GoalCard

    def compose_input(self) -> ComposeResult:
        goals = self.initial or [{"id": new_id(), "text": "", "parts": {}}]
        for number, goal in enumerate(goals, 1):
            yield GoalCard(self.protocol, goal, number)
        yield Button("+ Add goal", classes="add", compact=True, tooltip="Add another goal")

    @property
    def value(self) -> list[dict[str, Any]]:
        return [card.value for card in self.query(GoalCard)]

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.changed()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.has_class("add"):
            card = GoalCard(self.protocol, {"id": new_id(), "text": "", "parts": {}}, len(self.query(GoalCard)) + 1)
            await self.mount(card, before=event.button)
            card.query_one(Input).focus()
        else:
            await self.remove_item(event.button.query_ancestor(GoalCard))

    def build(self, value: dict[str, Any], extra: Any, number: int) -> GoalCard:
        return GoalCard(self.protocol, value, number)

    def name_of(self, value: dict[str, Any]) -> str:
        return value["text"]

    def noun(self) -> str:
        return "goal"

    def renumber(self) -> None:
        for number, card in enumerate(self.query(GoalCard), 1):
            card.query_one(".card-title", Static).update(f"Goal {number}")
