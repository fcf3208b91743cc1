"""A rated list (feared activities with a 0–10 fear rating). At a follow-up an empty list starts from the
latest earlier ratings so they can be re-rated; each row shows what it was last time."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from backcoach.model import new_id
from backcoach.tui.display import literal
from backcoach.tui.widgets.fields import AnswerField
from backcoach.tui.widgets.goals import line_input
from backcoach.tui.widgets.scale import ScaleInput


class RatingRow(Horizontal):
    def __init__(self, item: dict[str, Any], lo: int, hi: int, placeholder: str, before: int | None):
        super().__init__(classes="rating-row")
        self.item_id, self.item, self.lo, self.hi = item["id"], item, lo, hi
        self.placeholder, self.before = placeholder, before

    def compose(self) -> ComposeResult:
        yield line_input(self.item.get("item", ""), self.placeholder, "item")
        yield ScaleInput(self.lo, self.hi, self.item.get("rating"))
        yield Static("" if self.before is None else f"was {self.before}", classes="was")
        yield Button("✕", classes="remove", compact=True, tooltip="Remove this item")

    @property
    def value(self) -> dict[str, Any]:
        return {"id": self.item_id, "item": self.query_one(Input).value, "rating": self.query_one(ScaleInput).value}


class RatingListField(AnswerField):
    def compose_input(self) -> ComposeResult:
        earlier = self.consultation.previous_answer(self.component.id, self.spec.id) or []
        before = {i["id"]: i["rating"] for i in earlier}
        items = self.initial or [dict(i) for i in earlier] or [self.blank()]
        if not self.initial and earlier:
            yield Static(literal("Ratings from the last session: re-rate each one."), classes="hint")
        for item in items:
            yield self.row(item, before.get(item["id"]))
        yield Button("+ Add", classes="add", compact=True, tooltip="Add an item")

    def blank(self) -> dict[str, Any]:
        return {"id": new_id(), "item": "", "rating": None}

    def row(self, item: dict[str, Any], before: int | None) -> RatingRow:
        return RatingRow(item, self.spec.min, self.spec.max, self.spec.item_label, before)

    @property
    def value(self) -> list[dict[str, Any]]:
        rows = [row.value for row in self.query(RatingRow)]
        # an item is kept once it has a name, rated or not yet
        return [r for r in rows if r["item"].strip()]

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.changed()

    def on_scale_input_changed(self, event: ScaleInput.Changed) -> None:
        event.stop()
        self.changed()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.has_class("add"):
            row = self.row(self.blank(), None)
            await self.mount(row, before=event.button)
            row.query_one(Input).focus()
        else:
            await event.button.query_ancestor(RatingRow).remove()
            self.changed()
